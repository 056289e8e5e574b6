package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/**
 * Row-wise softmax, numerically stable: out = exp(x − max x) / Σ exp(x − max x). Subtracting the
 * row maximum keeps every exponent ≤ 0, so nothing overflows whatever the scale of x.
 */
public final class Softmax {

    /** Work-group size of {@link #softmaxRowsSpmd}: one group per row, a power of two. */
    public static final int GROUP_SIZE = 128;

    private Softmax() {
    }

    /** One parallel iteration per row of a row-major rows×cols matrix. */
    public static void softmaxRows(FloatArray input, FloatArray output, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, input.get(base + j));
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(input.get(base + j) - max);
                output.set(base + j, e);
                sum += e;
            }
            float inverse = 1f / sum;
            for (int j = 0; j < cols; j++) {
                output.set(base + j, output.get(base + j) * inverse);
            }
        }
    }

    /**
     * One work-group of {@link #GROUP_SIZE} work-items per row (grid x = rows·GROUP_SIZE): each
     * work-item covers a strided slice of the row, and the group combines max and sum in local memory.
     */
    public static void softmaxRowsSpmd(KernelContext context, FloatArray input, FloatArray output, int rows, int cols) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int row = context.groupIdx;
        int local = context.localIdx;
        int size = context.localGroupSizeX;
        // A group past the last row runs its loops zero times rather than returning early: barriers
        // stay outside conditionals, which PoCL's CPU compiler needs (it corrupts memory otherwise).
        int limit = row < rows ? cols : 0;
        int base = row * cols;

        float max = Float.NEGATIVE_INFINITY;
        for (int j = local; j < limit; j += size) {
            max = Math.max(max, input.get(base + j));
        }
        scratch[local] = max;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] = Math.max(scratch[local], scratch[local + stride]);
            }
            context.localBarrier();
        }
        float rowMax = scratch[0];
        context.localBarrier(); // all have read the max before scratch is reused for sums

        float sum = 0f;
        for (int j = local; j < limit; j += size) {
            float e = (float) Math.exp(input.get(base + j) - rowMax);
            output.set(base + j, e);
            sum += e;
        }
        scratch[local] = sum;
        context.localBarrier();
        for (int stride = size / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] += scratch[local + stride];
            }
            context.localBarrier();
        }
        float inverse = 1f / scratch[0];
        for (int j = local; j < limit; j += size) {
            output.set(base + j, output.get(base + j) * inverse);
        }
    }
}
