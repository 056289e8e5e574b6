package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.corpus.SpmdKernels;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which loads become one wide access, and what each backend emits for it. */
class LoadCombiningTest {

    private static List<Integer> vectorWidths(CompiledKernel k) {
        return k.function().blocks().stream().flatMap(b -> b.body().stream())
                .filter(i -> i instanceof Inst.VectorLoad).map(i -> ((Inst.VectorLoad) i).results().size()).sorted().toList();
    }

    @Test
    void eightHalvesBecomeOneAccessOnlyWhenTheRowLengthIsKnownToBeAMultipleOfEight() {
        var kernel = KernelCase.find(SpmdKernels.class, "rowChunks");
        CompiledKernel general = KernelCompiler.compile(kernel, Map.of(), CompileOptions.CHECKED);
        CompiledKernel known = KernelCompiler.compile(kernel, Map.of(5, new KnownDivisor(8)), CompileOptions.CHECKED);
        // x[c..c+7] is aligned either way (c is 8·something); the store between splits it into two runs of four
        assertEquals(List.of(4, 4), vectorWidths(general), general.ir());
        assertEquals(List.of(4, 4, 8), vectorWidths(known), known.ir());
        CompiledKernel byFour = KernelCompiler.compile(kernel, Map.of(5, new KnownDivisor(4)), CompileOptions.CHECKED);
        assertEquals(List.of(4, 4, 4, 4), vectorWidths(byFour), byFour.ir());
    }

    @Test
    void aLoopVariableSteppingByMultiplesKeepsItsAlignmentThroughThePhi() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "byteChunkSums"), Map.of(),
                CompileOptions.CHECKED);
        assertEquals(List.of(16), vectorWidths(k), k.ir());
    }

    /**
     * The Q8 mat-vec as DeviceLlama launches it (sizes not constants, only the power of two each int argument is
     * a multiple of): a lane's 16 quants come in one 16-byte load, and its 16 activations in four.
     */
    @Test
    void splitQ8QuantsLoadSixteenAtOnceWithOnlyTheArgumentsDivisibility() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(dev.squall.kernels.transformer.MatVec.class,
                "matVecQ8Spmd"), Map.of(5, new KnownDivisor(16), 6, new KnownDivisor(16), 8, new KnownDivisor(16)),
                CompileOptions.PTX);
        assertEquals(List.of(4, 4, 4, 4, 16), vectorWidths(k), k.ir());
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertEquals(1, count(ptx, "ld\\.global\\.nc\\.v4\\.b32"), ptx);
        assertEquals(4, count(ptx, "ld\\.global\\.nc\\.v4\\.f32"), ptx);
    }

    /** FlatGemmByLanes.q8Gemv likewise: per trip two weight rows' 16 quants in one load each, their activations in four. */
    @Test
    void q8GemvLoadsEachRowsQuantsInOneAccess() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(dev.squall.kernels.gemm.FlatGemmByLanes.class, "q8Gemv"),
                Map.of(6, new KnownDivisor(16), 7, new KnownDivisor(16), 9, new KnownDivisor(16)), CompileOptions.PTX);
        assertEquals(List.of(4, 4, 4, 4, 16, 16), vectorWidths(k), k.ir());
    }

    @Test
    void ptxLoadsSixteenBytesAndUnpacksTheHalves() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "rowChunks"),
                Map.of(5, new KnownDivisor(16)), CompileOptions.PTX);
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertTrue(ptx.contains("ld.global.nc.v4.b32"), ptx);
        assertEquals(4, count(ptx, "mov\\.b32 \\{%ht\\d+, %ht\\d+\\}, %rt\\d+;"), "four words unpacked:\n" + ptx);
        // each half converts from its own 16 bits, with no truncation of a sign-extended copy first
        assertEquals(8, count(ptx, "cvt\\.f32\\.f16 %f\\d+, %ht\\d+;"), "eight conversions:\n" + ptx);
        assertEquals(0, count(ptx, "cvt\\.u16\\.u32"), ptx);
        assertTrue(ptx.contains("ld.global.nc.v4.f32"), ptx);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void openClReadsThroughAnAlignedVectorPointerWithHexadecimalLaneNames() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(SpmdKernels.class, "byteChunkSums"), Map.of(),
                CompileOptions.DEFAULT);
        String source = dev.squall.jit.opencl.OpenCLEmitter.emit(k);
        assertTrue(source.contains("*((__global char16 *) ("), source);
        assertTrue(source.contains(".sf;"), source);
    }

    @Test
    void localArraysReadWideAreDeclaredSixteenByteAligned() {
        // a vector pointer into local memory needs the array aligned to the vector (OpenCL's default is the element's)
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(dev.squall.kernels.attention.FlashAttention2.class, "forward"),
                Map.of(), CompileOptions.DEFAULT);
        String source = dev.squall.jit.opencl.OpenCLEmitter.emit(k);
        assertTrue(source.contains("*((__local float4 *) ("), source);
        assertTrue(source.lines().filter(l -> l.trim().startsWith("__local ")).allMatch(l -> l.contains("aligned(16)")), source);
    }

    @Test
    void factsAreOnlyForIntegerParametersAndPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new KnownDivisor(12));
        assertThrows(IllegalArgumentException.class, () -> new KnownDivisor(32));
        assertEquals(new KnownDivisor(16), KnownDivisor.of(4096));
        assertEquals(new KnownDivisor(2), KnownDivisor.of(-6));
        assertEquals(null, KnownDivisor.of(7));
        var kernel = KernelCase.find(dev.squall.kernels.VectorKernels.class, "saxpy");
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> KernelCompiler.compileUncached(kernel, Map.of(0, new KnownDivisor(4)), CompileOptions.CHECKED));
        assertTrue(e.getMessage().contains("only integer parameters"), e.getMessage());
    }
}
