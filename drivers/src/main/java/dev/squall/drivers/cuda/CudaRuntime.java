package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA driver of this process and its devices, enumerated once when the runtime is loaded.
 * {@link #system()} is the one the device provider and contexts use; {@link #load(String)} loads
 * another library (a test pointing at a fake one, say).
 */
public final class CudaRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(CudaRuntime.class);

    private static final Object SYSTEM_LOCK = new Object();
    private static CudaRuntime system;
    private static DeviceException systemFailure;

    private final CudaLibrary cu;
    private final int driverVersion;
    private final List<CudaDevice> devices;
    private final List<String> problems;

    private CudaRuntime(CudaLibrary cu, int driverVersion, List<CudaDevice> devices, List<String> problems) {
        this.cu = cu;
        this.driverVersion = driverVersion;
        this.devices = List.copyOf(devices);
        this.problems = List.copyOf(problems);
    }

    /**
     * The runtime of the library named by {@code -Dsquall.cuda.library} (default
     * {@code libcuda.so.1}), loaded on first use and then shared.
     *
     * @throws DeviceException when the library cannot be loaded or initialised, every time it is asked for
     */
    public static CudaRuntime system() {
        synchronized (SYSTEM_LOCK) {
            if (system == null && systemFailure == null) {
                try {
                    system = load(CudaLibrary.configuredLibrary());
                } catch (DeviceException e) {
                    systemFailure = e;
                }
            }
            if (systemFailure != null) {
                throw new DeviceException(systemFailure.getMessage(), systemFailure);
            }
            return system;
        }
    }

    /**
     * Loads a driver library, initialises it ({@code cuInit(0)}) and enumerates its devices. Zero
     * devices is not an error here: {@link #devices()} is then empty.
     *
     * @param nameOrPath a library name for the system's search ({@code libcuda.so.1}) or a path
     * @throws DeviceException when the library is missing or incomplete, or {@code cuInit},
     *                         {@code cuDriverGetVersion} or {@code cuDeviceGetCount} fails (named,
     *                         as in {@code cuInit failed: CUDA_ERROR_NO_DEVICE (100)})
     */
    public static CudaRuntime load(String nameOrPath) {
        CudaLibrary cu = CudaLibrary.load(nameOrPath);
        List<CudaDevice> devices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            cu.check(cu.init(0), "cuInit", "library " + nameOrPath);
            MemorySegment value = arena.allocate(JAVA_INT);
            cu.check(cu.driverGetVersion(value), "cuDriverGetVersion", null);
            int driverVersion = value.get(JAVA_INT, 0);
            cu.check(cu.deviceGetCount(value), "cuDeviceGetCount", null);
            int count = value.get(JAVA_INT, 0);
            for (int ordinal = 0; ordinal < count; ordinal++) {
                try {
                    cu.check(cu.deviceGet(value, ordinal), "cuDeviceGet", "ordinal " + ordinal);
                    int handle = value.get(JAVA_INT, 0);
                    devices.add(new CudaDevice(cu, ordinal, handle, driverVersion, CudaDeviceInfo.query(cu, handle)));
                } catch (DeviceException | IllegalArgumentException e) {
                    problems.add("cuda:" + ordinal + ": " + e.getMessage());
                    LOG.warn("skipping CUDA device {}: {}", ordinal, e.getMessage());
                }
            }
            return new CudaRuntime(cu, driverVersion, devices, problems);
        }
    }

    /** Every usable device, in ordinal order. */
    public List<CudaDevice> devices() {
        return devices;
    }

    /** The device {@code cuda:N}, if it exists and is usable. */
    public Optional<CudaDevice> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Why devices were skipped; empty when none were. */
    public List<String> problems() {
        return problems;
    }

    /** The driver's CUDA version ({@code cuDriverGetVersion}): 13000 for 13.0. */
    public int driverVersion() {
        return driverVersion;
    }

    /** The library name or path this runtime was loaded from. */
    public String library() {
        return cu.location();
    }

    CudaLibrary cu() {
        return cu;
    }
}
