package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;

/**
 * Combinations of one value per work-item over a work-group (by warp shuffles, then local memory) or over runs
 * of lanes (a tree through local memory), inlined into the kernels that call them. Every work-item of the group
 * must call them (they contain barriers and warp-wide operations).
 */
final class GroupSums {

    private GroupSums() {
    }

    /**
     * Σ of {@code value} over the whole group ({@code size} work-items, a multiple of 32 up to 256); all get it.
     * Each warp adds its values by shuffles ({@link KernelContext#warpReduceSum}), and every work-item adds the
     * warps' sums in order: two barriers, where a tree through local memory takes log₂(size) + 2.
     */
    static float sum(KernelContext context, float[] scratch, int local, int size, float value) {
        float warpSum = context.warpReduceSum(value);
        if ((local & (KernelContext.WARP_SIZE - 1)) == 0) {
            scratch[local / KernelContext.WARP_SIZE] = warpSum;
        }
        context.localBarrier();
        float total = 0f;
        for (int w = 0; w < size / KernelContext.WARP_SIZE; w++) {
            total += scratch[w];
        }
        context.localBarrier(); // everyone has read the total before scratch is written again
        return total;
    }

    /** max of {@code value} over the whole group, as {@link #sum} ({@code Math.max}: NaN wins); all get it. */
    static float max(KernelContext context, float[] scratch, int local, int size, float value) {
        float warpMax = context.warpReduceMax(value);
        if ((local & (KernelContext.WARP_SIZE - 1)) == 0) {
            scratch[local / KernelContext.WARP_SIZE] = warpMax;
        }
        context.localBarrier();
        float total = scratch[0];
        for (int w = 1; w < size / KernelContext.WARP_SIZE; w++) {
            total = Math.max(total, scratch[w]);
        }
        context.localBarrier();
        return total;
    }

    /**
     * Σ of {@code value} over each run of {@code lanes} consecutive work-items (a power of two);
     * the sum is valid in the first work-item of each run ({@code local % lanes == 0}).
     */
    static float sumLanes(KernelContext context, float[] scratch, int local, int lanes, float value) {
        scratch[local] = value;
        context.localBarrier();
        int lane = local & (lanes - 1);
        for (int stride = lanes / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                scratch[local] += scratch[local + stride];
            }
            context.localBarrier();
        }
        return scratch[local];
    }
}
