package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.jit.opencl.OpenCLEmitter;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code KernelContext.globalBarrier} promises that a work-group's global writes before it are visible
 * to other work-groups that synchronise with it afterwards (the ticket pattern relies on it): both GPU
 * backends fence device-wide on both sides of the barrier.
 */
class GlobalBarrierFenceTest {

    /** Writes, publishes them, then counts the work-group in. */
    public static void publish(KernelContext c, FloatArray data, IntArray count) {
        data.set(c.globalIdx, c.globalIdx);
        c.globalBarrier();
        if (c.localIdx == 0) {
            c.atomicAdd(count, 0, 1);
        }
    }

    @Test
    void ptxFencesWithMembarGlOnBothSidesOfTheBarrier() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(GlobalBarrierFenceTest.class, "publish"), Map.of(),
                CompileOptions.PTX);
        String ptx = PtxEmitter.emit(k, PtxTarget.SM_90);
        assertTrue(Pattern.compile("membar\\.gl;\\s+bar\\.sync 0;\\s+membar\\.gl;").matcher(ptx).find(), ptx);
        assertTrue(ptx.indexOf("st.global") >= 0 && ptx.indexOf("st.global") < ptx.indexOf("membar.gl") && ptx.indexOf("atom.") > ptx.lastIndexOf("membar.gl"),
                "the store before the fences, the atomic after:\n" + ptx);
    }

    @Test
    void openClWrapsTheBarrierInInlineMembarGlOnNvidiaOnly() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(GlobalBarrierFenceTest.class, "publish"), Map.of(),
                CompileOptions.DEFAULT);
        String source = OpenCLEmitter.emit(k);
        String fence = "#ifdef SQUALL_PTX\nasm volatile(\"membar.gl;\" ::: \"memory\");\n#endif";
        String expected = fence + "\nbarrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);\n" + fence;
        assertTrue(source.replaceAll("\n\\s+", "\n").contains(expected), source);
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -D SQUALL_PTX -D SQUALL_PTX_MMA", OpenCLEmitter.buildOptions(true, true));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -D SQUALL_PTX", OpenCLEmitter.buildOptions(true, false));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS, OpenCLEmitter.buildOptions(false, false));
    }
}
