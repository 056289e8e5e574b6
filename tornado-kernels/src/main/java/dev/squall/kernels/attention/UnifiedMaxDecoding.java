package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;

/**
 * FlashDecoding++ asynchronised softmax with a unified max φ (spec §5.1): every split accumulates
 * num = Σ e^{x−φ}·v and den = Σ e^{x−φ} with no running max, no rescaling and no synchronisation
 * between splits, and the merge is Σ num / Σ den. A score x whose x − φ leaves the safe window
 * (low, high) (see {@link UnifiedMax}) flags its query row, which is then recomputed by the
 * synchronised Flash-Decoding path. A task graph runs four launches per step:
 * {@link #partial} → {@link #merge} → {@link #fallbackPartial} → {@link #fallbackMerge}; the last two
 * do nothing for rows that were not flagged.
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
            if (flags.get(row) == 0) {
                float num = 0f;
                float den = 0f;
                for (int s = 0; s < splits; s++) {
                    num += partialNum.get((row * splits + s) * headDim + d);
                    den += partialDen.get(row * splits + s);
                }
                out.set(row * headDim + d, den > 0f ? num / den : 0f);
            } else if (d == 0) {
                c.atomicAdd(fallbackCount, 0, 1);
            }
        }
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
     * {@link FlashDecoding#merge}); unflagged rows are left as {@link #merge} wrote them. Then clears
     * the flags, so the next step starts from zeros: a row's flag is read by its own work-items only
     * (a row's {@link FlashDecoding#MAX_HEAD_DIM} work-items lie in one work-group), all before the
     * barrier that precedes the clearing store. Grid as {@link #merge}.
     */
    public static void fallbackMerge(KernelContext c, FloatArray partialOut, FloatArray partialLse, IntArray flags,
                                     FloatArray out, int rows, int headDim, int splits) {
        int row = c.globalIdx / FlashDecoding.MAX_HEAD_DIM;
        int d = c.globalIdx % FlashDecoding.MAX_HEAD_DIM;
        int flagged = row < rows ? flags.get(row) : 0;
        if (flagged != 0 && d < headDim) {
            out.set(row * headDim + d, FlashDecoding.mergedValue(partialOut, partialLse, row, d, headDim, splits));
        }
        c.localBarrier(); // every work-item of the row has read its flag before it is cleared
        if (flagged != 0 && d == 0) {
            flags.set(row, 0);
        }
    }
}
