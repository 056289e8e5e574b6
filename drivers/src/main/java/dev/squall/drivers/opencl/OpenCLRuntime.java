package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
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
 * The OpenCL library of this process and what it offers: platforms and their devices, enumerated
 * once when the runtime is loaded. {@link #system()} is the one the device provider and contexts
 * use; {@link #load(String)} loads another library (a test pointing at a missing one, say).
 */
public final class OpenCLRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCLRuntime.class);

    private static final Object SYSTEM_LOCK = new Object();
    private static OpenCLRuntime system;
    private static DeviceException systemFailure;

    private final OpenCLLibrary cl;
    private final List<OpenCLPlatform> platforms;
    private final List<OpenCLDevice> devices;
    private final List<String> problems;

    private OpenCLRuntime(OpenCLLibrary cl, List<OpenCLPlatform> platforms, List<OpenCLDevice> devices,
            List<String> problems) {
        this.cl = cl;
        this.platforms = List.copyOf(platforms);
        this.devices = List.copyOf(devices);
        this.problems = List.copyOf(problems);
    }

    /**
     * The runtime of the library named by {@code -Dsquall.opencl.library} (default
     * {@code libOpenCL.so.1}), loaded on first use and then shared.
     *
     * @throws DeviceException when the library cannot be loaded, every time it is asked for
     */
    public static OpenCLRuntime system() {
        synchronized (SYSTEM_LOCK) {
            if (system == null && systemFailure == null) {
                try {
                    system = load(OpenCLLibrary.configuredLibrary());
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
     * Loads an OpenCL library and enumerates its platforms and devices. Zero platforms is not an
     * error here: {@link #platforms()} is then empty.
     *
     * @param nameOrPath a library name for the system's search ({@code libOpenCL.so.1}) or a path
     * @throws DeviceException when the library is missing or not an OpenCL library, or when
     *                         {@code clGetPlatformIDs} fails with anything but "no platforms"
     */
    public static OpenCLRuntime load(String nameOrPath) {
        OpenCLLibrary cl = OpenCLLibrary.load(nameOrPath);
        List<OpenCLPlatform> platforms = new ArrayList<>();
        List<OpenCLDevice> devices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = cl.getPlatformIDs(0, MemorySegment.NULL, count);
            if (code == CL.PLATFORM_NOT_FOUND_KHR) {
                return new OpenCLRuntime(cl, platforms, devices, problems);
            }
            OpenCLErrors.check(code, "clGetPlatformIDs");
            int n = count.get(JAVA_INT, 0);
            if (n == 0) {
                return new OpenCLRuntime(cl, platforms, devices, problems);
            }
            MemorySegment ids = arena.allocate(ADDRESS, n);
            OpenCLErrors.check(cl.getPlatformIDs(n, ids, count), "clGetPlatformIDs");
            for (int p = 0; p < n; p++) {
                MemorySegment platformHandle = ids.getAtIndex(ADDRESS, p);
                try {
                    OpenCLPlatform platform = describe(cl, p, platformHandle);
                    platforms.add(platform);
                    enumerateDevices(cl, platform, platformHandle, devices, problems);
                } catch (DeviceException e) {
                    problems.add("platform " + p + ": " + e.getMessage());
                    LOG.warn("skipping OpenCL platform {}: {}", p, e.getMessage());
                }
            }
        }
        return new OpenCLRuntime(cl, platforms, devices, problems);
    }

    private static OpenCLPlatform describe(OpenCLLibrary cl, int index, MemorySegment handle) {
        String api = "clGetPlatformInfo";
        return new OpenCLPlatform(index,
                OpenCLLibrary.queryString(api, CL.PLATFORM_NAME, cl.platformInfo(handle, CL.PLATFORM_NAME)),
                OpenCLLibrary.queryString(api, CL.PLATFORM_VENDOR, cl.platformInfo(handle, CL.PLATFORM_VENDOR)),
                OpenCLLibrary.queryString(api, CL.PLATFORM_VERSION, cl.platformInfo(handle, CL.PLATFORM_VERSION)),
                OpenCLLibrary.queryString(api, CL.PLATFORM_PROFILE, cl.platformInfo(handle, CL.PLATFORM_PROFILE)),
                OpenCLPlatform.splitExtensions(OpenCLLibrary.queryString(api, CL.PLATFORM_EXTENSIONS,
                        cl.platformInfo(handle, CL.PLATFORM_EXTENSIONS))));
    }

    private static void enumerateDevices(OpenCLLibrary cl, OpenCLPlatform platform, MemorySegment platformHandle,
            List<OpenCLDevice> devices, List<String> problems) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int code = cl.getDeviceIDs(platformHandle, CL.DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
            if (code == CL.DEVICE_NOT_FOUND) {
                problems.add("platform " + platform.index() + " (" + platform.name() + ") has no devices");
                return;
            }
            OpenCLErrors.check(code, "clGetDeviceIDs");
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = arena.allocate(ADDRESS, Math.max(n, 1));
            OpenCLErrors.check(cl.getDeviceIDs(platformHandle, CL.DEVICE_TYPE_ALL, n, ids, count), "clGetDeviceIDs");
            for (int d = 0; d < n; d++) {
                MemorySegment deviceHandle = ids.getAtIndex(ADDRESS, d);
                String id = "opencl:" + platform.index() + ":" + d;
                try {
                    OpenCLDeviceInfo info = OpenCLDeviceInfo.query(cl, deviceHandle);
                    if (!info.available()) {
                        problems.add(id + " (" + info.name() + ") reports CL_DEVICE_AVAILABLE = false");
                    } else if (!info.compilerAvailable()) {
                        problems.add(id + " (" + info.name() + ") has no OpenCL C compiler");
                    } else {
                        devices.add(new OpenCLDevice(cl, platform, platformHandle, d, deviceHandle, info));
                    }
                } catch (DeviceException e) {
                    problems.add(id + ": " + e.getMessage());
                    LOG.warn("skipping OpenCL device {}: {}", id, e.getMessage());
                }
            }
        }
    }

    /** Every platform, in {@code clGetPlatformIDs} order. */
    public List<OpenCLPlatform> platforms() {
        return platforms;
    }

    /** Every usable device of every platform. */
    public List<OpenCLDevice> devices() {
        return devices;
    }

    /** The device {@code opencl:P:D}, if it exists and is usable. */
    public Optional<OpenCLDevice> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Why platforms or devices were skipped (unavailable devices, failed queries); empty when none were. */
    public List<String> problems() {
        return problems;
    }

    /** The library name or path this runtime was loaded from. */
    public String library() {
        return cl.location();
    }
}
