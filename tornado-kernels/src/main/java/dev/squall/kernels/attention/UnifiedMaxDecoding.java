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
 * FlashDecoding++ asynchronised softmax with a unified max φ (spec §5.1): every split accumulates
 * num = Σ e^{x−φ}·v and den = Σ e^{x−φ} with no running max, no rescaling and no synchronisation
 * between splits, and the merge is Σ num / Σ den. A score x whose x − φ leaves the safe window
 * (low, high) (see {@link UnifiedMax}) flags its query row, which is then recomputed by the
 * synchronised Flash-Decoding path. A task graph runs one of three forms per step:
 * <ul>
 * <li>one launch, {@link #step}: a work-group whose split left the window recomputes that split at
 * once with the synchronised path, and the last work-group of each kv row merges (a ticket per kv row
 * in global memory) the unified and the recomputed splits on a common max ({@link #stepF16Staged}: the
 * same with the key and value rows staged through local memory by asynchronous copies;
 * {@link #stepF16Mma}: the unified path on tensor cores);</li>
 * <li>two: {@link #partialMerge} → {@link #fallback}, the fallback recomputing every split of a kv row
 * with a flagged row;</li>
 * <li>four: {@link #partial} → {@link #merge} → {@link #fallbackPartial} → {@link #fallbackMerge}; the
 * last two do nothing for rows that were not flagged.</li>
 * </ul>
 *
 * <p>Layouts as in {@link FlashDecoding}: q (batch·heads, headDim); caches (batch·kvHeads, capacity,
 * headDim); partialNum and partialOut (batch·heads, splits, headDim); partialDen and partialLse
 * (batch·heads, splits); flags (batch·heads), all 0 before the first {@link #partial} (the fallback
 * merge clears them again); out (batch·heads, headDim). Grids: the partial kernels as
 * {@link FlashDecoding#splitKv} (global ({@link FlashDecoding#splitGlobalX}(splits), batch·kvHeads),
 * local ({@link FlashDecoding#THREADS}, 1)), the merges as {@link FlashDecoding#merge} (global
 * {@link FlashDecoding#mergeGlobalX}(rows), local THREADS). heads / kvHeads ≤ 32 (one flag bit per
 * query head of a kv head).
 */
public final class UnifiedMaxDecoding {

    private UnifiedMaxDecoding() {
    }

    /**
     * The asynchronous partial with an F32 cache: partialNum[r, s, :] = Σ e^{x−φ}·v and
     * partialDen[r, s] = Σ e^{x−φ} over split s's positions (0 for an empty split); flags[r] = 1 when
     * any score x of row r has x − φ ∉ (low, high) (including NaN). Scores are q·k/√headDim.
     */
    public static void partial(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache, FloatArray partialNum,
                               FloatArray partialDen, IntArray flags, int heads, int kvHeads, int headDim, int capacity,
                               int length, int splits, float phi, float low, float high) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int outside = SplitKvCore.runF32(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        raiseFlags(flags, outside, c.groupIdy, heads / kvHeads);
    }

    /** {@link #partial} with an F16 cache. */
    public static void partialF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                  FloatArray partialNum, FloatArray partialDen, IntArray flags, int heads, int kvHeads,
                                  int headDim, int capacity, int length, int splits, float phi, float low, float high) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int outside = SplitKvCore.runF16(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        raiseFlags(flags, outside, c.groupIdy, heads / kvHeads);
    }

    /**
     * {@link #partial} and {@link #merge} in one launch: the partials as {@link #partial}; then each
     * work-group takes a ticket of its kv row ({@code tickets}, batch·kvHeads ints, zero before the first
     * launch and left zero by every launch), and the last of the row's splits to arrive merges its query
     * rows as {@link #merge} does (unflagged rows into out, flagged ones counted in fallbackCount[0]).
     * One launch fewer per step than the four-launch chain, and the merge runs while other kv rows are
     * still in their partials. Grid as {@link #partial}.
     */
    public static void partialMerge(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                    FloatArray partialNum, FloatArray partialDen, IntArray flags, IntArray tickets,
                                    FloatArray out, IntArray fallbackCount, int heads, int kvHeads, int headDim,
                                    int capacity, int length, int splits, float phi, float low, float high) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int outside = SplitKvCore.runF32(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        raiseFlags(flags, outside, c.groupIdy, heads / kvHeads);
        mergeWhenLast(c, partialNum, partialDen, flags, tickets, out, fallbackCount, arrival, heads / kvHeads, headDim,
                splits);
    }

    /** {@link #partialMerge} with an F16 cache. */
    public static void partialMergeF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                       FloatArray partialNum, FloatArray partialDen, IntArray flags, IntArray tickets,
                                       FloatArray out, IntArray fallbackCount, int heads, int kvHeads, int headDim,
                                       int capacity, int length, int splits, float phi, float low, float high) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int outside = SplitKvCore.runF16(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        raiseFlags(flags, outside, c.groupIdy, heads / kvHeads);
        mergeWhenLast(c, partialNum, partialDen, flags, tickets, out, fallbackCount, arrival, heads / kvHeads, headDim,
                splits);
    }

    /**
     * A whole step in one launch, F32 cache. Each work-group computes its split with the unified max as
     * {@link #partial}; a work-group that saw a score leave the window recomputes that split (only it,
     * not the whole row) with the synchronised path into partialOut and partialLse, marks the split of
     * each flagged query row with partialDen = −1, and raises the row's flag. Then it takes the ticket of
     * its kv row, and the row's last work-group merges: unflagged rows as {@link #merge}, flagged ones
     * with every split on a common max (the unified splits at φ, the recomputed ones at their own
     * log-sum-exp), counting them in fallbackCount[0] and clearing their flags. partialOut and
     * partialLse are scratch like partialNum and partialDen; flags and tickets start at 0 and are left at
     * 0. Grid as {@link #partial}.
     *
     * <p>The kernel holds the split body twice: the unified one, and the synchronised one-head-per-pass
     * body for the recomputation (rare, so it may read K and V once per query head). PoCL takes about
     * 40 s to compile it on a two-core CPU, against 3 s for {@link #partialMerge}. On an H200 it is the
     * fastest form: B = 1, L = 4096, 32 / 8 kv heads: 0.028 / 0.016 ms against 0.032 / 0.020 for two
     * launches; a step in which every split leaves the window takes 2–6× as long.
     */
    public static void step(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache, FloatArray partialNum,
                            FloatArray partialDen, FloatArray partialOut, FloatArray partialLse, IntArray flags,
                            IntArray tickets, FloatArray out, IntArray fallbackCount, int heads, int kvHeads,
                            int headDim, int capacity, int length, int splits, float phi, float low, float high) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int[] leftWindow = c.allocateIntLocalArray(MAX_GROUP);
        clearLeftWindow(c, leftWindow);
        int outside = SplitKvCore.runF32(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        int flagged = groupMask(c, leftWindow, outside, heads / kvHeads);
        if (flagged != 0) { // the same for the whole work-group
            // One head per pass whatever g is: the rare path gets the smaller body (with the four-head
            // body twice, the kernel's common path ran up to 60% slower on an H200)
            SplitKvCore.runF32H1(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                    splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
            markRecomputed(c, partialDen, flags, flagged, heads / kvHeads, splits);
        }
        stepMergeWhenLast(c, partialNum, partialDen, partialOut, partialLse, flags, tickets, out, fallbackCount, arrival,
                leftWindow, heads / kvHeads, headDim, splits, phi, partialNum, false); // leftWindow: reused for the row flags
    }

    /** {@link #step} with an F16 cache. */
    public static void stepF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                               FloatArray partialNum, FloatArray partialDen, FloatArray partialOut, FloatArray partialLse,
                               IntArray flags, IntArray tickets, FloatArray out, IntArray fallbackCount, int heads,
                               int kvHeads, int headDim, int capacity, int length, int splits, float phi, float low,
                               float high) {
        short[] unstaged = c.allocateShortLocalArray(8); // never used without stages: compiled away
        int[] noQueryPairs = c.allocateIntLocalArray(4); // never used on CUDA cores: compiled away
        stepF16Form(c, q, kCache, vCache, partialNum, partialDen, partialOut, partialLse, flags, tickets, out,
                fallbackCount, heads, kvHeads, headDim, capacity, length, splits, phi, low, high, unstaged, 0,
                noQueryPairs, false, partialNum, false);
    }

    /**
     * {@link #stepF16} with the common (unified) path on tensor cores ({@link MmaDecodeCore}): the scores
     * as fp16 mmas (the query split into a binary16 value and its remainder, so they keep fp32
     * accuracy), the weighted sum of values as TF32 mmas. For head dimension {@value MmaDecodeCore#HEAD_DIM}
     * and several query heads per kv head (eight per pass), where the CUDA-core body spends four dot
     * products and four weighted sums per cached element; a split that leaves the window is recomputed
     * on CUDA cores, as in {@link #stepF16}. A head dimension other than {@value MmaDecodeCore#HEAD_DIM}
     * takes {@link #stepF16}'s body (specialised sizes compile only one of the two);
     * {@link #stepF16For} names this kernel only where it applies. Arguments and grid as {@link #step},
     * plus {@code rowSums} ({@link #rowSumsLength} floats, 0 before the first launch and left at 0 like
     * the tickets): with more than {@value #SUMMED_ABOVE_SPLITS} splits each work-group adds its unified
     * sums into it with float atomics, so the last one divides instead of walking every split's partials.
     * The adds come in any order, so two launches on the same input may differ in the last bits.
     */
    @LaunchBounds(maxGroupSize = SplitKvCore.THREADS, minGroupsPerComputeUnit = 2)
    public static void stepF16Mma(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                  FloatArray partialNum, FloatArray partialDen, FloatArray partialOut,
                                  FloatArray partialLse, IntArray flags, IntArray tickets, FloatArray rowSums,
                                  FloatArray out, IntArray fallbackCount, int heads, int kvHeads, int headDim,
                                  int capacity, int length, int splits, float phi, float low, float high) {
        short[] unstaged = c.allocateShortLocalArray(8); // never used without stages: compiled away
        stepF16Form(c, q, kCache, vCache, partialNum, partialDen, partialOut, partialLse, flags, tickets, out,
                fallbackCount, heads, kvHeads, headDim, capacity, length, splits, phi, low, high, unstaged, 0,
                c.allocateIntLocalArray(MmaDecodeCore.QUERY_INTS), true, rowSums,
                headDim == MmaDecodeCore.HEAD_DIM && splits > SUMMED_ABOVE_SPLITS);
    }

    /**
     * Split counts up to this one merge by walking the partials, as the other steps do: the walk is then
     * one trip of loads, and on an H200 the atomics made B = 8, S = 4 0.3–0.8% slower, while at S = 32–33
     * they took 3–5% off the step (bench/results/2026-11-30-h200-decode-floor.md).
     */
    static final int SUMMED_ABOVE_SPLITS = 4;

    /** Floats of {@link #stepF16Mma}'s {@code rowSums}: per query row, headDim numerator sums and the denominator's. */
    public static int rowSumsLength(int rows, int headDim) {
        return rows * (headDim + 1);
    }

    /** Local memory a work-group of {@link #stepF16Mma} takes, in bytes: {@link #stepF16}'s arrays and the query's fragments. */
    public static final long MMA_LOCAL_BYTES = SplitKvCore.padded(4L * MmaDecodeCore.QUERY_INTS)
            + SplitKvCore.padded(4L * SplitKvCore.QUERY_FLOATS) + SplitKvCore.padded(4L * SplitKvCore.PARTIAL_FLOATS)
            + SplitKvCore.padded(4L * SplitKvCore.PROB_FLOATS) + 2 * SplitKvCore.padded(4L * SplitKvCore.STAT_FLOATS)
            + SplitKvCore.padded(4) + SplitKvCore.padded(4L * UnifiedMaxDecoding.MAX_GROUP);

    /**
     * {@link #stepF16} with the four-query-head body's key and value rows staged through local memory by
     * asynchronous copies ({@link KernelContext#copyAsync}: {@code cp.async} on CUDA), a ring of two
     * chunks: the next chunk's rows are in flight while this one's are used, without holding them in
     * registers. It takes {@link #STAGED_LOCAL_BYTES} of local memory per work-group, more than NVIDIA
     * OpenCL's 48 KiB ({@link #stagedStepFits}); CUDA opts in to it. On an H200 it took 5–9% less time
     * than {@link #stepF16} with four query heads per kv head at B = 1, L ≥ 32768 and at B = 8, and
     * 3% more at B = 1, L = 4096. With one query head per kv head it runs {@link #stepF16}'s unstaged
     * body but under its launch bound, and was 3–22% slower than {@link #stepF16} at L ≥ 32768
     * (bench/results/2026-11-30-h200-async-copies.md): {@link #stepF16For} tells which to run.
     * Arguments and grid as {@link #step}.
     */
    @LaunchBounds(maxGroupSize = SplitKvCore.THREADS, minGroupsPerComputeUnit = 2)
    public static void stepF16Staged(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                     FloatArray partialNum, FloatArray partialDen, FloatArray partialOut,
                                     FloatArray partialLse, IntArray flags, IntArray tickets, FloatArray out,
                                     IntArray fallbackCount, int heads, int kvHeads, int headDim, int capacity,
                                     int length, int splits, float phi, float low, float high) {
        stepF16Form(c, q, kCache, vCache, partialNum, partialDen, partialOut, partialLse, flags, tickets, out,
                fallbackCount, heads, kvHeads, headDim, capacity, length, splits, phi, low, high,
                c.allocateShortLocalArray(STAGED_STAGES * SplitKvCore.RING_STAGE), STAGED_STAGES,
                c.allocateIntLocalArray(4), false, partialNum, false); // the query pairs: never used on CUDA cores, compiled away
    }

    /** {@link #stepF16Staged}'s ring: chunks (a ring of three, one work-group per compute unit, was 2–35% slower). */
    static final int STAGED_STAGES = 2;

    /**
     * Local memory a work-group of {@link #stepF16Staged} takes, in bytes: the ring and {@link #stepF16}'s
     * arrays, each rounded up to 16 bytes as devices lay them out.
     */
    public static final long STAGED_LOCAL_BYTES = FlashDecoding.STAGED_LOCAL_BYTES // the split's arrays and ring
            + SplitKvCore.padded(4) + SplitKvCore.padded(4L * UnifiedMaxDecoding.MAX_GROUP); // arrival, leftWindow

    /** Whether {@link #stepF16Staged}'s local memory fits a work-group on {@code device}. */
    public static boolean stagedStepFits(Device device) {
        return device.localMemoryBytes() >= STAGED_LOCAL_BYTES;
    }

    /**
     * The one-launch step for an F16 cache, by name, the fastest on an H200 for each case
     * (bench/results/2026-11-30-h200-tensor-core-decode.md): when a kv head serves several query heads,
     * {@link #stepF16Mma} for head dimension {@value MmaDecodeCore#HEAD_DIM} where {@code tensorCores} (the
     * caller's knowledge that the device runs {@code KernelContext.mma16x8x16} on tensor cores: CUDA or
     * NVIDIA OpenCL on compute capability 8.0 or newer) and a work-group may have {@link #MMA_LOCAL_BYTES}
     * of local memory, else {@link #stepF16Staged} where a work-group may
     * have {@link #STAGED_LOCAL_BYTES} of local memory ({@code localMemoryBytes}, as
     * {@link Device#localMemoryBytes()}); with one query head per kv head, and otherwise, {@link #stepF16}.
     * The kernels take the same arguments but for {@code stepF16Mma}'s {@code rowSums}, between
     * {@code tickets} and {@code out}.
     */
    public static String stepF16For(long localMemoryBytes, int heads, int kvHeads, int headDim, boolean tensorCores) {
        if (heads > kvHeads && tensorCores && headDim == MmaDecodeCore.HEAD_DIM && localMemoryBytes >= MMA_LOCAL_BYTES) {
            return "stepF16Mma";
        }
        return heads > kvHeads && localMemoryBytes >= STAGED_LOCAL_BYTES ? "stepF16Staged" : "stepF16";
    }

    /**
     * {@link #stepF16}'s body in one of its forms, chosen by compile-time constants of the caller: with
     * {@code tensorCores} and head dimension {@value MmaDecodeCore#HEAD_DIM}, the common path on tensor
     * cores ({@link MmaDecodeCore}; {@code queryPairs} holds {@link MmaDecodeCore#QUERY_INTS} ints, and
     * {@code ring} and {@code stages} are not used); otherwise the common path's key and value rows staged
     * through a ring of {@code stages} chunks in local memory ({@link SplitKvCore#runF16Staged};
     * {@code ring} holds {@code stages · SplitKvCore.RING_STAGE} halves), or loaded straight into
     * registers when {@code stages} is 0. A split that leaves the window is recomputed on CUDA cores in
     * every form. {@code summed} (the tensor-core body only) adds the unified sums into {@code rowSums}
     * and merges unflagged rows from them (see {@link #stepMergeWhenLast}); otherwise {@code rowSums} is
     * not touched.
     */
    static void stepF16Form(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                            FloatArray partialNum, FloatArray partialDen, FloatArray partialOut, FloatArray partialLse,
                            IntArray flags, IntArray tickets, FloatArray out, IntArray fallbackCount, int heads,
                            int kvHeads, int headDim, int capacity, int length, int splits, float phi, float low,
                            float high, short[] ring, int stages, int[] queryPairs, boolean tensorCores,
                            FloatArray rowSums, boolean summed) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int[] leftWindow = c.allocateIntLocalArray(MAX_GROUP);
        clearLeftWindow(c, leftWindow);
        int outside = tensorCores && headDim == MmaDecodeCore.HEAD_DIM
                ? MmaDecodeCore.run(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, capacity, length,
                        splits, phi, low, high, queryPairs, partials, probs, rowSums, summed)
                : stages > 0
                ? SplitKvCore.runF16Staged(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim,
                        capacity, length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL, ring, stages)
                : SplitKvCore.runF16(c, q, kCache, vCache, partialNum, partialDen, heads, kvHeads, headDim, capacity,
                        length, splits, 1, 1, phi, low, high, query, partials, probs, statM, statL);
        int flagged = groupMask(c, leftWindow, outside, heads / kvHeads);
        if (flagged != 0) { // the same for the whole work-group
            // One head per pass whatever g is: the rare path gets the smaller body (with the four-head
            // body twice, the kernel's common path ran up to 60% slower on an H200)
            SplitKvCore.runF16H1(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                    splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
            markRecomputed(c, partialDen, flags, flagged, heads / kvHeads, splits);
        }
        stepMergeWhenLast(c, partialNum, partialDen, partialOut, partialLse, flags, tickets, out, fallbackCount, arrival,
                leftWindow, heads / kvHeads, headDim, splits, phi, rowSums, summed); // leftWindow: reused for the row flags
    }

    /** Query heads per kv head the FlashDecoding++ kernels can flag (one bit of an int mask each); {@link FlashDecoding#requireSupported} enforces it. */
    static final int MAX_GROUP = 32;

    /** leftWindow[h] = 0 for every query head h; the split's body starts with a barrier before any use. */
    private static void clearLeftWindow(KernelContext c, int[] leftWindow) {
        if (c.localIdx < MAX_GROUP) {
            leftWindow[c.localIdx] = 0;
        }
    }

    /**
     * The work-group's union of the work-items' {@code outside} masks (bit h: query head h of the kv row
     * left the window), the same for every work-item: each sets leftWindow[h] = 1 for its bits (racing
     * writers all write 1) and, after a barrier, every work-item reads all g of them.
     */
    private static int groupMask(KernelContext c, int[] leftWindow, int outside, int g) {
        for (int h = 0; h < g; h++) {
            if ((outside >>> h & 1) != 0) {
                leftWindow[h] = 1;
            }
        }
        c.localBarrier();
        int mask = 0;
        for (int h = 0; h < g; h++) {
            mask |= leftWindow[h] << h;
        }
        return mask;
    }

    /**
     * After the synchronised recomputation of this split: for each query head h in {@code flagged},
     * partialDen of (row, split) = −1 (the merge then takes partialOut and partialLse for it; a unified
     * denominator is never negative) and the row's flag = 1. Work-item 0 writes them: it is the one that
     * wrote the unified denominators, so its own program order puts the −1 after them (a local barrier
     * need not order global memory between work-items).
     */
    private static void markRecomputed(KernelContext c, FloatArray partialDen, IntArray flags, int flagged, int g,
                                       int splits) {
        if (c.localIdx == 0) {
            for (int h = 0; h < g; h++) {
                if ((flagged >>> h & 1) != 0) {
                    int row = c.groupIdy * g + h;
                    partialDen.set(row * splits + c.groupIdx, -1f);
                    flags.set(row, 1);
                }
            }
        }
    }

    /**
     * {@link #step}'s ticket of kv row c.groupIdy: its last work-group takes (and clears) the flags of
     * the row's g query rows and merges them. When {@code summed}, every work-group has already added its
     * unified sums into rowSums (row r: numerators at r·(headDim + 1) + d, the denominator at
     * r·(headDim + 1) + headDim), so an unflagged row is one quotient instead of a walk over the splits'
     * partials (on an H200 that walk was most of the step's tail: eight dependent trips of L2 loads at
     * 32 splits); the last work-group then sets the row's sums back to 0 for the next launch. A flagged
     * row's sums hold what all its splits added, the one that left the window too, and are not read: it
     * merges from the partials.
     */
    private static void stepMergeWhenLast(KernelContext c, FloatArray partialNum, FloatArray partialDen,
                                          FloatArray partialOut, FloatArray partialLse, IntArray flags,
                                          IntArray tickets, FloatArray out, IntArray fallbackCount, int[] arrival,
                                          int[] rowFlags, int g, int headDim, int splits, float phi,
                                          FloatArray rowSums, boolean summed) {
        int kvRow = c.groupIdy;
        if (Tickets.lastOf(c, tickets, kvRow, splits, arrival)) {
            takeFlags(c, flags, kvRow, g, rowFlags);
            for (int v = c.localIdx; v < g * headDim; v += SplitKvCore.THREADS) {
                int row = kvRow * g + v / headDim;
                int d = v % headDim;
                if (rowFlags[v / headDim] == 0) {
                    out.set(row * headDim + d, summed ? summedQuotient(rowSums, row, d, headDim)
                            : quotient(partialNum, partialDen, row, d, headDim, splits));
                } else {
                    out.set(row * headDim + d, mixedQuotient(partialNum, partialDen, partialOut, partialLse, row, d,
                            headDim, splits, phi));
                    if (d == 0) {
                        c.atomicAdd(fallbackCount, 0, 1);
                    }
                }
            }
            if (summed) {
                c.localBarrier(); // every work-item has read the denominators
                for (int v = c.localIdx; v < g * (headDim + 1); v += SplitKvCore.THREADS) {
                    rowSums.set(kvRow * g * (headDim + 1) + v, 0f);
                }
            }
        }
    }

    /** An unflagged row's out[row, d] from its summed numerator and denominator (0 when the denominator is 0). */
    static float summedQuotient(FloatArray rowSums, int row, int d, int headDim) {
        float den = rowSums.get(row * (headDim + 1) + headDim);
        return den > 0f ? rowSums.get(row * (headDim + 1) + d) / den : 0f;
    }

    /**
     * out[row, d] of a row some of whose splits were recomputed (partialDen = −1 marks them): every
     * split brought to the row's largest shift M, a unified split (shift φ, or none when empty) weighted
     * e^{φ−M}, a recomputed one (normalised, log-sum-exp L) e^{L−M}; 0 when every split is empty, NaN
     * when a score was NaN (as the float64 reference gives, rather than a quiet 0).
     */
    static float mixedQuotient(FloatArray partialNum, FloatArray partialDen, FloatArray partialOut,
                               FloatArray partialLse, int row, int d, int headDim, int splits, float phi) {
        int base = row * splits;
        float top = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < splits; s++) {
            float den = partialDen.get(base + s);
            float shift = den < 0f ? partialLse.get(base + s) : den > 0f ? phi : Float.NEGATIVE_INFINITY;
            top = Math.max(top, shift);
        }
        if (top == Float.NEGATIVE_INFINITY) {
            return 0f;
        }
        float num = 0f;
        float sum = 0f;
        for (int s = 0; s < splits; s++) {
            float den = partialDen.get(base + s);
            if (den < 0f) {
                float w = KernelMath.exp(partialLse.get(base + s) - top);
                num = Math.fma(w, partialOut.get((base + s) * headDim + d), num);
                sum += w;
            } else if (den > 0f) {
                float w = KernelMath.exp(phi - top);
                num = Math.fma(w, partialNum.get((base + s) * headDim + d), num);
                sum = Math.fma(w, den, sum);
            }
        }
        return !(sum <= 0f) ? num / sum : 0f; // NaN passes
    }

    /**
     * The ticket of kv row c.groupIdy; the last of its {@code splits} work-groups merges the row's g
     * query rows. Every work-group of the row passes here (the partials return no earlier).
     */
    private static void mergeWhenLast(KernelContext c, FloatArray partialNum, FloatArray partialDen, IntArray flags,
                                      IntArray tickets, FloatArray out, IntArray fallbackCount, int[] arrival, int g,
                                      int headDim, int splits) {
        int kvRow = c.groupIdy;
        if (Tickets.lastOf(c, tickets, kvRow, splits, arrival)) { // the partials and flags of all are visible
            for (int v = c.localIdx; v < g * headDim; v += SplitKvCore.THREADS) {
                mergeValue(c, partialNum, partialDen, flags, out, fallbackCount, kvRow * g + v / headDim, v % headDim,
                        headDim, splits);
            }
        }
    }

    /** Sets flags[kvRow·g + h] = 1 for every bit h of {@code outside} (a plain store: racing writers all write 1). */
    static void raiseFlags(IntArray flags, int outside, int kvRow, int g) {
        for (int h = 0; h < g; h++) {
            if ((outside >>> h & 1) != 0) {
                flags.set(kvRow * g + h, 1);
            }
        }
    }

    /**
     * Unflagged rows: out[r, d] = Σ_s num[r, s, d] / Σ_s den[r, s] (0 when the denominator is 0, e.g.
     * length 0). Flagged rows are left untouched for the fallback and counted: fallbackCount[0] grows by
     * the number of flagged rows (it accumulates over launches; the caller resets it).
     */
    public static void merge(KernelContext c, FloatArray partialNum, FloatArray partialDen, IntArray flags, FloatArray out,
                             IntArray fallbackCount, int rows, int headDim, int splits) {
        int row = c.globalIdx / FlashDecoding.MAX_HEAD_DIM;
        int d = c.globalIdx % FlashDecoding.MAX_HEAD_DIM;
        if (row < rows && d < headDim) {
            mergeValue(c, partialNum, partialDen, flags, out, fallbackCount, row, d, headDim, splits);
        }
    }

    /** out[row, d] of an unflagged row; a flagged row is counted once (by its d = 0) and left for the fallback. */
    private static void mergeValue(KernelContext c, FloatArray partialNum, FloatArray partialDen, IntArray flags,
                                   FloatArray out, IntArray fallbackCount, int row, int d, int headDim, int splits) {
        if (flags.get(row) == 0) {
            out.set(row * headDim + d, quotient(partialNum, partialDen, row, d, headDim, splits));
        } else if (d == 0) {
            c.atomicAdd(fallbackCount, 0, 1);
        }
    }

    /**
     * Σ_s num[row, s, d] / Σ_s den[row, s] (0 when the denominator is 0), four splits per trip into
     * four partial sums: their loads are independent, so a trip waits for memory once.
     */
    static float quotient(FloatArray partialNum, FloatArray partialDen, int row, int d, int headDim, int splits) {
        int base = row * splits;
        float num0 = 0f;
        float num1 = 0f;
        float num2 = 0f;
        float num3 = 0f;
        float den0 = 0f;
        float den1 = 0f;
        float den2 = 0f;
        float den3 = 0f;
        int s = 0;
        for (; s + 4 <= splits; s += 4) {
            num0 += partialNum.get((base + s) * headDim + d);
            num1 += partialNum.get((base + s + 1) * headDim + d);
            num2 += partialNum.get((base + s + 2) * headDim + d);
            num3 += partialNum.get((base + s + 3) * headDim + d);
            den0 += partialDen.get(base + s);
            den1 += partialDen.get(base + s + 1);
            den2 += partialDen.get(base + s + 2);
            den3 += partialDen.get(base + s + 3);
        }
        for (; s < splits; s++) {
            num0 += partialNum.get((base + s) * headDim + d);
            den0 += partialDen.get(base + s);
        }
        float den = (den0 + den1) + (den2 + den3);
        return den > 0f ? ((num0 + num1) + (num2 + num3)) / den : 0f;
    }

    /**
     * The synchronised fallback partial, F32 cache: {@link FlashDecoding#splitKv} for the work-groups
     * whose kv head has at least one flagged query row (all g rows of that kv head are recomputed);
     * the other work-groups return without touching memory. Same grid as {@link #partial}.
     */
    public static void fallbackPartial(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                       FloatArray partialOut, FloatArray partialLse, IntArray flags, int heads,
                                       int kvHeads, int headDim, int capacity, int length, int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int active = anyFlagged(flags, c.groupIdy, heads / kvHeads);
        SplitKvCore.runF32(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, active, 0f, 0f, 0f, query, partials, probs, statM, statL);
    }

    /** {@link #fallbackPartial} with an F16 cache. */
    public static void fallbackPartialF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                          FloatArray partialOut, FloatArray partialLse, IntArray flags, int heads,
                                          int kvHeads, int headDim, int capacity, int length, int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int active = anyFlagged(flags, c.groupIdy, heads / kvHeads);
        SplitKvCore.runF16(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                splits, 0, active, 0f, 0f, 0f, query, partials, probs, statM, statL);
    }

    /**
     * {@link #fallbackPartial} and {@link #fallbackMerge} in one launch: work-groups whose kv row has no
     * flagged query row return after reading its g flags; the others compute their synchronised split,
     * take a ticket of the kv row, and the last to arrive merges the flagged rows into out (as
     * {@link FlashDecoding#merge}) and clears the row's flags. Same tickets as {@link #partialMerge}
     * (left zero). Grid as {@link #partial}.
     */
    public static void fallback(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                FloatArray partialOut, FloatArray partialLse, IntArray flags, IntArray tickets,
                                FloatArray out, int heads, int kvHeads, int headDim, int capacity, int length,
                                int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int[] rowFlags = c.allocateIntLocalArray(MAX_GROUP);
        int active = anyFlagged(flags, c.groupIdy, heads / kvHeads);
        if (active != 0) { // the same for every work-group of the kv row
            SplitKvCore.runF32(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                    splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
            fallbackMergeWhenLast(c, partialOut, partialLse, flags, tickets, out, arrival, rowFlags, heads / kvHeads,
                    headDim, splits);
        }
    }

    /** {@link #fallback} with an F16 cache. */
    public static void fallbackF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                   FloatArray partialOut, FloatArray partialLse, IntArray flags, IntArray tickets,
                                   FloatArray out, int heads, int kvHeads, int headDim, int capacity, int length,
                                   int splits) {
        float[] query = c.allocateFloatLocalArray(SplitKvCore.QUERY_FLOATS);
        float[] partials = c.allocateFloatLocalArray(SplitKvCore.PARTIAL_FLOATS);
        float[] probs = c.allocateFloatLocalArray(SplitKvCore.PROB_FLOATS);
        float[] statM = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        float[] statL = c.allocateFloatLocalArray(SplitKvCore.STAT_FLOATS);
        int[] arrival = c.allocateIntLocalArray(1);
        int[] rowFlags = c.allocateIntLocalArray(MAX_GROUP);
        int active = anyFlagged(flags, c.groupIdy, heads / kvHeads);
        if (active != 0) { // the same for every work-group of the kv row
            SplitKvCore.runF16(c, q, kCache, vCache, partialOut, partialLse, heads, kvHeads, headDim, capacity, length,
                    splits, 0, 1, 0f, 0f, 0f, query, partials, probs, statM, statL);
            fallbackMergeWhenLast(c, partialOut, partialLse, flags, tickets, out, arrival, rowFlags, heads / kvHeads,
                    headDim, splits);
        }
    }

    /** The fallback's ticket: the last of the kv row's work-groups takes (and clears) the row flags and merges the flagged rows. */
    private static void fallbackMergeWhenLast(KernelContext c, FloatArray partialOut, FloatArray partialLse,
                                              IntArray flags, IntArray tickets, FloatArray out, int[] arrival,
                                              int[] rowFlags, int g, int headDim, int splits) {
        int kvRow = c.groupIdy;
        if (Tickets.lastOf(c, tickets, kvRow, splits, arrival)) {
            takeFlags(c, flags, kvRow, g, rowFlags);
            for (int v = c.localIdx; v < g * headDim; v += SplitKvCore.THREADS) {
                int row = kvRow * g + v / headDim;
                int d = v % headDim;
                if (rowFlags[v / headDim] != 0) {
                    out.set(row * headDim + d, FlashDecoding.mergedValue(partialOut, partialLse, row, d, headDim,
                            splits));
                }
            }
        }
    }

    /**
     * rowFlags[h] = the flag of query row h of kv row {@code kvRow}, which is then cleared for the next
     * step, for h < g: each flag read and cleared by one work-item (so no other work-item's read can race
     * the clearing store), the copies shared through local memory.
     */
    private static void takeFlags(KernelContext c, IntArray flags, int kvRow, int g, int[] rowFlags) {
        if (c.localIdx < g) {
            rowFlags[c.localIdx] = flags.get(kvRow * g + c.localIdx);
            flags.set(kvRow * g + c.localIdx, 0);
        }
        c.localBarrier();
    }

    /** 1 when any of the g query rows of kv row {@code kvRow} is flagged (the same answer for the whole work-group). */
    static int anyFlagged(IntArray flags, int kvRow, int g) {
        int any = 0;
        for (int h = 0; h < g; h++) {
            any |= flags.get(kvRow * g + h);
        }
        return any != 0 ? 1 : 0;
    }

    /**
     * The fallback merge: for flagged rows, out = the §0 merge of the fallback partials (as
     * {@link FlashDecoding#merge}); unflagged rows are left as {@link #merge} wrote them. The flags are
     * cleared, so the next step starts from zeros: one work-item per row reads the flag, clears it and
     * shares it through local memory (a row's {@link FlashDecoding#MAX_HEAD_DIM} work-items lie in one
     * work-group). Grid as {@link #merge}.
     */
    public static void fallbackMerge(KernelContext c, FloatArray partialOut, FloatArray partialLse, IntArray flags,
                                     FloatArray out, int rows, int headDim, int splits) {
        int[] rowFlags = c.allocateIntLocalArray(SplitKvCore.THREADS / FlashDecoding.MAX_HEAD_DIM);
        int row = c.globalIdx / FlashDecoding.MAX_HEAD_DIM;
        int d = c.globalIdx % FlashDecoding.MAX_HEAD_DIM;
        int slot = c.localIdx / FlashDecoding.MAX_HEAD_DIM;
        if (d == 0) { // one work-item takes the row's flag and clears it: no other work-item touches it
            rowFlags[slot] = row < rows ? flags.get(row) : 0;
            if (row < rows) {
                flags.set(row, 0);
            }
        }
        c.localBarrier();
        if (rowFlags[slot] != 0 && d < headDim) {
            out.set(row * headDim + d, FlashDecoding.mergedValue(partialOut, partialLse, row, d, headDim, splits));
        }
    }
}
