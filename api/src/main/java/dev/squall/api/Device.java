package dev.squall.api;

/**
 * A place where kernels run. Obtain one from {@link Devices}; pass it to an execution plan.
 * Implementations live in the drivers module.
 */
public interface Device {

    /** Stable id: {@code "java"}, {@code "opencl:P:D"} or {@code "cuda:N"}. */
    String id();

    Backend backend();

    DeviceType type();

    /** The vendor's name for the device, such as {@code "NVIDIA H100 80GB HBM3"}. */
    String name();

    /** Bytes of global (device) memory. */
    long globalMemoryBytes();

    /** Bytes of local (shared) memory a work-group may use. */
    long localMemoryBytes();

    /** Compute units (OpenCL) or streaming multiprocessors (CUDA); cores for the JVM device. */
    int computeUnits();

    /** Largest number of work-items in one work-group. */
    int maxWorkGroupSize();

    /** Largest single allocation in bytes. */
    default long maxAllocationBytes() {
        return globalMemoryBytes();
    }

    /** Driver and platform details for {@code squall devices}, such as the driver version. */
    default String details() {
        return "";
    }
}
