package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;

/**
 * How the fused RMSNorm forms take the norm in ({@link MatVec}'s and {@code NormGemvByLanes}'): W·(x ⊙ normWeight)
 * scaled by 1/√(mean(x²) + ε) is W·h for h = RMSNorm(x) ⊙ normWeight, so h is never written to memory and the
 * norm costs no launch of its own. The work-group holds x ⊙ normWeight in a local array, {@link #WINDOW_COLS}
 * columns at a time, and its lanes read their runs of the input from there. Each work-group reads x and
 * normWeight (a few KB, from cache) for it. Every work-item of the group must call these (they hold barriers).
 */
public final class NormalisedInput {

    /**
     * Columns of the normalised input held in local memory at once (16 KB); wider inputs go through in windows
     * of this many columns.
     */
    public static final int WINDOW_COLS = 4096;

    private NormalisedInput() {
    }

    /**
     * Writes x ⊙ normWeight over the first window, columns [0, min(cols, {@link #WINDOW_COLS})), into the local
     * array {@code input} and returns 1/√(mean(x²) + ε) over all cols, by the whole work-group of
     * {@code groupSize} work-items (every work-item gets it, and sees all of {@code input}: the sum's barriers come
     * after the writes). The sum of squares meets by warp shuffles when {@code byShuffles} ({@link GroupSums#warpSum}:
     * {@code scratch} holds at least groupSize / 32 floats, groupSize a multiple of 32 up to 256), else in a tree
     * through local memory ({@code scratch} holds at least groupSize floats, groupSize a power of two).
     */
    public static float firstWindow(KernelContext context, float[] scratch, float[] input, int local, int groupSize,
                                    FloatArray x, FloatArray normWeight, int cols, float eps, boolean byShuffles) {
        float sumSquares = 0f;
        for (int j = local; j < cols; j += groupSize) {
            float v = x.get(j);
            sumSquares += v * v;
            if (j < WINDOW_COLS) {
                input[j] = v * normWeight.get(j);
            }
        }
        float total = byShuffles ? GroupSums.warpSum(context, scratch, local, groupSize, sumSquares)
                : GroupSums.sum(context, scratch, local, groupSize, sumSquares);
        return RmsNorm.inverseRms(total, cols, eps);
    }

    /**
     * The window of the normalised input from column {@code start} (a multiple of {@link #WINDOW_COLS}) into
     * {@code input}, between two barriers: every lane has finished with the previous window before it is
     * overwritten, and sees all of the new one after.
     */
    public static void stageWindow(KernelContext context, float[] input, int local, int groupSize, FloatArray x,
                                   FloatArray normWeight, int start, int cols) {
        context.localBarrier();
        int width = Math.min(WINDOW_COLS, cols - start);
        for (int j = local; j < width; j += groupSize) {
            input[j] = x.get(start + j) * normWeight.get(start + j);
        }
        context.localBarrier();
    }
}
