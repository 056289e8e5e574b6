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
    public static final int GROUP_SIZE = 256;

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
     * One work-group of {@link #GROUP_SIZE} per query head (grid x = heads · GROUP_SIZE; headDim at
     * most GROUP_SIZE). Scores: the work-items split the positions, each dot product kept as four
     * independent sums. Weighted sum of values: work-item i takes dimension i mod headDim for every
     * (GROUP_SIZE / headDim)-th position, reading value rows coalesced, and the partial sums meet in
     * local memory; the division by the softmax sum comes once, at the end.
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
            int keyBase = t * kvDim + kvOffset;
            float d0 = 0f;
            float d1 = 0f;
            float d2 = 0f;
            float d3 = 0f;
            int i = 0;
            for (; i + 3 < headDim; i += 4) {
                d0 += q.get(qOffset + i) * keyCache.get(keyBase + i);
                d1 += q.get(qOffset + i + 1) * keyCache.get(keyBase + i + 1);
                d2 += q.get(qOffset + i + 2) * keyCache.get(keyBase + i + 2);
                d3 += q.get(qOffset + i + 3) * keyCache.get(keyBase + i + 3);
            }
            for (; i < headDim; i++) {
                d0 += q.get(qOffset + i) * keyCache.get(keyBase + i);
            }
            float s = ((d0 + d1) + (d2 + d3)) * scale;
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
        int replicas = GROUP_SIZE / headDim;
        int dim = local % headDim;
        int replica = local / headDim;
        float a0 = 0f;
        float a1 = 0f;
        if (replica < replicas) {
            int t = replica;
            for (; t + replicas <= position; t += 2 * replicas) {
                a0 += scores.get(row + t) * valueCache.get(t * kvDim + kvOffset + dim);
                a1 += scores.get(row + t + replicas) * valueCache.get((t + replicas) * kvDim + kvOffset + dim);
            }
            for (; t <= position; t += replicas) {
                a0 += scores.get(row + t) * valueCache.get(t * kvDim + kvOffset + dim);
            }
        }
        scratch[local] = a0 + a1;
        context.localBarrier();
        if (replica == 0 && position >= 0) {
            float acc = 0f;
            for (int r = 0; r < replicas; r++) {
                acc += scratch[r * headDim + dim];
            }
            out.set(qOffset + dim, acc / total);
        }
    }
}
