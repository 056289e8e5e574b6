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
            float s = dot(q, qOffset, keyCache, t * kvDim + kvOffset, headDim) * scale;
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
        int dim = local % headDim;
        float acc = weightedValues(context, scratch, local, scores, row, valueCache, kvDim, kvOffset, headDim, 0,
                position + 1);
        if (local < headDim && position >= 0) {
            out.set(qOffset + dim, acc / total);
        }
    }

    /** Positions per split that {@link #splitsFor} aims at. */
    public static final int SPLIT_POSITIONS = 256;
    /** The most splits {@link #splitsFor} gives. */
    public static final int MAX_SPLITS = 32;

    /** Splits of {@link #attentionSplitSpmd} for a cache of {@code maxSeq} positions. */
    public static int splitsFor(int maxSeq) {
        return Math.max(1, Math.min(MAX_SPLITS, Math.ceilDiv(maxSeq, SPLIT_POSITIONS)));
    }

    /**
     * Flash-Decoding over the position-major cache of {@link #attentionSpmd}: the positions
     * 0..position are cut into {@code splits} equal runs (the cut follows the position the device
     * reads from {@code state}, so a captured CUDA graph stays right as the sequence grows), one
     * work-group of {@link #GROUP_SIZE} per (head, split) computes the softmax-weighted values of its
     * run, normalised within the run, into partialOut[(h·splits + s)·headDim + d] and its log-sum-exp
     * into partialLse[h·splits + s] (−∞ and zeros for an empty run). Then
     * {@code FlashDecoding.merge(partialOut, partialLse, out, lse, heads, headDim, splits)} combines
     * them. Grid x = heads · splits · GROUP_SIZE. Many work-groups per head keep the GPU busy when a
     * long context would leave {@link #attentionSpmd}'s one group per head waiting on memory.
     */
    public static void attentionSplitSpmd(KernelContext context, FloatArray q, FloatArray keyCache, FloatArray valueCache,
                                          FloatArray scores, FloatArray partialOut, FloatArray partialLse, IntArray state,
                                          int heads, int kvHeads, int headDim, int maxSeq, int splits) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int h = context.groupIdx / splits;
        int split = context.groupIdx % splits;
        int local = context.localIdx;
        int length = h < heads ? state.get(0) + 1 : 0;
        int span = (length + splits - 1) / splits;
        int begin = Math.min(length, split * span);
        int end = Math.min(length, begin + span);
        int kvDim = kvHeads * headDim;
        int kvOffset = h / (heads / kvHeads) * headDim;
        int qOffset = h * headDim;
        int row = h * maxSeq;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        for (int t = begin + local; t < end; t += GROUP_SIZE) {
            float s = dot(q, qOffset, keyCache, t * kvDim + kvOffset, headDim) * scale;
            scores.set(row + t, s);
            max = Math.max(max, s);
        }
        float runMax = GroupSums.max(context, scratch, local, GROUP_SIZE, max);
        float sum = 0f;
        for (int t = begin + local; t < end; t += GROUP_SIZE) {
            float e = KernelMath.exp(scores.get(row + t) - runMax);
            scores.set(row + t, e);
            sum += e;
        }
        float total = GroupSums.sum(context, scratch, local, GROUP_SIZE, sum);
        context.globalBarrier(); // the exponentials other work-items wrote are visible before they are read
        int dim = local % headDim;
        float acc = weightedValues(context, scratch, local, scores, row, valueCache, kvDim, kvOffset, headDim, begin, end);
        if (local < headDim && h < heads) {
            int slot = h * splits + split;
            partialOut.set(slot * headDim + dim, total > 0f ? acc / total : 0f);
            if (dim == 0) {
                partialLse.set(slot, total > 0f ? runMax + KernelMath.log(total) : Float.NEGATIVE_INFINITY);
            }
        }
    }

    /** q[qOffset..+n) · key[keyBase..+n) as four independent sums, so four loads are in flight. */
    private static float dot(FloatArray q, int qOffset, FloatArray key, int keyBase, int n) {
        float d0 = 0f;
        float d1 = 0f;
        float d2 = 0f;
        float d3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            d0 += q.get(qOffset + i) * key.get(keyBase + i);
            d1 += q.get(qOffset + i + 1) * key.get(keyBase + i + 1);
            d2 += q.get(qOffset + i + 2) * key.get(keyBase + i + 2);
            d3 += q.get(qOffset + i + 3) * key.get(keyBase + i + 3);
        }
        for (; i < n; i++) {
            d0 += q.get(qOffset + i) * key.get(keyBase + i);
        }
        return (d0 + d1) + (d2 + d3);
    }

    /**
     * Σ_t scores[row + t]·value[t][dim] over t in [begin, end), for dim = local mod headDim, valid in
     * work-items below headDim: the positions are dealt round-robin to GROUP_SIZE / headDim replicas
     * of each dimension (value rows read coalesced, two in flight) whose sums meet in local memory.
     * Every work-item must call it (it has a barrier).
     */
    private static float weightedValues(KernelContext context, float[] scratch, int local, FloatArray scores, int row,
                                        FloatArray valueCache, int kvDim, int kvOffset, int headDim, int begin, int end) {
        int replicas = GROUP_SIZE / headDim;
        int dim = local % headDim;
        int replica = local / headDim;
        float a0 = 0f;
        float a1 = 0f;
        if (replica < replicas) {
            int t = begin + replica;
            for (; t + replicas < end; t += 2 * replicas) {
                a0 += scores.get(row + t) * valueCache.get(t * kvDim + kvOffset + dim);
                a1 += scores.get(row + t + replicas) * valueCache.get((t + replicas) * kvDim + kvOffset + dim);
            }
            for (; t < end; t += replicas) {
                a0 += scores.get(row + t) * valueCache.get(t * kvDim + kvOffset + dim);
            }
        }
        scratch[local] = a0 + a1;
        context.localBarrier();
        float acc = 0f;
        if (replica == 0) {
            for (int r = 0; r < replicas; r++) {
                acc += scratch[r * headDim + dim];
            }
        }
        return acc;
    }
}
