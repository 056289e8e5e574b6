package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which stores become one wide store, that the order of memory effects survives, and what each backend emits. */
class StoreCombiningTest {

    /** Kernels whose stores do and do not combine. */
    public static final class Kernels {

        private Kernels() {
        }

        /** Four floats at 4·i: one 16-byte store. */
        public static void fourFloats(KernelContext c, FloatArray out) {
            int i = 4 * c.globalIdx;
            out.set(i, 1f);
            out.set(i + 1, 2f * i);
            out.set(i + 2, 3f);
            out.set(i + 3, 4f * i);
        }

        /** A load between the stores (of the element just written) keeps them apart: it must see the write. */
        public static void interrupted(KernelContext c, FloatArray out) {
            int i = 4 * c.globalIdx;
            out.set(i, 1f + i);
            float v = out.get(i);
            out.set(i + 1, 2f * v);
            out.set(i + 2, 3f);
            out.set(i + 3, 4f);
        }

        /** Element i written twice: the later value must win, so the run ends at the second write. */
        public static void writtenTwice(KernelContext c, FloatArray out) {
            int i = 4 * c.globalIdx;
            out.set(i, 1f);
            out.set(i + 1, 2f);
            out.set(i, 5f);
            out.set(i + 2, 3f);
            out.set(i + 3, 4f);
        }

        /** Reads four floats and writes them back doubled: the array is written, so never read as read-only. */
        public static void scaleInPlace(KernelContext c, FloatArray x) {
            int i = 4 * c.globalIdx;
            float a = x.get(i);
            float b = x.get(i + 1);
            float d = x.get(i + 2);
            float e = x.get(i + 3);
            x.set(i, 2f * a);
            x.set(i + 1, 2f * b);
            x.set(i + 2, 2f * d);
            x.set(i + 3, 2f * e);
        }

        /** Two and four halves at aligned places: one 4-byte and one 8-byte store. */
        public static void halfRuns(KernelContext c, dev.squall.api.types.HalfFloatArray h) {
            int i = 8 * c.globalIdx;
            h.setFloat(i, 1f);
            h.setFloat(i + 1, 2f);
            float v = h.getFloat(i + 7);
            h.setFloat(i + 4, v);
            h.setFloat(i + 5, 3f);
            h.setFloat(i + 6, 4f);
            h.setFloat(i + 7, 5f);
        }

        /** Offsets 1…4 of a multiple of 4: only 2 and 3 share an aligned pair. */
        public static void misaligned(KernelContext c, FloatArray out) {
            int i = 4 * c.globalIdx;
            out.set(i + 1, 1f);
            out.set(i + 2, 2f);
            out.set(i + 3, 3f);
            out.set(i + 4, 4f);
        }
    }

    private static List<Integer> widths(CompiledKernel k) {
        return k.function().blocks().stream().flatMap(b -> b.body().stream())
                .filter(i -> i instanceof Inst.VectorStore).map(i -> ((Inst.VectorStore) i).values().size()).sorted()
                .toList();
    }

    private static CompiledKernel compile(String name) {
        return KernelCompiler.compile(KernelCase.find(Kernels.class, name), Map.of(), CompileOptions.CHECKED);
    }

    @Test
    void neighbouringStoresWithNothingBetweenBecomeOne() {
        assertEquals(List.of(4), widths(compile("fourFloats")));
        assertEquals(List.of(2), widths(compile("interrupted")), "the load splits the run: only elements 2 and 3 join");
        assertEquals(List.of(2), widths(compile("misaligned")), "only the aligned pair joins");
    }

    @Test
    void aSecondWriteOfAnElementEndsTheRunAndStillWins() throws Throwable {
        CompiledKernel k = compile("writtenTwice");
        // i, i+1 before the second write of i; then i, i+2, i+3 (i+2 and i+3 an aligned pair)
        assertEquals(List.of(2, 2), widths(k), k.ir());
        for (String name : List.of("fourFloats", "interrupted", "writtenTwice", "misaligned")) {
            DifferentialTest.check(KernelCase.spmd(Kernels.class, name, new int[] {64, 1, 1}, new int[] {32, 1, 1},
                    r -> new Object[] {new KernelContext(), KernelCase.poison(4 * 64 + 8)}));
        }
    }

    @Test
    void anArrayWrittenOnlyByWideStoresIsNotReadThroughTheReadOnlyCache() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(Kernels.class, "scaleInPlace"), Map.of(),
                CompileOptions.PTX);
        assertEquals(List.of(4), widths(k), k.ir());
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertTrue(ptx.contains("st.global.v4.f32"), ptx);
        assertEquals(0, ptx.lines().filter(l -> l.contains(".nc")).count(), "ld.global.nc on a written array:\n" + ptx);
    }

    @Test
    void twoAndFourHalvesGoOutAsOneAndTwoWords() throws Throwable {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(Kernels.class, "halfRuns"), Map.of(),
                CompileOptions.PTX);
        assertEquals(List.of(2, 4), widths(k), k.ir());
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertEquals(1, ptx.lines().filter(l -> l.trim().startsWith("st.global.b32")).count(), ptx);
        assertEquals(1, ptx.lines().filter(l -> l.trim().startsWith("st.global.v2.b32")).count(), ptx);
        assertEquals(3, ptx.lines().filter(l -> l.contains("prmt.b32") && l.endsWith(", 0x5410;")).count(), ptx);
        DifferentialTest.check(KernelCase.spmd(Kernels.class, "halfRuns", new int[] {64, 1, 1}, new int[] {32, 1, 1},
                r -> new Object[] {new KernelContext(), KernelCase.finiteHalves(r, 8 * 64)}));
    }

    @Test
    void binary16RunsGoOutAsPackedWords() {
        var split = KernelCase.find(dev.squall.kernels.gemm.TiledGemmMma.class, "split");
        CompiledKernel k = KernelCompiler.compile(split, Map.of(4, new KnownDivisor(16)), CompileOptions.PTX);
        assertEquals(List.of(8, 8), widths(k), "the nearest values' and the remainders' eight halves");
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertEquals(2, ptx.lines().filter(l -> l.contains("st.global.v4.b32")).count(), ptx);
        assertEquals(8, ptx.lines().filter(l -> l.contains("prmt.b32") && l.endsWith(", 0x5410;")).count(), ptx);
        assertEquals(0, ptx.lines().filter(l -> l.contains("st.global.b16")).count(), ptx);
        String source = dev.squall.jit.opencl.OpenCLEmitter.emit(KernelCompiler.compile(split,
                Map.of(4, new KnownDivisor(16)), CompileOptions.DEFAULT));
        assertTrue(source.contains("vstore8((short8) ((short) ("), source);
    }
}
