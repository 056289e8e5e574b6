package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;

/**
 * Tree combinations of one value per work-item through local memory, inlined into the kernels
 * that call them. Every work-item of the group must call them (they contain barriers).
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
