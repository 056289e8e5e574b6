package dev.squall.api.spi;

import dev.squall.api.KernelContext;

/**
 * What a device that emulates SPMD execution on the JVM provides to the work-items of one
 * work-group: barriers and local memory. Kernels never see this type; they call
 * {@link KernelContext#localBarrier()} and {@link KernelContext#allocateFloatLocalArray(int)}.
 */
public interface WorkGroupRuntime {

    /** Blocks the calling work-item until every work-item of its group has reached a barrier. */
    void barrier(KernelContext workItem, boolean globalFence);

    /**
     * The group's {@code ordinal}-th local array (counting each work-item's allocations in call
     * order). The first work-item to ask allocates it; the others receive the same array.
     *
     * @param type   the element type, such as {@code float.class}
     * @param length the number of elements, a compile-time constant in the kernel
     * @return a Java array of that type and length, shared by the whole work-group
     */
    Object localArray(KernelContext workItem, int ordinal, Class<?> type, int length);

    /**
     * An int array shared by the work-group (one per group, allocated on first use) through which
     * {@link KernelContext#mma16x8x16}, {@link KernelContext#mma16x8x8Tf32} and
     * {@link KernelContext#warpShuffleXor(float, int)} pass operands between the work-items of a warp.
     */
    int[] warpExchange(KernelContext workItem, int length);

    /** The largest work-group the running kernel's warp-wide operations allow ({@link KernelContext#warpGroupLimit}). */
    default int warpGroupLimit() {
        return KernelContext.MAX_WARP_GROUP_SIZE;
    }
}
