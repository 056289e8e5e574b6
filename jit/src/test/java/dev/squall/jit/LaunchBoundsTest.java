package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.squall.api.KernelCompilationException;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.Parallel;
import dev.squall.api.Reduce;
import dev.squall.api.types.FloatArray;
import dev.squall.jit.launch.LaunchPlanner;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code @LaunchBounds}: into the IR, into PTX as {@code .maxntid}/{@code .minnctapersm}, and enforced at launch. */
class LaunchBoundsTest {

    @LaunchBounds(maxGroupSize = 128, minGroupsPerComputeUnit = 4)
    public static void bounded(KernelContext context, FloatArray x) {
        int i = context.globalIdx;
        if (i < x.getSize()) {
            x.set(i, x.get(i) * 2f + 1f);
        }
    }

    public static void unbounded(KernelContext context, FloatArray x) {
        int i = context.globalIdx;
        if (i < x.getSize()) {
            x.set(i, x.get(i) * 2f + 1f);
        }
    }

    @LaunchBounds(maxGroupSize = 0)
    public static void noGroup(KernelContext context, FloatArray x) {
        x.set(context.globalIdx, 0f);
    }

    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 33)
    public static void tooMany(KernelContext context, FloatArray x) {
        x.set(context.globalIdx, 0f);
    }

    /** A sum over a {@code @Parallel} loop: its reduction needs work-groups of 256. */
    @LaunchBounds(maxGroupSize = 128)
    public static void boundedSum(FloatArray x, @Reduce FloatArray sum) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            sum.set(0, sum.get(0) + x.get(i));
        }
    }

    private static Method kernel(String name) throws NoSuchMethodException {
        return LaunchBoundsTest.class.getMethod(name, KernelContext.class, FloatArray.class);
    }

    @Test
    void theBoundReachesTheIrAndThePtxEntry() throws Exception {
        CompiledKernel k = KernelCompiler.compile(kernel("bounded"), Map.of(), CompileOptions.PTX);
        assertTrue(k.ir().contains("launch bound: work-groups of at most 128, at least 4 per compute unit"), k.ir());
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertTrue(ptx.contains(")\n.maxntid 128, 1, 1\n.minnctapersm 4\n{"), ptx);
        String ptxas = PtxAssemblyTest.ptxas();
        assumeTrue(ptxas != null, "ptxas (CUDA toolkit) is not on the PATH: assembly of the directives is not checked");
        PtxAssemblyTest.assemble(ptxas, ptx, PtxTarget.SM_90, "bounded");
    }

    @Test
    void aKernelWithoutTheAnnotationHasNoDirectives() throws Exception {
        CompiledKernel plain = KernelCompiler.compile(kernel("unbounded"), Map.of(), CompileOptions.PTX);
        assertFalse(PtxEmitter.emit(plain, PtxTarget.SM_90).contains(".maxntid"));
        assertFalse(plain.ir().contains("launch bound"));
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheKernel() {
        KernelCompilationException zero = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compile(kernel("noGroup"), Map.of(), CompileOptions.PTX));
        assertTrue(zero.getMessage().contains("noGroup") && zero.getMessage().contains("@LaunchBounds(maxGroupSize = 0)"),
                zero.getMessage());
        KernelCompilationException many = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compile(kernel("tooMany"), Map.of(), CompileOptions.PTX));
        assertTrue(many.getMessage().contains("tooMany") && many.getMessage().contains("minGroupsPerComputeUnit = 33"),
                many.getMessage());
    }

    @Test
    void aBoundBelowTheWorkGroupOfAReductionIsRefused() throws Exception {
        Method sum = LaunchBoundsTest.class.getMethod("boundedSum", FloatArray.class, FloatArray.class);
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compile(sum, Map.of(), CompileOptions.PTX));
        assertTrue(e.getMessage().contains("boundedSum") && e.getMessage().contains("maxGroupSize = 128")
                && e.getMessage().contains("its reduction needs"), e.getMessage());
    }

    @Test
    void aLargerWorkGroupIsRefusedAtLaunch() throws Exception {
        CompiledKernel k = KernelCompiler.compile(kernel("bounded"), Map.of(), CompileOptions.PTX);
        Object[] args = {FloatArray.fromArray(new float[1024])};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchPlanner.plan(k.function(), args, new int[] {1024, 1, 1}, new int[] {256, 1, 1}, 1024));
        assertTrue(e.getMessage().contains("maxGroupSize = 128") && e.getMessage().contains("[256, 1, 1]"), e.getMessage());
        assertEquals(1, LaunchPlanner.plan(k.function(), args, new int[] {1024, 1, 1}, new int[] {128, 1, 1}, 1024).size());
    }
}
