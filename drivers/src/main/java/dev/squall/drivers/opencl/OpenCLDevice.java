package dev.squall.drivers.opencl;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One OpenCL device, id {@code opencl:P:D} (platform index, device index within the platform).
 * Open an {@link OpenCLContext} on it to allocate memory, build programs and launch kernels.
 */
public final class OpenCLDevice implements Device {

    private final OpenCLLibrary cl;
    private final OpenCLPlatform platform;
    private final MemorySegment platformHandle;
    private final int index;
    private final MemorySegment handle;
    private final OpenCLDeviceInfo info;

    OpenCLDevice(OpenCLLibrary cl, OpenCLPlatform platform, MemorySegment platformHandle, int index,
            MemorySegment handle, OpenCLDeviceInfo info) {
        this.cl = cl;
        this.platform = platform;
        this.platformHandle = platformHandle;
        this.index = index;
        this.handle = handle;
        this.info = info;
    }

    @Override
    public String id() {
        return Backend.OPENCL.prefix() + ":" + platform.index() + ":" + index;
    }

    @Override
    public Backend backend() {
        return Backend.OPENCL;
    }

    @Override
    public DeviceType type() {
        return info.type();
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public long globalMemoryBytes() {
        return info.globalMemoryBytes();
    }

    @Override
    public long localMemoryBytes() {
        return info.localMemoryBytes();
    }

    @Override
    public int computeUnits() {
        return info.computeUnits();
    }

    @Override
    public int maxWorkGroupSize() {
        return (int) Math.min(Integer.MAX_VALUE, info.maxWorkGroupSize());
    }

    @Override
    public long maxAllocationBytes() {
        return info.maxAllocationBytes();
    }

    /** Platform, versions, driver and the extensions kernels care about. */
    @Override
    public String details() {
        List<String> parts = new ArrayList<>();
        parts.add("platform " + platform.name() + " (" + platform.version() + ")");
        parts.add("device " + info.version());
        parts.add(info.openclCVersion());
        parts.add("driver " + info.driverVersion());
        parts.add("vendor " + info.vendor());
        info.nvidiaComputeCapability().ifPresent(cc -> parts.add("compute capability " + cc));
        info.nvidiaWarpSize().ifPresent(w -> parts.add("warp " + w));
        parts.add("max alloc " + info.maxAllocationBytes() + " B");
        parts.add("work-items " + info.maxWorkItemSizes().stream().map(String::valueOf)
                .collect(Collectors.joining("x")));
        parts.add("fp16 " + yesNo(info.supportsFp16()) + ", fp64 " + yesNo(info.supportsFp64())
                + ", int64 atomics " + yesNo(info.supportsInt64Atomics()) + ", subgroups "
                + yesNo(info.supportsSubgroups()));
        return String.join("; ", parts);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    public OpenCLPlatform platform() {
        return platform;
    }

    /** Index of this device within its platform. */
    public int index() {
        return index;
    }

    /** Everything the driver reported about this device. */
    public OpenCLDeviceInfo info() {
        return info;
    }

    OpenCLLibrary library() {
        return cl;
    }

    MemorySegment handle() {
        return handle;
    }

    MemorySegment platformHandle() {
        return platformHandle;
    }

    @Override
    public String toString() {
        return id() + " (" + name() + ")";
    }
}
