package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/** out = x / √(mean(x²) + ε) ⊙ weight, per row of {@code n} values. */
public final class RmsNorm {

    /** Work-items per row in {@link #rmsNormSpmd}: a power of two, the length of its local array. */
    public static final int GROUP_SIZE = 256;

    private RmsNorm() {
    }

    /** One parallel iteration per row of a row-major rows×n matrix. */
    public static void rmsNorm(FloatArray x, FloatArray weight, FloatArray out, int rows, int n, float eps) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * n;
            float sumSquares = 0f;
            for (int j = 0; j < n; j++) {
                float v = x.get(base + j);
                sumSquares += v * v;
            }
            float inverse = inverseRms(sumSquares, n, eps);
            for (int j = 0; j < n; j++) {
                out.set(base + j, x.get(base + j) * inverse * weight.get(j));
            }
        }
    }

    /** One work-group of {@link #GROUP_SIZE} per row: grid x = rows · GROUP_SIZE. */
    public static void rmsNormSpmd(KernelContext context, FloatArray x, FloatArray weight, FloatArray out, int rows,
                                   int n, float eps) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE / KernelContext.WARP_SIZE); // the warps' sums
        int row = context.groupIdx;
        int local = context.localIdx;
        // no early return for a group past the last row: barriers stay outside conditionals (see DecodeAttention)
        int limit = row < rows ? n : 0;
        int base = row * n;
        float sumSquares = 0f;
        for (int j = local; j < limit; j += GROUP_SIZE) {
            float v = x.get(base + j);
            sumSquares += v * v;
        }
        float total = GroupSums.warpSum(context, scratch, local, GROUP_SIZE, sumSquares);
        float inverse = inverseRms(total, n, eps);
        for (int j = local; j < limit; j += GROUP_SIZE) {
            out.set(base + j, x.get(base + j) * inverse * weight.get(j));
        }
    }

    /** 1/√(sumSquares / n + ε): the scale of a row with that sum of squares (also MatVec's fused norms). */
    static float inverseRms(float sumSquares, int n, float eps) {
        return (float) (1.0 / Math.sqrt(sumSquares / n + eps));
    }
}
