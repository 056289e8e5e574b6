package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;

/**
 * Combinations of one value per work-item over a work-group or over runs of lanes, by trees through local memory
 * or by warp shuffles ({@link #warpSum}), inlined into the kernels that call them. Every work-item of the group must
 * call them (they contain barriers, and warpSum warp-wide operations).
 */
final class GroupSums {

    private GroupSums() {
    }

    /** Σ of {@code value} over the whole group ({@code size} work-items, a power of two); all get it. */
    static float sum(KernelContext context, float[] scratch, int local, int size, float value) {
        scratch[local] = value;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] += scratch[local + stride];
            }
            context.localBarrier();
        }
        float total = scratch[0];
        context.localBarrier(); // everyone has read the total before scratch is written again
        return total;
    }

    /** max of {@code value} over the whole group; all get it. */
    static float max(KernelContext context, float[] scratch, int local, int size, float value) {
        scratch[local] = value;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] = Math.max(scratch[local], scratch[local + stride]);
            }
            context.localBarrier();
        }
        float total = scratch[0];
        context.localBarrier();
        return total;
    }

    /**
     * {@link #sum} by warp shuffles: each warp adds its values ({@link KernelContext#warpReduceSum}) and every
     * work-item adds the warps' sums in order, behind two barriers where the tree takes log₂(size) + 2 ({@code size}
     * a multiple of 32 up to 256; {@code scratch} at least size / 32 floats). On an H200 it took RMSNorm from 7.1 to
     * 6.8 µs and NormGemvByLanes' forms 0.1–0.7 µs less time, but MatVec's binary16 SwiGLU form 15% more (23.2
     * against 26.8 µs, the same registers), which therefore keeps the tree
     * (bench/results/2026-12-01-h200-warp-shuffles.md).
     */
    static float warpSum(KernelContext context, float[] scratch, int local, int size, float value) {
        float warpTotal = context.warpReduceSum(value);
        if ((local & (KernelContext.WARP_SIZE - 1)) == 0) {
            scratch[local / KernelContext.WARP_SIZE] = warpTotal;
        }
        context.localBarrier();
        float total = 0f;
        for (int w = 0; w < size / KernelContext.WARP_SIZE; w++) {
            total += scratch[w];
        }
        context.localBarrier(); // everyone has read the total before scratch is written again
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
