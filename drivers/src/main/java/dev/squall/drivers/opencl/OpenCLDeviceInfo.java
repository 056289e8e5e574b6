package dev.squall.drivers.opencl;

import dev.squall.api.DeviceType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code clGetDeviceInfo} says about one device: the values kernels, launch grids and buffer
 * sizes are checked against.
 *
 * @param name                       CL_DEVICE_NAME
 * @param vendor                     CL_DEVICE_VENDOR
 * @param version                    CL_DEVICE_VERSION, the full string ({@code "OpenCL 3.0 CUDA"})
 * @param driverVersion              CL_DRIVER_VERSION
 * @param openclCVersion             CL_DEVICE_OPENCL_C_VERSION, the full string
 * @param type                       from CL_DEVICE_TYPE
 * @param globalMemoryBytes          CL_DEVICE_GLOBAL_MEM_SIZE
 * @param localMemoryBytes           CL_DEVICE_LOCAL_MEM_SIZE
 * @param localMemoryDedicated       CL_DEVICE_LOCAL_MEM_TYPE is CL_LOCAL (on-chip), not CL_GLOBAL
 * @param maxAllocationBytes         CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param maxConstantBufferBytes     CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE
 * @param globalCacheBytes           CL_DEVICE_GLOBAL_MEM_CACHE_SIZE
 * @param computeUnits               CL_DEVICE_MAX_COMPUTE_UNITS
 * @param maxClockMHz                CL_DEVICE_MAX_CLOCK_FREQUENCY
 * @param maxWorkGroupSize           CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param maxWorkItemSizes           CL_DEVICE_MAX_WORK_ITEM_SIZES, one entry per dimension
 * @param addressBits                CL_DEVICE_ADDRESS_BITS
 * @param baseAddressAlignBits       CL_DEVICE_MEM_BASE_ADDR_ALIGN (in bits, as the spec has it)
 * @param preferredVectorWidthFloat  CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT
 * @param nativeVectorWidthFloat     CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT
 * @param nativeVectorWidthHalf      CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF (0 without cl_khr_fp16)
 * @param profilingResolutionNanos   CL_DEVICE_PROFILING_TIMER_RESOLUTION
 * @param available                  CL_DEVICE_AVAILABLE
 * @param compilerAvailable          CL_DEVICE_COMPILER_AVAILABLE
 * @param extensions                 CL_DEVICE_EXTENSIONS
 * @param nvidiaComputeCapability    {@code "9.0"} from cl_nv_device_attribute_query, if the device has it
 * @param nvidiaWarpSize             CL_DEVICE_WARP_SIZE_NV, if the device has it
 * @param atomicMemoryCapabilities   CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES on OpenCL 3.0 devices (0 when the
 *                                   driver refuses the query); on 2.x devices the orders and scopes
 *                                   OpenCL C 2.0 requires of every device; 0 before 2.0
 * @param atomicFenceCapabilities    CL_DEVICE_ATOMIC_FENCE_CAPABILITIES, the same way (see
 *                                   {@link #deviceScopeFenceStd})
 */
public record OpenCLDeviceInfo(String name, String vendor, String version, String driverVersion,
        String openclCVersion, DeviceType type, long globalMemoryBytes, long localMemoryBytes,
        boolean localMemoryDedicated, long maxAllocationBytes, long maxConstantBufferBytes, long globalCacheBytes,
        int computeUnits, int maxClockMHz, long maxWorkGroupSize, List<Long> maxWorkItemSizes, int addressBits,
        int baseAddressAlignBits, int preferredVectorWidthFloat, int nativeVectorWidthFloat,
        int nativeVectorWidthHalf, long profilingResolutionNanos, boolean available, boolean compilerAvailable,
        Set<String> extensions, Optional<String> nvidiaComputeCapability, Optional<Integer> nvidiaWarpSize,
        long atomicMemoryCapabilities, long atomicFenceCapabilities) {

    /** cl_device_atomic_capabilities bits: orders, then scopes. */
    public static final long ATOMIC_ORDER_RELAXED = 1L << 0;
    public static final long ATOMIC_ORDER_ACQ_REL = 1L << 1;
    public static final long ATOMIC_ORDER_SEQ_CST = 1L << 2;
    public static final long ATOMIC_SCOPE_WORK_ITEM = 1L << 3;
    public static final long ATOMIC_SCOPE_WORK_GROUP = 1L << 4;
    public static final long ATOMIC_SCOPE_DEVICE = 1L << 5;
    /** What OpenCL C 2.0 requires of every 2.x device, for atomics and fences alike. */
    static final long OPENCL_2_ATOMICS = ATOMIC_ORDER_RELAXED | ATOMIC_ORDER_ACQ_REL | ATOMIC_ORDER_SEQ_CST
            | ATOMIC_SCOPE_WORK_ITEM | ATOMIC_SCOPE_WORK_GROUP | ATOMIC_SCOPE_DEVICE;

    public OpenCLDeviceInfo {
        maxWorkItemSizes = List.copyOf(maxWorkItemSizes);
        extensions = Set.copyOf(extensions);
    }

    /** The version at the start of {@link #version()}: what the device's runtime API supports. */
    public OpenCLVersion deviceVersion() {
        return OpenCLVersion.parse(version);
    }

    /** The version at the start of {@link #openclCVersion()}: what its compiler accepts by default. */
    public OpenCLVersion languageVersion() {
        return OpenCLVersion.parse(openclCVersion);
    }

    public boolean hasExtension(String extension) {
        return extensions.contains(extension);
    }

    public boolean supportsFp16() {
        return hasExtension("cl_khr_fp16");
    }

    public boolean supportsFp64() {
        return hasExtension("cl_khr_fp64") || hasExtension("cl_amd_fp64");
    }

    public boolean supportsInt64Atomics() {
        return hasExtension("cl_khr_int64_base_atomics");
    }

    /**
     * The {@code -cl-std} option under which this device's compiler takes
     * {@code atomic_work_item_fence(CLK_GLOBAL_MEM_FENCE, memory_order_acq_rel, memory_scope_device)}, a
     * fence that makes a work-item's global writes visible to other work-groups: {@code -cl-std=CL3.0}
     * on an OpenCL 3.0 device whose fences have acquire-release order and device scope and whose
     * atomics have device scope (OpenCL C 3.0 declares {@code memory_scope_device} only then),
     * {@code -cl-std=CL2.0} on a 2.x device (OpenCL C 2.0 requires all of it); empty otherwise (OpenCL
     * C 1.2 has no fence beyond the work-group).
     */
    public Optional<String> deviceScopeFenceStd() {
        long fence = ATOMIC_ORDER_ACQ_REL | ATOMIC_SCOPE_DEVICE;
        if ((atomicFenceCapabilities & fence) != fence || (atomicMemoryCapabilities & ATOMIC_SCOPE_DEVICE) == 0) {
            return Optional.empty();
        }
        return Optional.of(deviceVersion().major() >= 3 ? "-cl-std=CL3.0" : "-cl-std=CL2.0");
    }

    /** This record with another device version and other atomic and fence capabilities (for what-if checks and tests). */
    public OpenCLDeviceInfo withAtomics(String deviceVersion, long atomics, long fences) {
        return new OpenCLDeviceInfo(name, vendor, deviceVersion, driverVersion, openclCVersion, type, globalMemoryBytes,
                localMemoryBytes, localMemoryDedicated, maxAllocationBytes, maxConstantBufferBytes, globalCacheBytes,
                computeUnits, maxClockMHz, maxWorkGroupSize, maxWorkItemSizes, addressBits, baseAddressAlignBits,
                preferredVectorWidthFloat, nativeVectorWidthFloat, nativeVectorWidthHalf, profilingResolutionNanos,
                available, compilerAvailable, extensions, nvidiaComputeCapability, nvidiaWarpSize, atomics, fences);
    }

    /**
     * Atomic or fence capabilities for a device of {@code deviceVersion}: what the driver reports on 3.0
     * (0 when it refuses the query), what OpenCL C 2.0 requires on 2.x, none before.
     */
    static long atomicCapabilities(String deviceVersion, Optional<Long> reported) {
        int major = OpenCLVersion.parse(deviceVersion).major();
        return major >= 3 ? reported.orElse(0L) : major == 2 ? OPENCL_2_ATOMICS : 0;
    }

    public boolean supportsSubgroups() {
        return hasExtension("cl_khr_subgroups") || hasExtension("cl_intel_subgroups");
    }

    /** Queries every value of the record from the driver. */
    static OpenCLDeviceInfo query(OpenCLLibrary cl, MemorySegment device) {
        String api = "clGetDeviceInfo";
        long clType = OpenCLLibrary.queryLong(api, CL.DEVICE_TYPE, cl.deviceInfo(device, CL.DEVICE_TYPE));
        Set<String> extensions = OpenCLPlatform.splitExtensions(
                OpenCLLibrary.queryString(api, CL.DEVICE_EXTENSIONS, cl.deviceInfo(device, CL.DEVICE_EXTENSIONS)));
        Optional<String> computeCapability = Optional.empty();
        Optional<Integer> warpSize = Optional.empty();
        if (extensions.contains("cl_nv_device_attribute_query")) {
            Optional<Integer> major = OpenCLLibrary.tryQueryInt(
                    cl.deviceInfo(device, CL.DEVICE_COMPUTE_CAPABILITY_MAJOR_NV));
            Optional<Integer> minor = OpenCLLibrary.tryQueryInt(
                    cl.deviceInfo(device, CL.DEVICE_COMPUTE_CAPABILITY_MINOR_NV));
            if (major.isPresent() && minor.isPresent()) {
                computeCapability = Optional.of(major.get() + "." + minor.get());
            }
            warpSize = OpenCLLibrary.tryQueryInt(cl.deviceInfo(device, CL.DEVICE_WARP_SIZE_NV));
        }
        List<Long> workItemSizes = new ArrayList<>();
        for (long size : OpenCLLibrary.queryLongs(api, CL.DEVICE_MAX_WORK_ITEM_SIZES,
                cl.deviceInfo(device, CL.DEVICE_MAX_WORK_ITEM_SIZES))) {
            workItemSizes.add(size);
        }
        String version = string(cl, device, CL.DEVICE_VERSION);
        boolean three = OpenCLVersion.parse(version).major() >= 3;
        long atomics = atomicCapabilities(version, three
                ? OpenCLLibrary.tryQueryLong(cl.deviceInfo(device, CL.DEVICE_ATOMIC_MEMORY_CAPABILITIES)) : Optional.empty());
        long fences = atomicCapabilities(version, three
                ? OpenCLLibrary.tryQueryLong(cl.deviceInfo(device, CL.DEVICE_ATOMIC_FENCE_CAPABILITIES)) : Optional.empty());
        return new OpenCLDeviceInfo(
                string(cl, device, CL.DEVICE_NAME),
                string(cl, device, CL.DEVICE_VENDOR),
                version,
                string(cl, device, CL.DRIVER_VERSION),
                string(cl, device, CL.DEVICE_OPENCL_C_VERSION),
                typeOf(clType),
                longValue(cl, device, CL.DEVICE_GLOBAL_MEM_SIZE),
                longValue(cl, device, CL.DEVICE_LOCAL_MEM_SIZE),
                intValue(cl, device, CL.DEVICE_LOCAL_MEM_TYPE) == CL.LOCAL,
                longValue(cl, device, CL.DEVICE_MAX_MEM_ALLOC_SIZE),
                longValue(cl, device, CL.DEVICE_MAX_CONSTANT_BUFFER_SIZE),
                longValue(cl, device, CL.DEVICE_GLOBAL_MEM_CACHE_SIZE),
                intValue(cl, device, CL.DEVICE_MAX_COMPUTE_UNITS),
                intValue(cl, device, CL.DEVICE_MAX_CLOCK_FREQUENCY),
                longValue(cl, device, CL.DEVICE_MAX_WORK_GROUP_SIZE),
                workItemSizes,
                intValue(cl, device, CL.DEVICE_ADDRESS_BITS),
                intValue(cl, device, CL.DEVICE_MEM_BASE_ADDR_ALIGN),
                intValue(cl, device, CL.DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                intValue(cl, device, CL.DEVICE_NATIVE_VECTOR_WIDTH_FLOAT),
                intValue(cl, device, CL.DEVICE_NATIVE_VECTOR_WIDTH_HALF),
                longValue(cl, device, CL.DEVICE_PROFILING_TIMER_RESOLUTION),
                intValue(cl, device, CL.DEVICE_AVAILABLE) != CL.FALSE,
                intValue(cl, device, CL.DEVICE_COMPILER_AVAILABLE) != CL.FALSE,
                extensions, computeCapability, warpSize, atomics, fences);
    }

    private static String string(OpenCLLibrary cl, MemorySegment device, int param) {
        return OpenCLLibrary.queryString("clGetDeviceInfo", param, cl.deviceInfo(device, param));
    }

    private static long longValue(OpenCLLibrary cl, MemorySegment device, int param) {
        return OpenCLLibrary.queryLong("clGetDeviceInfo", param, cl.deviceInfo(device, param));
    }

    private static int intValue(OpenCLLibrary cl, MemorySegment device, int param) {
        return OpenCLLibrary.queryInt("clGetDeviceInfo", param, cl.deviceInfo(device, param));
    }

    /** CL_DEVICE_TYPE bits to Squall's device type; a custom or default-only device counts as an accelerator. */
    static DeviceType typeOf(long clType) {
        if ((clType & CL.DEVICE_TYPE_GPU) != 0) {
            return DeviceType.GPU;
        }
        if ((clType & CL.DEVICE_TYPE_CPU) != 0) {
            return DeviceType.CPU;
        }
        return DeviceType.ACCELERATOR;
    }
}
