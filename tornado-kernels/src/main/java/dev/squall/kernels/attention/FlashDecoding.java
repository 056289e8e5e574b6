package dev.squall.kernels.attention;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.Tickets;

/**
 * Flash-Decoding (split-KV decode attention, spec §4 with the §0 merge): one new query token per
 * (batch, query head) against a KV cache, the cache cut into {@code splits} spans processed in
 * parallel, each producing a normalised partial output and its log-sum-exp, then merged.
 *
 * <p>Layouts (row-major): q (batch·heads, headDim); kCache and vCache (batch·kvHeads, capacity,
 * headDim), positions 0..length−1 valid (anything beyond, NaN included, is never read);
 * partialOut (batch·heads, splits, headDim); partialLse (batch·heads, splits); out (batch·heads,
 * headDim); lse (batch·heads). Grouped-query attention: query head h of batch b reads kv row
 * b·kvHeads + h / (heads / kvHeads). Scale 1/√headDim. headDim ≤ {@link #MAX_HEAD_DIM} and a multiple of 8;
 * heads a multiple of kvHeads; all element indices (e.g. batch·kvHeads·capacity·headDim) must fit in an int.
 * A kernel cannot throw, so a caller checks the head sizes with {@link #requireSupported} before it builds the
 * task (a head dimension that is not a multiple of 8 would silently drop its last dimensions).
 *
 * <p>Split s covers positions [s·span, min(length, (s+1)·span)) with span = ⌈length / splits⌉; an empty
 * split (and length 0) yields output 0 and log-sum-exp −∞, and the merge turns a row whose splits
 * are all empty into out = 0, lse = −∞, never NaN; a NaN score (a NaN in q or in the cache within
 * length) makes its row's output and log-sum-exp NaN, as the float64 reference does, never a quiet 0.
 *
 * <p>One work-group handles one split of one kv head for all query heads of that kv head (one at a
 * time when heads = kvHeads, else four), so K and V are read from memory once for up to four query
 * heads per kv head (once per block of four beyond that); see {@link SplitKvCore} for the schedule.
 * 21 KB of local memory per work-group. A task that compiles heads, kvHeads and headDim as constants
 * ({@code TaskGraph.specialize}, as a model's fixed sizes) gets only the body it takes: on sm_90 the
 * one-head body then needs 80–95 registers instead of 126–132 (two or three work-groups per compute
 * unit instead of one; {@link #residentGroups} has what Nsight Compute measured for the one-launch
 * step); the four-head body needs 128–137 either way. Bytes per (batch, kv head) ≈ 2·length·headDim·elt +
 * 2·splits·g·(headDim+1)·4.
 */
public final class FlashDecoding {

    /** Work-items per work-group of every kernel here. */
    public static final int THREADS = SplitKvCore.THREADS;
    /** Largest supported head dimension. */
    public static final int MAX_HEAD_DIM = SplitKvCore.MAX_HEAD_DIM;
    /** Local floats of {@link #merge} for the weights of its rows' splits (up to 1024 splits a row). */
    static final int MERGE_WEIGHTS = 2048;
    /** A split is given at least this many positions (two chunks) by {@link #splitsFor}. */
    public static final int MIN_SPLIT_POSITIONS = 128;
    /** {@link #splitsFor} gives at least this many splits while the cache is long enough. */
    public static final int MIN_SPLITS = 4;

    private FlashDecoding() {
    }

    /**
     * Throws IllegalArgumentException naming the size when the kernels here (and in
     * {@link UnifiedMaxDecoding}) cannot take it: headDim a multiple of 8 from 8 to {@link #MAX_HEAD_DIM},
     * heads a positive multiple of kvHeads, at most 32 query heads per kv head.
     */
    public static void requireSupported(int heads, int kvHeads, int headDim) {
        String problem = unsupported(heads, kvHeads, headDim);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** What {@link #requireSupported} would say of these sizes, or null when the kernels here take them. */
    public static String unsupported(int heads, int kvHeads, int headDim) {
        if (headDim < 8 || headDim > MAX_HEAD_DIM || headDim % 8 != 0) {
            return "split-KV decode attention needs a head dimension that is a multiple of 8 from 8 to " + MAX_HEAD_DIM
                    + "; got " + headDim;
        }
        if (kvHeads <= 0 || heads <= 0 || heads % kvHeads != 0) {
            return "split-KV decode attention needs heads (" + heads + ") to be a positive multiple of kvHeads ("
                    + kvHeads + ")";
        }
        if (heads / kvHeads > UnifiedMaxDecoding.MAX_GROUP) {
            return "split-KV decode attention takes at most " + UnifiedMaxDecoding.MAX_GROUP
                    + " query heads per kv head (one flag bit each); got " + heads / kvHeads;
        }
        return null;
    }

    /**
     * Work-groups of the split kernels resident per compute unit, as Nsight Compute reported for the
     * one-launch step compiled by the CUDA driver for sm_90 with the sizes as constants: the one-head
     * body (heads = kvHeads) takes 80 registers per work-item, so three groups of {@link #THREADS} fit
     * in 64K registers; the four-head body 128, two.
     */
    public static int residentGroups(int heads, int kvHeads) {
        return heads == kvHeads ? 3 : 2;
    }

    /**
     * Host heuristic for the number of splits S: about one wave of resident work-groups
     * (batch·kvHeads·S groups, {@link #residentGroups} per compute unit), at least {@link #MIN_SPLITS},
     * and at most as many as keep {@link #MIN_SPLIT_POSITIONS} positions per split; at least 1. On an
     * H200 (bench/results/2026-11-30-h200-decode-splits.md) the step took at most 4.1% longer with this
     * count than with the best one measured, on all eleven decode shapes of the bench (with the
     * four-waves rule it replaces, up to 39% longer): more
     * work-groups pay their start, their end and the merge more often, and fewer leave compute units idle.
     * {@link DecodeSplits} uses a device's measured counts where it has them.
     */
    public static int splitsFor(int batch, int heads, int kvHeads, int length, int computeUnits) {
        int rows = Math.max(1, batch * kvHeads);
        int slots = Math.max(1, computeUnits) * residentGroups(heads, kvHeads);
        int most = Math.max(1, length / MIN_SPLIT_POSITIONS);
        int wave = Math.max(MIN_SPLITS, Math.round((float) slots / rows));
        return Math.min(wave, most);
    }

    /**
     * Global x size of {@link #splitKv} and {@link #splitKvF16}: the 2D launch is global
     * (splitGlobalX(splits), batch·kvHeads), local ({@link #THREADS}, 1); group x = split, group y = kv row.
     */
    public static int splitGlobalX(int splits) {
        return splits * THREADS;
    }

    /**
     * Global size of {@link #merge}: 1D, local {@link #THREADS}; work-group j merges rows
     * j·(THREADS / MAX_HEAD_DIM) onwards, THREADS / MAX_HEAD_DIM of them.
     */
    public static int mergeGlobalX(int rows) {
        return Math.ceilDiv(rows * MAX_HEAD_DIM, THREADS) * THREADS;
    }

    /**
     * Kernel 1 with an F32 cache: for every query row r and split s, partialOut[r, s, :] = the softmax-weighted
     * values of the split's positions (normalised within the split) and partialLse[r, s] = log Σ e^{score}
     * over them (−∞ for an empty split). Grid: global ({@link #splitGlobalX}(splits), batch·kvHeads),
     * local ({@link #THREADS}, 1).
     */
    public static void splitKv(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache, FloatArray partialOut,
                               FloatArray partialLse, int heads, int kvHeads, int headDim, int capacity, int length,
                               int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        SplitKvCore.runF32(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
    }

    /** {@link #splitKv} with an F16 (IEEE binary16) cache; same layouts and grid, fp32 arithmetic. */
    public static void splitKvF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                  FloatArray partialOut, FloatArray partialLse, int heads, int kvHeads, int headDim,
                                  int capacity, int length, int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        SplitKvCore.runF16(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
    }

    /**
     * {@link #splitKvF16} with the four-query-head body's key and value rows staged through local memory
     * by asynchronous copies ({@link SplitKvCore#runF16Staged}, a ring of two chunks), as
     * {@link UnifiedMaxDecoding#stepF16Staged}: it takes {@link #STAGED_LOCAL_BYTES} of local memory per
     * work-group (more than NVIDIA OpenCL's 48 KiB; see {@link #stagedSplitFits}). Same layouts and grid.
     * On an H200 it took 8–15% less time than {@link #splitKvF16} + {@link #merge} with four query heads
     * per kv head at B = 1, L ≥ 32768 and at B = 8, 3% more at B = 1, L = 4096, and with one query head
     * per kv head (the unstaged body under its launch bound) up to 37% more
     * (bench/results/2026-11-30-h200-async-copies.md): {@link #splitF16For} tells which to run.
     */
    @LaunchBounds(maxGroupSize = SplitKvCore.THREADS, minGroupsPerComputeUnit = 2)
    public static void splitKvF16Staged(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                        FloatArray partialOut, FloatArray partialLse, int heads, int kvHeads,
                                        int headDim, int capacity, int length, int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        short[] ring = c.allocateShortLocalArray(UnifiedMaxDecoding.STAGED_STAGES * SplitKvCore.RING_STAGE);
        SplitKvCore.runF16Staged(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity,
                length, splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL, ring,
                UnifiedMaxDecoding.STAGED_STAGES);
    }

    /** Local memory a work-group of {@link #splitKvF16Staged} takes, in bytes: the ring and {@link #splitKvF16}'s arrays. */
    public static final long STAGED_LOCAL_BYTES = SplitKvCore.padded(2L * UnifiedMaxDecoding.STAGED_STAGES
            * SplitKvCore.RING_STAGE) + SplitKvCore.padded(4L * SplitKvCore.QUERY_FLOATS)
            + SplitKvCore.padded(4L * SplitKvCore.PARTIAL_FLOATS) + SplitKvCore.padded(4L * SplitKvCore.PROB_FLOATS)
            + 2 * SplitKvCore.padded(4L * SplitKvCore.STAT_FLOATS);

    /** Whether {@link #splitKvF16Staged}'s local memory fits a work-group on {@code device}. */
    public static boolean stagedSplitFits(Device device) {
        return device.localMemoryBytes() >= STAGED_LOCAL_BYTES;
    }

    /**
     * The split kernel for an F16 cache, by name: {@link #splitKvF16Staged} when a kv head serves several
     * query heads and a work-group may have {@link #STAGED_LOCAL_BYTES} of local memory, else
     * {@link #splitKvF16}: the faster of the two on an H200 in each case.
     */
    public static String splitF16For(long localMemoryBytes, int heads, int kvHeads) {
        return heads > kvHeads && localMemoryBytes >= STAGED_LOCAL_BYTES ? "splitKvF16Staged" : "splitKvF16";
    }

    /**
     * {@link #splitKv} and {@link #merge} in one launch: each work-group computes its split, takes a
     * ticket of its kv row ({@code tickets}, batch·kvHeads ints, zero before the first launch and left
     * zero by every launch), and the last of the row's splits to arrive merges the row's query rows into
     * out and lse. One launch per step instead of two, and the merge overlaps other rows' splits. Grid as
     * {@link #splitKv}.
     */
    public static void splitKvMerge(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                    FloatArray partialOut, FloatArray partialLse, IntArray tickets, FloatArray out,
                                    FloatArray lse, int heads, int kvHeads, int headDim, int capacity, int length,
                                    int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        SplitKvCore.runF32(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
        mergeWhenLast(c, partialOut, partialLse, tickets, out, lse, arrival, partials, heads / kvHeads, headDim, splits);
    }

    /**
     * {@link #splitKvMerge} for a decoding step whose position is on the device: length = state[0] + 1, the
     * positions up to and including the one a RoPE-and-cache kernel just wrote. The split count stays as
     * launched while the sequence grows (each split's span grows with it), so a captured CUDA graph
     * replays it unchanged. Batch 1: grid as {@link #splitKv} with kvHeads rows.
     */
    public static void splitKvMergeAtPosition(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                              FloatArray partialOut, FloatArray partialLse, IntArray tickets, FloatArray out,
                                              FloatArray lse, IntArray state, int heads, int kvHeads, int headDim,
                                              int capacity, int splits) {
        splitKvMerge(c, q, kCache, vCache, partialOut, partialLse, tickets, out, lse, heads, kvHeads, headDim, capacity,
                state.get(0) + 1, splits);
    }

    /** {@link #splitKvMerge} with an F16 cache. */
    public static void splitKvMergeF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                       FloatArray partialOut, FloatArray partialLse, IntArray tickets, FloatArray out,
                                       FloatArray lse, int heads, int kvHeads, int headDim, int capacity, int length,
                                       int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        SplitKvCore.runF16(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
        mergeWhenLast(c, partialOut, partialLse, tickets, out, lse, arrival, partials, heads / kvHeads, headDim, splits);
    }

    /**
     * The ticket of kv row c.groupIdy; the last of its {@code splits} work-groups merges its g query rows
     * ({@code weights}: local scratch, free once the split is done).
     */
    private static void mergeWhenLast(KernelContext c, FloatArray partialOut, FloatArray partialLse, IntArray tickets,
                                      FloatArray out, FloatArray lse, int[] arrival, float[] weights, int g, int headDim,
                                      int splits) {
        int kvRow = c.groupIdy;
        if (Tickets.lastOf(c, tickets, kvRow, splits, arrival)) {
            mergeRows(c, partialOut, partialLse, out, lse, weights, SplitKvCore.PARTIAL_FLOATS, kvRow * g, g, headDim,
                    splits);
        }
    }

    /**
     * The §0 merge of rows first … first + count − 1 by the work-group's {@link #THREADS} work-items. The
     * weights w_s = e^{L_s − M} are the same for every dimension of a row, so when count·splits fit in
     * {@code weights} (local, {@code capacity} floats) each is computed once, into it, instead of once per
     * dimension (the exponentials made the per-dimension merge a long dependent chain); otherwise per
     * dimension. Uniform for the work-group: it may contain a barrier.
     */
    static void mergeRows(KernelContext c, FloatArray partialOut, FloatArray partialLse, FloatArray out, FloatArray lse,
                          float[] weights, int capacity, int first, int count, int headDim, int splits) {
        if (count * splits <= capacity) {
            for (int v = c.localIdx; v < count * splits; v += THREADS) {
                int row = first + v / splits;
                weights[v] = SplitKvCore.rescale(partialLse.get(row * splits + v % splits), maxLse(partialLse, row, splits));
            }
            c.localBarrier();
            for (int v = c.localIdx; v < count * headDim; v += THREADS) {
                int r = v / headDim;
                int d = v % headDim;
                int row = first + r;
                float sum0 = 0f;
                float sum1 = 0f;
                float value0 = 0f;
                float value1 = 0f;
                int s = 0;
                for (; s + 2 <= splits; s += 2) { // two independent loads per trip
                    float w0 = weights[r * splits + s];
                    float w1 = weights[r * splits + s + 1];
                    sum0 += w0;
                    sum1 += w1;
                    value0 += w0 * partialOut.get((row * splits + s) * headDim + d);
                    value1 += w1 * partialOut.get((row * splits + s + 1) * headDim + d);
                }
                if (s < splits) {
                    float w = weights[r * splits + s];
                    sum0 += w;
                    value0 += w * partialOut.get((row * splits + s) * headDim + d);
                }
                float sum = sum0 + sum1;
                out.set(row * headDim + d, !(sum <= 0f) ? (value0 + value1) / sum : 0f);
                if (d == 0) {
                    lse.set(row, !(sum <= 0f) ? maxLse(partialLse, row, splits) + KernelMath.log(sum) : Float.NEGATIVE_INFINITY);
                }
            }
            c.localBarrier(); // the weights are read before anything else writes the scratch
        } else {
            for (int v = c.localIdx; v < count * headDim; v += THREADS) {
                int row = first + v / headDim;
                int d = v % headDim;
                out.set(row * headDim + d, mergedValue(partialOut, partialLse, row, d, headDim, splits));
                if (d == 0) {
                    lse.set(row, mergedLse(partialLse, row, splits));
                }
            }
        }
    }

    /**
     * Kernel 2, the §0 merge over the splits of each row: M = max_s L_s, w_s = e^{L_s − M}
     * (0 for L_s = −∞), out = Σ w_s·o_s / Σ w_s and lse = M + log Σ w_s; a row with every split empty
     * gets out = 0 and lse = −∞. Grid: global {@link #mergeGlobalX}(rows), local {@link #THREADS}.
     */
    public static void merge(KernelContext c, FloatArray partialOut, FloatArray partialLse, FloatArray out, FloatArray lse,
                             int rows, int headDim, int splits) {
        float[] weights = c.allocateFloatLocalArray(MERGE_WEIGHTS);
        int perGroup = THREADS / MAX_HEAD_DIM;
        int first = c.groupIdx * perGroup;
        mergeRows(c, partialOut, partialLse, out, lse, weights, MERGE_WEIGHTS, first, Math.min(perGroup, rows - first),
                headDim, splits);
    }

    /**
     * The largest split log-sum-exp of a row (−∞ when all its splits are empty). Four splits per trip
     * into four maxima: the loads of a trip are independent, so they wait for memory once, not four
     * times (a merge is a chain of such loads; one per trip made it latency-bound).
     */
    static float maxLse(FloatArray partialLse, int row, int splits) {
        int base = row * splits;
        float m0 = Float.NEGATIVE_INFINITY;
        float m1 = Float.NEGATIVE_INFINITY;
        float m2 = Float.NEGATIVE_INFINITY;
        float m3 = Float.NEGATIVE_INFINITY;
        int s = 0;
        for (; s + 4 <= splits; s += 4) {
            m0 = Math.max(m0, partialLse.get(base + s));
            m1 = Math.max(m1, partialLse.get(base + s + 1));
            m2 = Math.max(m2, partialLse.get(base + s + 2));
            m3 = Math.max(m3, partialLse.get(base + s + 3));
        }
        for (; s < splits; s++) {
            m0 = Math.max(m0, partialLse.get(base + s));
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /** Dimension d of the merged output of row {@code row}: Σ w_s·o_s / Σ w_s, or 0 when every w_s is 0. */
    static float mergedValue(FloatArray partialOut, FloatArray partialLse, int row, int d, int headDim, int splits) {
        float max = maxLse(partialLse, row, splits);
        int base = row * splits;
        float sum0 = 0f;
        float sum1 = 0f;
        float value0 = 0f;
        float value1 = 0f;
        int s = 0;
        for (; s + 2 <= splits; s += 2) { // two splits per trip, as in maxLse
            float w0 = SplitKvCore.rescale(partialLse.get(base + s), max);
            float w1 = SplitKvCore.rescale(partialLse.get(base + s + 1), max);
            sum0 += w0;
            sum1 += w1;
            value0 += w0 * partialOut.get((base + s) * headDim + d);
            value1 += w1 * partialOut.get((base + s + 1) * headDim + d);
        }
        if (s < splits) {
            float w = SplitKvCore.rescale(partialLse.get(base + s), max);
            sum0 += w;
            value0 += w * partialOut.get((base + s) * headDim + d);
        }
        float sum = sum0 + sum1;
        return !(sum <= 0f) ? (value0 + value1) / sum : 0f; // NaN passes
    }

    /** The merged log-sum-exp of row {@code row}: M + log Σ e^{L_s − M}, −∞ when every split is empty. */
    static float mergedLse(FloatArray partialLse, int row, int splits) {
        float max = maxLse(partialLse, row, splits);
        float sum = 0f;
        for (int s = 0; s < splits; s++) {
            sum += SplitKvCore.rescale(partialLse.get(row * splits + s), max);
        }
        return !(sum <= 0f) ? max + KernelMath.log(sum) : Float.NEGATIVE_INFINITY;
    }
}
