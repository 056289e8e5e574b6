package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * backends fence device-wide on both sides of the barrier, OpenCL devices other than NVIDIA's with
 * OpenCL C 2.0's {@code atomic_work_item_fence}.
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
    void openClWrapsTheBarrierInDeviceScopeFences() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(GlobalBarrierFenceTest.class, "publish"), Map.of(),
                CompileOptions.DEFAULT);
        String source = OpenCLEmitter.emit(k);
        // inline membar.gl on NVIDIA devices, OpenCL C 2.0's device-scope fence on the others
        String fence = "#if defined(SQUALL_PTX)\nasm volatile(\"membar.gl;\" ::: \"memory\");\n"
                + "#elif defined(SQUALL_DEVICE_FENCE)\n"
                + "atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, memory_order_acq_rel, memory_scope_device);\n#endif";
        String expected = fence + "\nbarrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);\n" + fence;
        assertTrue(source.replaceAll("\n\\s+", "\n").contains(expected), source);
        assertTrue(OpenCLEmitter.usesGlobalFence(k));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -D SQUALL_PTX -D SQUALL_PTX_MMA", OpenCLEmitter.buildOptions(true, true));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -D SQUALL_PTX", OpenCLEmitter.buildOptions(true, false));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS, OpenCLEmitter.buildOptions(false, false));
        assertEquals(" -cl-std=CL3.0 -D SQUALL_DEVICE_FENCE", OpenCLEmitter.deviceFenceOptions("-cl-std=CL3.0"));
    }

    /** Only kernels with a global barrier ask for the fence (and so for a newer OpenCL C). */
    public static void localOnly(KernelContext c, FloatArray data) {
        c.localBarrier();
        data.set(c.globalIdx, c.localIdx);
    }

    @Test
    void kernelsWithoutGlobalBarriersNeedNoFence() {
        CompiledKernel k = KernelCompiler.compile(KernelCase.find(GlobalBarrierFenceTest.class, "localOnly"), Map.of(),
                CompileOptions.DEFAULT);
        assertFalse(OpenCLEmitter.usesGlobalFence(k));
    }
}
