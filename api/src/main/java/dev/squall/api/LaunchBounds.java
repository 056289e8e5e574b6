package dev.squall.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Promises the largest work-group a kernel is launched with and asks for at least
 * {@link #minGroupsPerComputeUnit} of them to fit on a compute unit at once. A memory-bound kernel
 * hides latency with the bytes its resident work-groups have in flight; on CUDA the register
 * allocator otherwise sizes the kernel for its own speed alone and may leave room for fewer groups
 * (the PTX directives {@code .maxntid} and {@code .minnctapersm}, CUDA's {@code __launch_bounds__}).
 * The cost is registers: past the limit the compiler keeps values in local memory (spills).
 *
 * <pre>{@code
 * @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 4)
 * public static void kernel(KernelContext context, ...) { ... }
 * }</pre>
 *
 * Every backend refuses a launch whose work-group is larger than {@link #maxGroupSize}, and a kernel
 * with a reduction (whose work-group size is fixed) must allow that size; OpenCL has no counterpart
 * for the occupancy request, so there it only sets the limit.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface LaunchBounds {

    /** The most work-items of a work-group this kernel is launched with (1 to 1024). */
    int maxGroupSize();

    /**
     * Work-groups of {@link #maxGroupSize} work-items that should fit on one compute unit at once (1 to
     * 32). Asking for more work-items than a compute unit holds (2048 on current NVIDIA GPUs) has no effect.
     */
    int minGroupsPerComputeUnit() default 1;
}
