package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;

/**
 * Attention of one new token over the cached positions 0..position, per query head:
 * softmax(q·Kᵀ/√headDim)·V, with grouped-query attention (query head h reads key/value head
 * h / (heads / kvHeads)). Scores go to a scratch row per head of {@code maxSeq} floats.
 */
public final class DecodeAttention {

    /** Work-items per head in {@link #attentionSpmd} (a power of two). */
    public static final int GROUP_SIZE = 128;

    private DecodeAttention() {
    }

    /** One parallel iteration per query head. */
    public static void attention(FloatArray q, FloatArray keyCache, FloatArray valueCache, FloatArray scores,
                                 FloatArray out, IntArray state, int heads, int kvHeads, int headDim, int maxSeq) {
        for (@Parallel int h = 0; h < heads; h++) {
            int position = state.get(0);
            int kvDim = kvHeads * headDim;
            int kvOffset = h / (heads / kvHeads) * headDim;
            int qOffset = h * headDim;
            int row = h * maxSeq;
            float scale = (float) (1.0 / Math.sqrt(headDim));
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= position; t++) {
                float dot = 0f;
                int keyBase = t * kvDim + kvOffset;
                for (int i = 0; i < headDim; i++) {
                    dot += q.get(qOffset + i) * keyCache.get(keyBase + i);
                }
                float s = dot * scale;
                scores.set(row + t, s);
                max = Math.max(max, s);
            }
            float sum = 0f;
            for (int t = 0; t <= position; t++) {
                float e = (float) Math.exp(scores.get(row + t) - max);
                scores.set(row + t, e);
                sum += e;
            }
            for (int i = 0; i < headDim; i++) {
                float acc = 0f;
                for (int t = 0; t <= position; t++) {
                    acc += scores.get(row + t) / sum * valueCache.get(t * kvDim + kvOffset + i);
                }
                out.set(qOffset + i, acc);
            }
        }
    }

    /**
     * One work-group of {@link #GROUP_SIZE} per query head (grid x = heads · GROUP_SIZE): the
     * work-items split the positions for the scores and the dimensions for the weighted sum.
     */
    public static void attentionSpmd(KernelContext context, FloatArray q, FloatArray keyCache, FloatArray valueCache,
                                     FloatArray scores, FloatArray out, IntArray state, int heads, int kvHeads,
                                     int headDim, int maxSeq) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int h = context.groupIdx;
        int local = context.localIdx;
        // A group past the last head runs the loops zero times instead of returning: every barrier
        // stays outside conditionals (PoCL's CPU compiler corrupts memory on barriers under an early exit).
        int position = h < heads ? state.get(0) : -1;
        int kvDim = kvHeads * headDim;
        int kvOffset = h / (heads / kvHeads) * headDim;
        int qOffset = h * headDim;
        int row = h * maxSeq;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        for (int t = local; t <= position; t += GROUP_SIZE) {
            float dot = 0f;
            int keyBase = t * kvDim + kvOffset;
            for (int i = 0; i < headDim; i++) {
                dot += q.get(qOffset + i) * keyCache.get(keyBase + i);
            }
            float s = dot * scale;
            scores.set(row + t, s);
            max = Math.max(max, s);
        }
        float rowMax = GroupSums.max(context, scratch, local, GROUP_SIZE, max);
        float sum = 0f;
        for (int t = local; t <= position; t += GROUP_SIZE) {
            float e = KernelMath.exp(scores.get(row + t) - rowMax);
            scores.set(row + t, e);
            sum += e;
        }
        float total = GroupSums.sum(context, scratch, local, GROUP_SIZE, sum);
        context.globalBarrier(); // the exponentials other work-items wrote are visible before they are read
        for (int i = local; i < headDim && position >= 0; i += GROUP_SIZE) {
            float acc = 0f;
            for (int t = 0; t <= position; t++) {
                acc += scores.get(row + t) / total * valueCache.get(t * kvDim + kvOffset + i);
            }
            out.set(qOffset + i, acc);
        }
    }
}
