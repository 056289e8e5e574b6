package dev.squall.drivers.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Backend;
import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.DeviceException;
import dev.squall.api.Devices;
import dev.squall.api.spi.DeviceProvider;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenCLDiscoveryTest {

    @Test
    void deviceQueriesAreSane() {
        OpenCLDevice device = OpenCLTestSupport.device();
        OpenCLDeviceInfo info = device.info();
        assertTrue(device.id().matches("opencl:\\d+:\\d+"), device.id());
        assertEquals(Backend.OPENCL, device.backend());
        assertFalse(device.name().isBlank());
        assertFalse(info.vendor().isBlank());
        assertTrue(info.version().startsWith("OpenCL "), info.version());
        assertTrue(info.deviceVersion().atLeast(OpenCLVersion.V1_2), "Squall needs OpenCL 1.2+: " + info.version());
        assertTrue(info.openclCVersion().startsWith("OpenCL C "), info.openclCVersion());
        assertFalse(info.driverVersion().isBlank());
        assertTrue(device.globalMemoryBytes() >= 64L << 20, "global memory " + device.globalMemoryBytes());
        // the spec's minimums for a full-profile device
        assertTrue(device.localMemoryBytes() >= 16 << 10, "local memory " + device.localMemoryBytes());
        assertTrue(device.maxAllocationBytes() >= Math.min(device.globalMemoryBytes() / 4, 128L << 20));
        assertTrue(device.maxAllocationBytes() <= device.globalMemoryBytes());
        assertTrue(device.computeUnits() >= 1);
        assertTrue(device.maxWorkGroupSize() >= 1);
        assertEquals(3, info.maxWorkItemSizes().size(), "work-item dimensions");
        for (long size : info.maxWorkItemSizes()) {
            assertTrue(size >= 1 && size <= info.maxWorkGroupSize() * 1L << 16, "work-item size " + size);
        }
        assertTrue(info.addressBits() == 32 || info.addressBits() == 64, "address bits " + info.addressBits());
        assertTrue(info.nativeVectorWidthFloat() >= 1);
        assertTrue(info.profilingResolutionNanos() >= 1);
        assertTrue(info.available());
        assertTrue(info.extensions().contains("cl_khr_global_int32_base_atomics")
                || info.deviceVersion().atLeast(new OpenCLVersion(1, 1)));
        String details = device.details();
        assertTrue(details.contains(device.platform().name()), details);
        assertTrue(details.contains(info.driverVersion()), details);
        assertTrue(details.contains("fp64 " + (info.supportsFp64() ? "yes" : "no")), details);
    }

    /** Which devices get a device-scope fence, and under which OpenCL C standard. */
    @Test
    void deviceScopeFencesNeedOpenClTwoOrReportedCapabilities() {
        OpenCLDeviceInfo info = OpenCLTestSupport.device().info();
        long fence = OpenCLDeviceInfo.ATOMIC_ORDER_ACQ_REL | OpenCLDeviceInfo.ATOMIC_SCOPE_DEVICE;
        long device = OpenCLDeviceInfo.ATOMIC_SCOPE_DEVICE;
        assertEquals(Optional.of("-cl-std=CL3.0"), info.withAtomics("OpenCL 3.0 X", device, fence | 1).deviceScopeFenceStd());
        // work-group scope only, no acq_rel fences, or atomics without device scope: none
        assertEquals(Optional.empty(), info.withAtomics("OpenCL 3.0 X", device,
                OpenCLDeviceInfo.ATOMIC_ORDER_ACQ_REL | OpenCLDeviceInfo.ATOMIC_SCOPE_WORK_GROUP).deviceScopeFenceStd());
        assertEquals(Optional.empty(), info.withAtomics("OpenCL 3.0 X", device,
                OpenCLDeviceInfo.ATOMIC_ORDER_RELAXED | OpenCLDeviceInfo.ATOMIC_SCOPE_DEVICE).deviceScopeFenceStd());
        assertEquals(Optional.empty(), info.withAtomics("OpenCL 3.0 X", OpenCLDeviceInfo.ATOMIC_SCOPE_WORK_GROUP, fence)
                .deviceScopeFenceStd());
        // what the query fills in: 2.x devices get what OpenCL C 2.0 requires, 1.x nothing, 3.0 what it reports
        long two = OpenCLDeviceInfo.atomicCapabilities("OpenCL 2.1 X", Optional.empty());
        assertEquals(Optional.of("-cl-std=CL2.0"), info.withAtomics("OpenCL 2.1 X", two, two).deviceScopeFenceStd());
        assertEquals(0, OpenCLDeviceInfo.atomicCapabilities("OpenCL 1.2 X", Optional.of(-1L)));
        assertEquals(Optional.empty(), info.withAtomics("OpenCL 1.2 X", 0, 0).deviceScopeFenceStd());
        assertEquals(0x25L, OpenCLDeviceInfo.atomicCapabilities("OpenCL 3.0 X", Optional.of(0x25L)));
        assertEquals(0, OpenCLDeviceInfo.atomicCapabilities("OpenCL 3.0 X", Optional.empty()), "a refused query");
    }

    /** PoCL (an OpenCL 3.0 device with device-scope fences) builds the fenced kernels as OpenCL C 3.0. */
    @Test
    void poclHasDeviceScopeFences() {
        OpenCLDeviceInfo info = OpenCLTestSupport.device().info();
        Assumptions.assumeTrue(info.version().contains("PoCL"), "not PoCL: " + info.version());
        assertEquals(Optional.of("-cl-std=CL3.0"), info.deviceScopeFenceStd(),
                "fences 0x" + Long.toHexString(info.atomicFenceCapabilities()));
    }

    @Test
    void platformsHaveNamesAndVersions() {
        OpenCLTestSupport.device();
        for (OpenCLPlatform platform : OpenCLRuntime.system().platforms()) {
            assertFalse(platform.name().isBlank());
            assertTrue(platform.openclVersion().atLeast(OpenCLVersion.V1_2) || platform.openclVersion().major() == 1,
                    platform.version());
            assertTrue(platform.profile().endsWith("_PROFILE"), platform.profile());
        }
    }

    @Test
    void devicesComeThroughTheServiceLoader() {
        OpenCLDevice first = OpenCLTestSupport.device();
        BackendStatus status = Devices.status().stream().filter(s -> s.backend() == Backend.OPENCL).findFirst()
                .orElseThrow();
        assertTrue(status.available(), "OpenCL backend: " + status.unavailableReason());
        assertNull(status.unavailableReason());
        Device listed = Devices.get(first.id());
        assertInstanceOf(OpenCLDevice.class, listed);
        assertSame(first, listed, "the provider hands out the system runtime's devices");
        assertTrue(Devices.list().stream().anyMatch(d -> d.id().equals("java")), "the JVM device stays registered");
    }

    @Test
    void missingLibraryIsReportedNotThrown(@TempDir Path dir) {
        String missing = dir.resolve("libOpenCL-missing.so.1").toString();
        DeviceProvider.Discovery discovery = new OpenCLDeviceProvider(missing).discover();
        assertTrue(discovery.devices().isEmpty());
        assertTrue(discovery.unavailableReason().startsWith(missing + " not found: "), discovery.unavailableReason());

        DeviceException thrown = assertThrows(DeviceException.class, () -> OpenCLRuntime.load(missing));
        assertTrue(thrown.getMessage().contains("not found"), thrown.getMessage());
    }

    @Test
    void libraryPropertyNamesTheLibrary(@TempDir Path dir) {
        String missing = dir.resolve("nowhere").resolve("libOpenCL.so.1").toString();
        String before = System.getProperty(OpenCLLibrary.LIBRARY_PROPERTY);
        System.setProperty(OpenCLLibrary.LIBRARY_PROPERTY, missing);
        try {
            assertEquals(missing, OpenCLLibrary.configuredLibrary());
            // a provider for the configured library, as discovery would make with the property set at startup
            DeviceProvider.Discovery discovery = new OpenCLDeviceProvider(OpenCLLibrary.configuredLibrary())
                    .discover();
            assertTrue(discovery.devices().isEmpty());
            assertTrue(discovery.unavailableReason().contains("not found"), discovery.unavailableReason());
        } finally {
            if (before == null) {
                System.clearProperty(OpenCLLibrary.LIBRARY_PROPERTY);
            } else {
                System.setProperty(OpenCLLibrary.LIBRARY_PROPERTY, before);
            }
        }
        assertEquals(before == null ? OpenCLLibrary.defaultLibrary() : before.strip(),
                OpenCLLibrary.configuredLibrary());
    }

    @Test
    void noPlatformsIsReportedNotThrown(@TempDir Path emptyVendors) throws Exception {
        OpenCLTestSupport.device(); // the loader is there
        // a loader that finds no ICD files: OCL_ICD_VENDORS names an empty folder (ocl-icd and the Khronos loader)
        OpenCLTestSupport.ChildResult child = OpenCLTestSupport.runJava(
                java.util.Map.of("OCL_ICD_VENDORS", emptyVendors.toString()), DiscoveryProbe.class);
        assertEquals(0, child.exitCode(), child.output());
        Assumptions.assumeFalse(child.output().contains("reason=null"), "this loader ignores OCL_ICD_VENDORS");
        assertTrue(child.output().contains("devices=0 reason=" + OpenCLDeviceProvider.NO_PLATFORMS), child.output());
    }

    @Test
    void notAnOpenCLLibraryIsReported() {
        // libc exists everywhere this runs and has no clGetPlatformIDs
        DeviceException e = assertThrows(DeviceException.class, () -> OpenCLRuntime.load("libc.so.6"));
        assertTrue(e.getMessage().contains("clGetPlatformIDs"), e.getMessage());
    }

    @Test
    void errorNamesCoverTheSpec() {
        assertEquals("CL_INVALID_WORK_GROUP_SIZE", OpenCLErrors.name(-54));
        assertEquals("CL_BUILD_PROGRAM_FAILURE (-11)", OpenCLErrors.describe(-11));
        assertEquals("CL_PLATFORM_NOT_FOUND_KHR", OpenCLErrors.name(-1001));
        assertEquals("CL_MAX_SIZE_RESTRICTION_EXCEEDED", OpenCLErrors.name(-72));
        for (int code = -1; code >= -19; code--) {
            assertFalse(OpenCLErrors.name(code).equals("CL_UNKNOWN_ERROR"), "code " + code);
        }
        for (int code = -30; code >= -72; code--) {
            assertFalse(OpenCLErrors.name(code).equals("CL_UNKNOWN_ERROR"), "code " + code);
        }
        assertEquals("CL_UNKNOWN_ERROR", OpenCLErrors.name(-25));
        DeviceException e = OpenCLErrors.failure("clFinish", -36, "queue");
        assertEquals("clFinish", e.apiCall());
        assertEquals("CL_INVALID_COMMAND_QUEUE", e.errorName());
        assertEquals(-36, e.errorCode());
        assertTrue(e.getMessage().startsWith("clFinish failed: CL_INVALID_COMMAND_QUEUE (-36)"), e.getMessage());
    }

    @Test
    void versionsParse() {
        assertEquals(new OpenCLVersion(3, 0), OpenCLVersion.parse("OpenCL 3.0 CUDA"));
        assertEquals(new OpenCLVersion(1, 2), OpenCLVersion.parse("OpenCL C 1.2 PoCL"));
        assertTrue(new OpenCLVersion(2, 0).atLeast(OpenCLVersion.V1_2));
        assertThrows(IllegalArgumentException.class, () -> OpenCLVersion.parse("CUDA 12.4"));
    }
}
