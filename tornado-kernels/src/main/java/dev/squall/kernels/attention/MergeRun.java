package dev.squall.kernels.attention;

import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;

/**
 * One output value's §0 merge over split partials, taken {@link #BATCH} splits at a time: the largest
 * log-sum-exp so far ({@code top}), Σ w_s and Σ w_s·o_s with w_s = e^{L_s − top}. A batch's loads are all
 * issued before any is used, so a merge of up to {@link #BATCH} splits waits for memory once (a loop of one
 * or two splits per trip waits once per trip). Scalar-replaced by the JIT.
 */
record MergeRun(float top, float sum, float value) {

    /** Splits whose log-sum-exps and partial outputs are loaded together. */
    static final int BATCH = 8;

    static MergeRun empty() {
        return new MergeRun(Float.NEGATIVE_INFINITY, 0f, 0f);
    }

    /**
     * This run plus splits s … s + {@link #BATCH} − 1 (those below {@code splits}) of row {@code row} at
     * dimension d: partialLse[row·splits + s], partialOut[(row·splits + s)·headDim + d]. A NaN log-sum-exp
     * makes the run NaN.
     */
    MergeRun plusBatch(FloatArray partialOut, FloatArray partialLse, int row, int d, int headDim, int splits, int s) {
        int base = row * splits + s;
        float l0 = lse(partialLse, base, s, splits);
        float l1 = lse(partialLse, base + 1, s + 1, splits);
        float l2 = lse(partialLse, base + 2, s + 2, splits);
        float l3 = lse(partialLse, base + 3, s + 3, splits);
        float l4 = lse(partialLse, base + 4, s + 4, splits);
        float l5 = lse(partialLse, base + 5, s + 5, splits);
        float l6 = lse(partialLse, base + 6, s + 6, splits);
        float l7 = lse(partialLse, base + 7, s + 7, splits);
        float o0 = output(partialOut, base, d, headDim, s, splits);
        float o1 = output(partialOut, base + 1, d, headDim, s + 1, splits);
        float o2 = output(partialOut, base + 2, d, headDim, s + 2, splits);
        float o3 = output(partialOut, base + 3, d, headDim, s + 3, splits);
        float o4 = output(partialOut, base + 4, d, headDim, s + 4, splits);
        float o5 = output(partialOut, base + 5, d, headDim, s + 5, splits);
        float o6 = output(partialOut, base + 6, d, headDim, s + 6, splits);
        float o7 = output(partialOut, base + 7, d, headDim, s + 7, splits);
        float next = Math.max(Math.max(Math.max(top, Math.max(l0, l1)), Math.max(l2, l3)),
                Math.max(Math.max(l4, l5), Math.max(l6, l7)));
        float carried = SplitKvCore.rescale(top, next);
        float w0 = SplitKvCore.rescale(l0, next);
        float w1 = SplitKvCore.rescale(l1, next);
        float w2 = SplitKvCore.rescale(l2, next);
        float w3 = SplitKvCore.rescale(l3, next);
        float w4 = SplitKvCore.rescale(l4, next);
        float w5 = SplitKvCore.rescale(l5, next);
        float w6 = SplitKvCore.rescale(l6, next);
        float w7 = SplitKvCore.rescale(l7, next);
        float weights = ((w0 + w1) + (w2 + w3)) + ((w4 + w5) + (w6 + w7));
        float weighted = ((w0 * o0 + w1 * o1) + (w2 * o2 + w3 * o3)) + ((w4 * o4 + w5 * o5) + (w6 * o6 + w7 * o7));
        return new MergeRun(next, Math.fma(carried, sum, weights), Math.fma(carried, value, weighted));
    }

    /** Σ w_s·o_s / Σ w_s, 0 when every split was empty (a NaN passes). */
    float output() {
        return !(sum <= 0f) ? value / sum : 0f;
    }

    /** top + log Σ w_s, −∞ when every split was empty. */
    float logSumExp() {
        return !(sum <= 0f) ? top + KernelMath.log(sum) : Float.NEGATIVE_INFINITY;
    }

    private static float lse(FloatArray partialLse, int at, int s, int splits) {
        return s < splits ? partialLse.get(at) : Float.NEGATIVE_INFINITY;
    }

    private static float output(FloatArray partialOut, int at, int d, int headDim, int s, int splits) {
        return s < splits ? partialOut.get(at * headDim + d) : 0f;
    }
}
