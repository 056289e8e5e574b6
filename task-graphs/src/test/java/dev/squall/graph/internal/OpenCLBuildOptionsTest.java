package dev.squall.graph.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Devices;
import dev.squall.api.KernelCompilationException;
import dev.squall.drivers.opencl.OpenCLDevice;
import dev.squall.drivers.opencl.OpenCLDeviceInfo;
import dev.squall.jit.opencl.OpenCLEmitter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which OpenCL build options a kernel gets, and the refusal of a global barrier on a device without a device-scope fence. */
class OpenCLBuildOptionsTest {

    private static OpenCLDeviceInfo anyOpenClDevice() {
        OpenCLDevice device = Devices.list().stream().filter(d -> d instanceof OpenCLDevice).map(d -> (OpenCLDevice) d)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(device != null, "no OpenCL device");
        return device.info();
    }

    @Test
    void fencedKernelsGetTheDeviceStandardAndTheFence() {
        OpenCLDeviceInfo info = anyOpenClDevice().withAtomics("OpenCL 3.0 X", OpenCLDeviceInfo.ATOMIC_SCOPE_DEVICE,
                OpenCLDeviceInfo.ATOMIC_ORDER_ACQ_REL | OpenCLDeviceInfo.ATOMIC_SCOPE_DEVICE);
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -cl-std=CL3.0 -D SQUALL_DEVICE_FENCE",
                OpenCLSession.buildOptions(false, false, "K.k", true, info));
        // kernels without a global barrier, and NVIDIA devices (inline membar.gl), keep the default standard
        assertEquals(OpenCLEmitter.BUILD_OPTIONS, OpenCLSession.buildOptions(false, false, "K.k", false, info));
        assertEquals(OpenCLEmitter.BUILD_OPTIONS + " -D SQUALL_PTX", OpenCLSession.buildOptions(true, false, "K.k", true,
                info.withAtomics("OpenCL 1.2 X", 0, 0)));
    }

    @Test
    void aDeviceWithoutDeviceScopeFencesIsRefusedFencedKernels() {
        OpenCLDeviceInfo old = anyOpenClDevice().withAtomics("OpenCL 1.2 X", 0, 0);
        assertEquals(OpenCLEmitter.BUILD_OPTIONS, OpenCLSession.buildOptions(false, false, "K.k", false, old));
        KernelCompilationException e = assertThrows(KernelCompilationException.class,
                () -> OpenCLSession.buildOptions(false, false, "Tickets.k", true, old));
        String message = e.getMessage();
        assertTrue(message.contains("Tickets.k") && message.contains("device-scope fence")
                && message.contains("OpenCL 1.2 X") && message.contains(old.openclCVersion()), message);
    }
}
