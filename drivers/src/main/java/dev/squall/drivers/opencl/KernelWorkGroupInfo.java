package dev.squall.drivers.opencl;

import java.util.List;

/**
 * What {@code clGetKernelWorkGroupInfo} says about a kernel on its device.
 *
 * @param maxWorkGroupSize               CL_KERNEL_WORK_GROUP_SIZE: the largest work-group this kernel may launch with
 * @param preferredWorkGroupSizeMultiple CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE (the warp or SIMD width)
 * @param localMemoryBytes               CL_KERNEL_LOCAL_MEM_SIZE: local memory used, including local arguments set so far
 * @param privateMemoryBytes             CL_KERNEL_PRIVATE_MEM_SIZE per work-item
 * @param compileWorkGroupSize           CL_KERNEL_COMPILE_WORK_GROUP_SIZE, (0, 0, 0) unless the kernel declares one
 */
public record KernelWorkGroupInfo(long maxWorkGroupSize, long preferredWorkGroupSizeMultiple, long localMemoryBytes,
        long privateMemoryBytes, List<Long> compileWorkGroupSize) {

    public KernelWorkGroupInfo {
        compileWorkGroupSize = List.copyOf(compileWorkGroupSize);
    }
}
