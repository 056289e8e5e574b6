package dev.squall.drivers.cuda;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One CUDA device, id {@code cuda:N} (the driver's ordinal). Open a {@link CudaContext} on it to
 * allocate memory, load PTX and launch kernels.
 */
public final class CudaDevice implements Device {

    private final CudaLibrary cu;
    private final int ordinal;
    private final int handle;
    private final int driverVersion;
    private final CudaDeviceInfo info;

    CudaDevice(CudaLibrary cu, int ordinal, int handle, int driverVersion, CudaDeviceInfo info) {
        this.cu = cu;
        this.ordinal = ordinal;
        this.handle = handle;
        this.driverVersion = driverVersion;
        this.info = info;
    }

    @Override
    public String id() {
        return Backend.CUDA.prefix() + ":" + ordinal;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public DeviceType type() {
        return DeviceType.GPU;
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public long globalMemoryBytes() {
        return info.totalMemoryBytes();
    }

    /**
     * Shared memory a kernel's work-group may have: the opt-in limit
     * ({@link CudaDeviceInfo#sharedMemoryPerBlockOptIn()}), since Squall opts in for kernels whose
     * local arrays exceed the {@link CudaDeviceInfo#sharedMemoryPerBlock() 48 KiB} a block gets without.
     */
    @Override
    public long localMemoryBytes() {
        return info.sharedMemoryPerBlockOptIn();
    }

    /** Streaming multiprocessors. */
    @Override
    public int computeUnits() {
        return info.multiprocessors();
    }

    @Override
    public int maxWorkGroupSize() {
        return info.maxThreadsPerBlock();
    }

    /** Compute capability, driver and PTX ISA, SMs, caches, memory system with its peak bandwidth. */
    @Override
    public String details() {
        List<String> parts = new ArrayList<>();
        parts.add("compute capability " + info.computeCapability() + " (" + ptxTarget() + ")");
        parts.add("driver " + CudaDriverVersion.format(driverVersion) + " (PTX ISA " + ptxIsaVersion() + ")");
        parts.add(info.multiprocessors() + " SMs at " + info.clockKHz() / 1000 + " MHz");
        parts.add("L2 " + mib(info.l2CacheBytes()));
        parts.add(String.format(Locale.ROOT, "memory %d-bit at %d MHz, peak %.0f GB/s", info.memoryBusWidthBits(),
                info.memoryClockKHz() / 1000, peakBandwidthBytesPerSecond() / 1e9));
        parts.add("shared memory " + kib(info.sharedMemoryPerBlock()) + " per block, " + kib(info
                .sharedMemoryPerBlockOptIn()) + " opt-in, " + kib(info.sharedMemoryPerMultiprocessor()) + " per SM");
        parts.add(info.registersPerBlock() + " registers per block");
        parts.add("warp " + info.warpSize());
        parts.add("unified addressing " + (info.unifiedAddressing() ? "yes" : "no"));
        parts.add(info.asyncEngines() + " copy engines");
        return String.join("; ", parts);
    }

    private static String kib(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : kib(bytes);
    }

    /** Theoretical peak DRAM bandwidth in bytes per second (2 x memory clock x bus width / 8). */
    public double peakBandwidthBytesPerSecond() {
        return info.peakBandwidthBytesPerSecond();
    }

    /** The {@code .target} for PTX written for this device: {@code "sm_90"} on an H100. */
    public String ptxTarget() {
        return info.computeCapability().smTarget();
    }

    /** The newest PTX ISA this device's driver accepts ({@link PtxIsaVersion#forDriver(int)}): {@code 9.0} for CUDA 13.0. */
    public PtxIsaVersion ptxIsaVersion() {
        return PtxIsaVersion.forDriver(driverVersion);
    }

    public ComputeCapability computeCapability() {
        return info.computeCapability();
    }

    /** The driver's CUDA version as {@code cuDriverGetVersion} reports it: 13000 for 13.0. */
    public int driverVersion() {
        return driverVersion;
    }

    /** The driver's ordinal of this device. */
    public int ordinal() {
        return ordinal;
    }

    /** Everything the driver reported about this device. */
    public CudaDeviceInfo info() {
        return info;
    }

    CudaLibrary library() {
        return cu;
    }

    /** The {@code CUdevice} handle. */
    int handle() {
        return handle;
    }

    @Override
    public String toString() {
        return id() + " (" + name() + ")";
    }
}
