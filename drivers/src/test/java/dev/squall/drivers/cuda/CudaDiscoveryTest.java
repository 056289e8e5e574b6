package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Backend;
import dev.squall.api.DeviceException;
import dev.squall.api.DeviceType;
import dev.squall.api.spi.DeviceProvider;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against missing libraries and the fake driver: reported, never thrown. */
class CudaDiscoveryTest {

    private static DeviceProvider.Discovery discoverFake(int initResult, int devices, int namesMode) {
        FakeCuda.configure(initResult, devices, 13000, namesMode);
        return new CudaDeviceProvider(FakeCuda.library().toString()).discover();
    }

    @Test
    void missingLibraryIsReportedNotThrown(@TempDir Path dir) {
        String missing = dir.resolve("libcuda.so.1").toString();
        DeviceProvider.Discovery discovery = new CudaDeviceProvider(missing).discover();
        assertTrue(discovery.devices().isEmpty());
        assertTrue(discovery.unavailableReason().startsWith(missing + " not found: "), discovery.unavailableReason());
        DeviceException thrown = assertThrows(DeviceException.class, () -> CudaRuntime.load(missing));
        assertTrue(thrown.getMessage().contains("-Dsquall.cuda.library"), thrown.getMessage());
    }

    @Test
    void missingSystemDriverIsNamedByItsSoname() {
        try {
            CudaRuntime.load("libcuda.so.1");
            Assumptions.abort("this machine has libcuda.so.1");
        } catch (DeviceException e) {
            DeviceProvider.Discovery discovery = new CudaDeviceProvider("libcuda.so.1").discover();
            assertTrue(discovery.unavailableReason().startsWith("libcuda.so.1 not found: "),
                    discovery.unavailableReason());
        }
    }

    @Test
    void libraryPropertyNamesTheLibrary(@TempDir Path dir) {
        String missing = dir.resolve("nowhere").resolve("libcuda.so.1").toString();
        String before = System.getProperty(CudaLibrary.LIBRARY_PROPERTY);
        System.setProperty(CudaLibrary.LIBRARY_PROPERTY, "  " + missing + " ");
        try {
            assertEquals(missing, CudaLibrary.configuredLibrary());
            DeviceProvider.Discovery discovery = new CudaDeviceProvider(CudaLibrary.configuredLibrary()).discover();
            assertTrue(discovery.unavailableReason().startsWith(missing + " not found: "),
                    discovery.unavailableReason());
        } finally {
            if (before == null) {
                System.clearProperty(CudaLibrary.LIBRARY_PROPERTY);
            } else {
                System.setProperty(CudaLibrary.LIBRARY_PROPERTY, before);
            }
        }
        assertEquals(before == null ? "libcuda.so.1" : before.strip(), CudaLibrary.configuredLibrary());
    }

    @Test
    void providerIsRegisteredForTheServiceLoader() {
        boolean found = ServiceLoader.load(DeviceProvider.class).stream()
                .anyMatch(p -> p.type() == CudaDeviceProvider.class);
        assertTrue(found, "META-INF/services lists CudaDeviceProvider");
        assertEquals(Backend.CUDA, new CudaDeviceProvider().backend());
    }

    @Test
    void notACudaLibraryIsReported() {
        DeviceException e = assertThrows(DeviceException.class, () -> CudaRuntime.load("libc.so.6"));
        assertEquals("libc.so.6 is not a usable CUDA driver library: it has no entry point cuGetErrorName",
                e.getMessage());
    }

    @Test
    void initFailureIsNamedByTheDriver() {
        DeviceProvider.Discovery discovery = discoverFake(100, 1, FakeCuda.NAMES_REAL);
        assertTrue(discovery.devices().isEmpty());
        assertTrue(discovery.unavailableReason().startsWith("cuInit failed: CUDA_ERROR_NO_DEVICE (100); "
                + "fake driver description of error 100; library "), discovery.unavailableReason());
        assertFalse(discovery.unavailableReason().contains("\n"), "one line");

        DeviceException e = assertThrows(DeviceException.class, () -> CudaRuntime.load(FakeCuda.library().toString()));
        assertEquals("cuInit", e.apiCall());
        assertEquals("CUDA_ERROR_NO_DEVICE", e.errorName());
        assertEquals(100, e.errorCode());
    }

    @Test
    void theDriversOwnNamesAreUsedWhenItHasThem() {
        DeviceProvider.Discovery discovery = discoverFake(100, 1, FakeCuda.NAMES_PREFIXED);
        assertTrue(discovery.unavailableReason().startsWith("cuInit failed: FAKE_CUDA_ERROR_NO_DEVICE (100)"),
                discovery.unavailableReason());
    }

    @Test
    void theTableNamesWhatTheDriverCannot() {
        DeviceProvider.Discovery stub = discoverFake(34, 1, FakeCuda.NAMES_FAIL);
        assertTrue(stub.unavailableReason().startsWith("cuInit failed: CUDA_ERROR_STUB_LIBRARY (34); library "),
                stub.unavailableReason());
        DeviceProvider.Discovery unknown = discoverFake(4242, 1, FakeCuda.NAMES_REAL);
        assertTrue(unknown.unavailableReason().startsWith("cuInit failed: " + CudaErrors.UNKNOWN + " (4242)"),
                unknown.unavailableReason());
    }

    @Test
    void zeroDevicesIsReportedWithTheDriverVersion() {
        DeviceProvider.Discovery discovery = discoverFake(0, 0, FakeCuda.NAMES_REAL);
        assertTrue(discovery.devices().isEmpty());
        assertEquals("no CUDA devices: cuDeviceGetCount reports 0 (driver 13.0, " + FakeCuda.library() + ")",
                discovery.unavailableReason());
    }

    @Test
    void devicesAreDescribedFromTheirAttributes() {
        CudaRuntime runtime = FakeCuda.healthy();
        assertEquals(13000, runtime.driverVersion());
        assertEquals(1, runtime.devices().size());
        CudaDevice device = runtime.devices().getFirst();
        assertEquals("cuda:0", device.id());
        assertEquals(device, runtime.device("cuda:0").orElseThrow());
        assertEquals(Backend.CUDA, device.backend());
        assertEquals(DeviceType.GPU, device.type());
        assertEquals("Squall Fake H100 #0", device.name());
        assertEquals(80L << 30, device.globalMemoryBytes());
        assertEquals(232448, device.localMemoryBytes()); // the opt-in limit: Squall opts in above 48 KiB
        assertEquals(132, device.computeUnits());
        assertEquals(1024, device.maxWorkGroupSize());
        assertEquals("sm_90", device.ptxTarget());
        assertEquals(new PtxIsaVersion(9, 0), device.ptxIsaVersion());
        CudaDeviceInfo info = device.info();
        assertEquals(232448, info.sharedMemoryPerBlockOptIn());
        assertEquals(233472, info.sharedMemoryPerMultiprocessor());
        assertEquals(65536, info.registersPerBlock());
        assertEquals(32, info.warpSize());
        assertEquals(50 << 20, info.l2CacheBytes());
        assertEquals(5120, info.memoryBusWidthBits());
        assertEquals(3, info.asyncEngines());
        assertTrue(info.unifiedAddressing());
        assertArrayEquals(new int[] {1024, 1024, 64}, info.maxBlockDim());
        assertArrayEquals(new int[] {Integer.MAX_VALUE, 65535, 65535}, info.maxGridDim());
        // 2 x 2619 MHz x 5120 bits / 8
        assertEquals(2.0 * 2_619_000_000.0 * 640, device.peakBandwidthBytesPerSecond(), 1.0);
        assertEquals("compute capability 9.0 (sm_90); driver 13.0 (PTX ISA 9.0); 132 SMs at 1980 MHz; L2 50 MiB; "
                + "memory 5120-bit at 2619 MHz, peak 3352 GB/s; shared memory 48 KiB per block, 227 KiB opt-in, "
                + "228 KiB per SM; 65536 registers per block; warp 32; unified addressing yes; 3 copy engines",
                device.details());

        DeviceProvider.Discovery discovery = new CudaDeviceProvider(FakeCuda.library().toString()).discover();
        assertEquals(1, discovery.devices().size());
        assertEquals(null, discovery.unavailableReason());
    }
}
