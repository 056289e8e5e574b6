package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.KernelCompilationException;
import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.types.FloatArray;
import dev.squall.jit.corpus.SpmdKernels;
import dev.squall.jit.interp.IrInterpreter;
import dev.squall.jit.launch.LaunchPlanner;
import dev.squall.jit.launch.LaunchStep;
import dev.squall.jit.opencl.OpenCLEmitter;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code KernelContext.copyAsync}, {@code commitCopies} and {@code waitCopies}: what each backend makes
 * of them, and that the JVM and the IR interpreter land a copy only when it is waited for (so a kernel
 * that reads its target early fails the differential tests, as it would on a GPU some of the time).
 * The corpus ({@code stagedCopies}, {@code wideStagedCopies}) checks the results on every backend.
 */
class AsyncCopyTest {

    /** Fills a slot with −1, copies four floats over it, and reads it before and after waiting. */
    public static void readBeforeWait(KernelContext c, FloatArray x, FloatArray out) {
        float[] slots = c.allocateFloatLocalArray(32 * 4);
        int at = c.localIdx * 4;
        for (int i = 0; i < 4; i++) {
            slots[at + i] = -1f;
        }
        c.copyAsync(slots, at, x, c.globalIdx * 4);
        c.commitCopies();
        out.set(c.globalIdx * 2, slots[at + 1]); // too early: the copy may not have landed
        c.waitCopies(0);
        out.set(c.globalIdx * 2 + 1, slots[at + 1]);
    }

    @Test
    void theJvmLandsCopiesOnlyWhenWaitedFor() throws Throwable {
        FloatArray x = new FloatArray(64 * 4);
        for (int i = 0; i < x.getSize(); i++) {
            x.set(i, 1000f + i);
        }
        FloatArray out = new FloatArray(128);
        out.init(Float.NaN);
        run(false, "readBeforeWait", new Object[] {new KernelContext(), x, out}, 64, 32);
        for (int g = 0; g < 64; g++) {
            assertEquals(-1f, out.get(2 * g), "stale before the wait, work-item " + g);
            assertEquals(1000f + g * 4 + 1, out.get(2 * g + 1), "landed after the wait, work-item " + g);
        }
    }

    /** The interpreter goes further: touching memory a copy is still filling is an error, naming the copy. */
    @Test
    void theInterpreterRefusesReadsOfACopyInFlight() {
        KernelExecutionException e = assertThrows(KernelExecutionException.class, () -> run(true, "readBeforeWait",
                new Object[] {new KernelContext(), new FloatArray(64 * 4), new FloatArray(128)}, 64, 32));
        assertTrue(e.getMessage().contains("work-item 0 reads local memory that an asynchronous copy of work-item 0"
                + " (KernelContext.copyAsync at AsyncCopyTest.readBeforeWait:") && e.getMessage().contains(
                "is still filling: wait for it first"), e.getMessage());
    }

    /** Refills a slot while the copy before is still in flight (a ring advanced one stage too far). */
    public static void refillTooEarly(KernelContext c, FloatArray x, FloatArray out) {
        float[] slots = c.allocateFloatLocalArray(32 * 4);
        int at = c.localIdx * 4;
        c.copyAsync(slots, at, x, c.globalIdx * 4);
        c.commitCopies();
        c.copyAsync(slots, at, x, c.globalIdx * 4 + 128);
        c.commitCopies();
        c.waitCopies(0);
        out.set(c.globalIdx, slots[at]);
    }

    @Test
    void theInterpreterRefusesACopyOverOneInFlight() {
        KernelExecutionException e = assertThrows(KernelExecutionException.class, () -> run(true, "refillTooEarly",
                new Object[] {new KernelContext(), new FloatArray(64 * 4), new FloatArray(32)}, 32, 32));
        assertTrue(e.getMessage().contains("work-item 0 copies into local memory that an asynchronous copy of work-item 0")
                && e.getMessage().contains("refillTooEarly"), e.getMessage());
    }

    /** Copies four floats to a target index that is not a multiple of four. */
    public static void misaligned(KernelContext c, FloatArray x, FloatArray out) {
        float[] slots = c.allocateFloatLocalArray(64);
        c.copyAsync(slots, 2, x, 0);
        c.commitCopies();
        c.waitCopies(0);
        out.set(c.globalIdx, slots[2]);
    }

    @Test
    void misalignedCopiesAreRefusedNamingTheRule() {
        KernelExecutionException jvm = assertThrows(KernelExecutionException.class, () -> run(false, "misaligned",
                new Object[] {new KernelContext(), new FloatArray(64), new FloatArray(32)}, 32, 32));
        assertTrue(jvm.getMessage().contains("copyAsync(float[], int, FloatArray, int): indices must be multiples of 4"
                + " (16-byte aligned), got local 2 and global 0"), jvm.getMessage());
        KernelExecutionException interpreted = assertThrows(KernelExecutionException.class, () -> run(true,
                "misaligned", new Object[] {new KernelContext(), new FloatArray(64), new FloatArray(32)}, 32, 32));
        assertTrue(interpreted.getMessage().contains("AsyncCopyTest.misaligned:")
                && interpreted.getMessage().contains("multiples of 4 (16-byte aligned), got local 2 and global 0"),
                interpreted.getMessage());
    }

    /** Waits for a number of groups only known at run time. */
    public static void waitsForAVariable(KernelContext c, FloatArray x, FloatArray out, int groups) {
        float[] slots = c.allocateFloatLocalArray(64);
        c.copyAsync(slots, c.localIdx * 4, x, c.globalIdx * 4);
        c.commitCopies();
        c.waitCopies(groups);
        out.set(c.globalIdx, slots[c.localIdx * 4]);
    }

    @Test
    void aWaitCountThatIsNotAConstantIsRefusedWithItsLine() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class, () -> KernelCompiler.compile(
                KernelCase.find(AsyncCopyTest.class, "waitsForAVariable"), Map.of(), CompileOptions.PTX));
        assertTrue(e.getMessage().contains("AsyncCopyTest") && e.getMessage().contains("waitsForAVariable")
                && e.getMessage().contains("waitCopies with a count that is not a compile-time constant")
                && e.getMessage().contains("cp.async.wait_group N"), e.getMessage());
        // a constant bound at compile time is fine
        KernelCompiler.compile(KernelCase.find(AsyncCopyTest.class, "waitsForAVariable"), Map.of(3, 1),
                CompileOptions.PTX);
    }

    /** Copies into a Java array argument (global memory), not a local array. */
    public static void copiesIntoAGlobalArray(KernelContext c, float[] target, FloatArray x) {
        c.copyAsync(target, 0, x, 0);
        c.commitCopies();
        c.waitCopies(0);
    }

    @Test
    void aTargetThatIsNotALocalArrayIsRefusedWithItsLine() {
        KernelCompilationException e = assertThrows(KernelCompilationException.class, () -> KernelCompiler.compile(
                KernelCase.find(AsyncCopyTest.class, "copiesIntoAGlobalArray"), Map.of(), CompileOptions.PTX));
        assertTrue(e.getMessage().contains("copiesIntoAGlobalArray") && e.getMessage().contains("AsyncCopyTest.java:")
                && e.getMessage().contains("which is not a local array"), e.getMessage());
    }

    @Test
    void ptxUsesCpAsyncFromSm80AndALoadAndStoreBefore() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "stagedCopies"), Map.of(),
                CompileOptions.PTX);
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertEquals(4, count(ptx, "cp.async.cg.shared.global \\[%r\\w+\\], \\[%rd\\w+\\], 16;"), ptx);
        assertTrue(ptx.contains("cp.async.commit_group;") && ptx.contains("cp.async.wait_group 2;")
                && ptx.contains("cp.async.wait_group 0;"), ptx);
        String old = PtxEmitter.emit(k, new PtxTarget(75, "7.8"));
        assertFalse(old.contains("cp.async"), old);
        assertEquals(4, count(old, "ld.global.v4.b32 \\{[^}]+\\}, \\[%rd\\w+\\];\\s+st.shared.v4.b32 \\[%r\\w+\\]"), old);
        assertEquals(0, PtxEmitter.dynamicSharedBytes(k.function()), "12 KB fit statically");
    }

    @Test
    void localArraysBeyond48KiBGoToDynamicSharedMemory() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "wideStagedCopies"), Map.of(),
                CompileOptions.PTX);
        // the int array (16 bytes) first, then the floats after it, 16-byte aligned
        assertEquals(16 + 256 * 64 * 4, PtxEmitter.dynamicSharedBytes(k.function()));
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertTrue(ptx.contains(".extern .shared .align 16 .b8 smem_dynamic[];"), ptx);
        assertFalse(Pattern.compile("\\.shared \\.align 16 \\.b8 smem_\\d").matcher(ptx).find(), ptx);
        assertTrue(Pattern.compile("mov\\.u32 (%r\\w+), smem_dynamic;\\s+add\\.u32 \\1, \\1, 16;").matcher(ptx).find(),
                "the second array at offset 16:\n" + ptx);
        assertTrue(Pattern.compile("mov\\.u32 (%r\\w+), smem_dynamic;\\s++(?!add)").matcher(ptx).find(),
                "the first array at offset 0:\n" + ptx);
    }

    @Test
    void openClCopiesAtOnceWithOneWideAccess() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "stagedCopies"), Map.of(),
                CompileOptions.DEFAULT);
        String source = OpenCLEmitter.emit(k);
        assertEquals(2, count(source, "\\*\\(\\(__local short8 \\*\\) \\([^;]+\\)\\) = \\*\\(\\(__global short8 \\*\\)"),
                source);
        assertEquals(2, count(source, "\\*\\(\\(__local float4 \\*\\) \\([^;]+\\)\\) = \\*\\(\\(__global float4 \\*\\)"),
                source);
        assertFalse(source.contains("cp.async"), source);
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }

    private static void run(boolean interpreter, String kernel, Object[] args, int global, int local) throws Throwable {
        KernelCase c = KernelCase.spmd(AsyncCopyTest.class, kernel, new int[] {global, 1, 1}, new int[] {local, 1, 1},
                r -> args);
        if (!interpreter) {
            CorpusChecks.runJava(c, args);
            return;
        }
        CompiledKernel compiled = KernelCompiler.compile(c.kernel(), c.compileFacts(args), CompileOptions.CHECKED);
        for (LaunchStep s : LaunchPlanner.plan(compiled.function(), args, c.global(), c.local(), 1024)) {
            IrInterpreter.launch(s.function(), s.args(), s.global(), s.local(), s.hidden());
        }
    }
}
