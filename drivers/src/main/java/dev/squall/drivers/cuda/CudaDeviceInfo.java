package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What the driver reports about one device ({@code cuDeviceGetName}, {@code cuDeviceTotalMem} and
 * {@code cuDeviceGetAttribute}), read once at discovery.
 *
 * @param name                         the device's name, such as {@code "NVIDIA H100 80GB HBM3"}
 * @param totalMemoryBytes             global memory
 * @param computeCapability            major.minor
 * @param multiprocessors              streaming multiprocessors (SMs)
 * @param maxThreadsPerBlock           threads in one block
 * @param maxBlockDim                  largest block size in x, y, z
 * @param maxGridDim                   largest grid size in x, y, z
 * @param sharedMemoryPerBlock         shared memory a block gets without opting in (48 KiB)
 * @param sharedMemoryPerBlockOptIn    shared memory a block may get after {@code cuFuncSetAttribute}
 * @param sharedMemoryPerMultiprocessor shared memory of one SM
 * @param registersPerBlock            32-bit registers of one block
 * @param registersPerMultiprocessor   32-bit registers of one SM
 * @param maxThreadsPerMultiprocessor  resident threads of one SM
 * @param warpSize                     threads in a warp
 * @param l2CacheBytes                 L2 cache
 * @param memoryClockKHz               peak memory clock in kHz
 * @param memoryBusWidthBits           global memory bus width in bits
 * @param clockKHz                     typical SM clock in kHz
 * @param unifiedAddressing            the device shares one address space with the host
 * @param asyncEngines                 copy engines that overlap with kernels
 */
public record CudaDeviceInfo(String name, long totalMemoryBytes, ComputeCapability computeCapability,
        int multiprocessors, int maxThreadsPerBlock, int[] maxBlockDim, int[] maxGridDim, int sharedMemoryPerBlock,
        int sharedMemoryPerBlockOptIn, int sharedMemoryPerMultiprocessor, int registersPerBlock,
        int registersPerMultiprocessor, int maxThreadsPerMultiprocessor, int warpSize, int l2CacheBytes,
        int memoryClockKHz, int memoryBusWidthBits, int clockKHz, boolean unifiedAddressing, int asyncEngines) {

    public CudaDeviceInfo {
        maxBlockDim = maxBlockDim.clone();
        maxGridDim = maxGridDim.clone();
    }

    @Override
    public int[] maxBlockDim() {
        return maxBlockDim.clone();
    }

    @Override
    public int[] maxGridDim() {
        return maxGridDim.clone();
    }

    /**
     * Theoretical peak DRAM bandwidth in bytes per second: 2 (double data rate) x memory clock x bus
     * width / 8. For an H100 SXM (2619 MHz, 5120 bits) that is about 3.35 TB/s.
     */
    public double peakBandwidthBytesPerSecond() {
        return 2.0 * memoryClockKHz * 1000.0 * memoryBusWidthBits / 8.0;
    }

    /** Reads every field for {@code device} (a {@code CUdevice} ordinal from {@code cuDeviceGet}). */
    static CudaDeviceInfo query(CudaLibrary cu, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nameBuffer = arena.allocate(JAVA_BYTE, 256);
            cu.check(cu.deviceGetName(nameBuffer, 256, device), "cuDeviceGetName", "device " + device);
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            cu.check(cu.deviceTotalMem(bytes, device), "cuDeviceTotalMem_v2", "device " + device);
            Attributes a = new Attributes(cu, device, arena.allocate(JAVA_INT));
            return new CudaDeviceInfo(nameBuffer.getString(0), bytes.get(JAVA_LONG, 0),
                    new ComputeCapability(a.get(CU.DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "compute capability major"),
                            a.get(CU.DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "compute capability minor")),
                    a.get(CU.DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "multiprocessor count"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, "max threads per block"),
                    new int[] {a.get(CU.DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, "max block dim x"),
                        a.get(CU.DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, "max block dim y"),
                        a.get(CU.DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, "max block dim z")},
                    new int[] {a.get(CU.DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, "max grid dim x"),
                        a.get(CU.DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, "max grid dim y"),
                        a.get(CU.DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, "max grid dim z")},
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, "max shared memory per block"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, "max shared memory per block opt-in"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR, "max shared memory per SM"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK, "max registers per block"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR, "max registers per SM"),
                    a.get(CU.DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, "max threads per SM"),
                    a.get(CU.DEVICE_ATTRIBUTE_WARP_SIZE, "warp size"),
                    a.get(CU.DEVICE_ATTRIBUTE_L2_CACHE_SIZE, "L2 cache size"),
                    a.get(CU.DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, "memory clock rate"),
                    a.get(CU.DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, "global memory bus width"),
                    a.get(CU.DEVICE_ATTRIBUTE_CLOCK_RATE, "clock rate"),
                    a.get(CU.DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, "unified addressing") != 0,
                    a.get(CU.DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT, "async engine count"));
        }
    }

    /** One {@code cuDeviceGetAttribute} after another into the same int. */
    private record Attributes(CudaLibrary cu, int device, MemorySegment value) {
        int get(int attribute, String what) {
            cu.check(cu.deviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute",
                    what + " (attribute " + attribute + ") of device " + device);
            return value.get(JAVA_INT, 0);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CudaDeviceInfo other && name.equals(other.name)
                && totalMemoryBytes == other.totalMemoryBytes && computeCapability.equals(other.computeCapability)
                && multiprocessors == other.multiprocessors && maxThreadsPerBlock == other.maxThreadsPerBlock
                && java.util.Arrays.equals(maxBlockDim, other.maxBlockDim)
                && java.util.Arrays.equals(maxGridDim, other.maxGridDim)
                && sharedMemoryPerBlock == other.sharedMemoryPerBlock
                && sharedMemoryPerBlockOptIn == other.sharedMemoryPerBlockOptIn
                && sharedMemoryPerMultiprocessor == other.sharedMemoryPerMultiprocessor
                && registersPerBlock == other.registersPerBlock
                && registersPerMultiprocessor == other.registersPerMultiprocessor
                && maxThreadsPerMultiprocessor == other.maxThreadsPerMultiprocessor && warpSize == other.warpSize
                && l2CacheBytes == other.l2CacheBytes && memoryClockKHz == other.memoryClockKHz
                && memoryBusWidthBits == other.memoryBusWidthBits && clockKHz == other.clockKHz
                && unifiedAddressing == other.unifiedAddressing && asyncEngines == other.asyncEngines;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, totalMemoryBytes, computeCapability, multiprocessors);
    }

    @Override
    public String toString() {
        return "CudaDeviceInfo[" + name + ", sm_" + computeCapability.major() + computeCapability.minor() + ", "
                + multiprocessors + " SMs, " + totalMemoryBytes + " bytes]";
    }
}
