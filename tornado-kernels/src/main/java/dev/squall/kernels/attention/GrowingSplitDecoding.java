package dev.squall.kernels.attention;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.Tickets;

/**
 * Split-KV decode attention for a model's decoding step, built for the short and middling lengths a
 * generation spends most of its steps at. {@link FlashDecoding#splitKvMergeAtPosition} divides the length
 * among all of its splits, so even at a few positions every split runs {@link SplitKvCore}'s whole schedule
 * (Nsight Compute on an H200 at position 36: 15 µs, about a thousand instructions per warp, 43% of the stall
 * time at barriers) and then the merge. Here the splits have a fixed span of {@link #SPAN} positions:
 * split s covers positions [s·SPAN, (s+1)·SPAN) ∩ [0, length), so only ⌈length / SPAN⌉ of them have
 * work, and while the length is at most SPAN one work-group writes the output and nothing is merged.
 * The body is short: two work-items score one position for up to eight query heads at once (half of the
 * head dimension each), a warp per query head takes the maximum and the sum of its scores by warp shuffles
 * ({@link KernelContext#warpReduceMax}, four barriers in all), and each work-item adds four value
 * dimensions of every head over its share of the positions. With head dimensions of 64 and more, a work-item's
 * first eight key pieces and eight value rows are loaded before the queries, so a span waits for memory once;
 * the rest of the loops issue four or eight loads before they use them. Only the splits that have positions
 * run (the others return at once); they take their kv row's ticket, and the last merges them
 * ({@link MergeRun}: eight splits' partials per wait on memory; sixteen were slower below nine splits). 46 KB
 * of local memory with the shuffles' exchange where a device has no shuffle instruction (NVIDIA OpenCL allows
 * 48 KiB). The softmax needs {@link #THREADS} / 32 ≥ {@link #MAX_GROUP} warps and {@link #SPAN}
 * = 4 · 32 positions (GrowingSplitDecodingTest checks both). On an H200, Llama-3.2-1B's step (32 query and
 * 8 kv heads of 64, capacity 2048, sizes as constants; Nsight Compute, locked clocks) took 11.7 µs at
 * position 36 against 15.7 µs for {@code splitKvMergeAtPosition}, and 20.1 µs against 19.3 µs near position
 * 1900, with the max and sum in local-memory trees (bench/results/2026-11-30-h200-growing-splits.md); with the
 * warp-shuffle softmax 8.0 µs near position 40 (12.0 before) and 15.3 µs near positions 260 and 1,010 (18.8
 * before; bench/results/2026-12-01-h200-warp-shuffles.md); with the loads first and the batched merge 7.1, 11.8,
 * 12.9 and 15.5 µs near positions 40, 250, 1,000 and 1,875 (8.5, 15.6, 15.4 and 16.8 before;
 * bench/results/2026-12-01-h200-decode-loads-first.md).
 *
 * <p>Layouts as {@link FlashDecoding} (batch 1): q (heads, headDim); kCache, vCache (kvHeads, capacity,
 * headDim), head-major; out (heads, headDim); lse (heads). The length is state[0] + 1 (at least 1), so a
 * captured CUDA graph replays unchanged as the sequence grows. Grid: global ({@link #THREADS} ·
 * {@link #splitsFor}(capacity), kvHeads), local ({@link #THREADS}, 1). Scratch: partialOut (heads ·
 * splits · headDim floats), partialLse (heads · splits), tickets (kvHeads ints, zero before the first
 * launch; each launch leaves them at zero). Head dimension a multiple of 8 up to {@link #MAX_HEAD_DIM};
 * heads a multiple of kvHeads with at most {@link #MAX_GROUP} query heads per kv head; a capacity of at most
 * {@link #MAX_CAPACITY} ({@link #unsupported}); the caller keeps the length within the capacity. A NaN score
 * makes its head's output NaN.
 */
public final class GrowingSplitDecoding {

    /** Work-items per work-group. */
    public static final int THREADS = FlashDecoding.THREADS;
    /** Positions per split. */
    public static final int SPAN = 128;
    /** Work-items per position in the key pass. */
    static final int PARTS = THREADS / SPAN;
    /** Largest head dimension. */
    public static final int MAX_HEAD_DIM = 128;
    /** Most query heads per kv head. */
    public static final int MAX_GROUP = 8;
    /** Value pass: the per-head partial sums of every position class (THREADS / (headDim / 4) classes). */
    static final int PARTIAL_FLOATS = 4 * THREADS * MAX_GROUP;
    /** Local floats of the key pass's partial scores, then the merge's weights. */
    static final int TREE_FLOATS = PARTS * MAX_GROUP * SPAN;
    /**
     * Largest cache: the grid has a work-group per 128 positions of the capacity, however short the sequence (those
     * past the length return at once), and the merge takes {@link MergeRun#BATCH} splits per wait on memory.
     */
    public static final int MAX_CAPACITY = 64 * SPAN;
    /**
     * Local memory a work-group takes, in bytes, with the warp shuffles' exchange of one int per work-item that
     * devices without a shuffle instruction use (46 KB: NVIDIA OpenCL allows 48 KiB).
     */
    public static final long LOCAL_BYTES = 4L * (PARTIAL_FLOATS + MAX_GROUP * SPAN + TREE_FLOATS + 2 * MAX_GROUP + 1
            + THREADS);

    private GrowingSplitDecoding() {
    }

    /** Splits to launch for a cache of {@code capacity} positions. */
    public static int splitsFor(int capacity) {
        return Math.max(1, Math.ceilDiv(capacity, SPAN));
    }

    /**
     * Why the kernel cannot take these sizes on a device whose work-groups may have
     * {@code localMemoryBytes} of local memory ({@link Device#localMemoryBytes()}), or null when it can:
     * the head sizes below, a capacity from 1 to {@link #MAX_CAPACITY}, and {@link #LOCAL_BYTES} of local
     * memory.
     */
    public static String unsupported(int heads, int kvHeads, int headDim, int capacity, long localMemoryBytes) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            return "growing-split decode attention takes a cache of 1 to " + MAX_CAPACITY + " positions; got " + capacity;
        }
        if (localMemoryBytes < LOCAL_BYTES) {
            return "growing-split decode attention needs " + LOCAL_BYTES + " bytes of local memory per work-group;"
                    + " the device has " + localMemoryBytes;
        }
        return unsupported(heads, kvHeads, headDim);
    }

    /** Why the kernel cannot take these head sizes, or null when it can. */
    public static String unsupported(int heads, int kvHeads, int headDim) {
        if (headDim < 8 || headDim > MAX_HEAD_DIM || headDim % 8 != 0) {
            return "growing-split decode attention needs a head dimension that is a multiple of 8 from 8 to "
                    + MAX_HEAD_DIM + "; got " + headDim;
        }
        if (kvHeads <= 0 || heads <= 0 || heads % kvHeads != 0) {
            return "growing-split decode attention needs heads (" + heads + ") to be a positive multiple of kvHeads ("
                    + kvHeads + ")";
        }
        if (heads / kvHeads > MAX_GROUP) {
            return "growing-split decode attention takes at most " + MAX_GROUP + " query heads per kv head; got "
                    + heads / kvHeads;
        }
        return null;
    }

    /**
     * One decoding step's attention at the position on the device (see the class comment). Work-group
     * (s, r): split s of kv head r, for its g = heads / kvHeads query heads.
     */
    public static void stepAtPosition(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache,
                                      FloatArray partialOut, FloatArray partialLse, IntArray tickets, FloatArray out,
                                      FloatArray lse, IntArray state, int heads, int kvHeads, int headDim, int capacity,
                                      int splits) {
        // big: the scaled queries during the key pass, then the value partials
        float[] big = c.allocateFloatLocalArray(PARTIAL_FLOATS);
        float[] weights = c.allocateFloatLocalArray(MAX_GROUP * SPAN);
        float[] tree = c.allocateFloatLocalArray(TREE_FLOATS);
        float[] stats = c.allocateFloatLocalArray(2 * MAX_GROUP);
        int[] arrival = c.allocateIntLocalArray(1);
        int i = c.localIdx;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int length = state.get(0) + 1;
        // at most the launched splits, so every party the ticket counts exists: the caller keeps the length within
        // the capacity, and were it not to, the ticket would still go back to 0 rather than block every later step
        int active = Math.min((length + SPAN - 1) / SPAN, splits);
        int begin = split * SPAN;
        int count = Math.max(0, Math.min(length, begin + SPAN) - begin);
        if (count == 0) {
            return; // a split past the length: nothing to read, and only the active splits take the ticket
        }
        int firstRow = kvRow * g;
        float scale = (float) (1.0 / Math.sqrt(headDim));

        // key pass layout: work-item i scores position i % SPAN over its part of the dimensions; a position past
        // the split's end reads the split's first row (in bounds; its score is −∞ below)
        int t = i % SPAN;
        int part = i / SPAN;
        int width = headDim / PARTS;
        int keyBase = (kvRow * capacity + begin + (t < count ? t : 0)) * headDim;
        // value pass layout: work-item i adds dimensions 4·(i % blocks)… of every head over positions
        // i / blocks + classes·j
        int blocks = headDim / 4;
        int classes = THREADS / blocks;
        int d0 = 4 * (i % blocks);
        int first = i / blocks;
        int valueBase = (kvRow * capacity + begin) * headDim + d0;
        // With head dimensions of 64 and more (the models') the first 32 dimensions of the key pass and the first
        // eight value rows are loaded here, before the queries, so they arrive while the queries do and the step
        // waits for memory once before its first barrier rather than once per loop trip. Those value rows are
        // first + classes·j < 8·classes <= SPAN; past the split's end they read its first row (weight 0).
        boolean ahead = headDim >= 64;
        KeyPieces firstKeys = KeyPieces.zero();
        Float4 v0 = Float4.of(0f);
        Float4 v1 = v0;
        Float4 v2 = v0;
        Float4 v3 = v0;
        Float4 v4 = v0;
        Float4 v5 = v0;
        Float4 v6 = v0;
        Float4 v7 = v0;
        if (ahead) {
            firstKeys = KeyPieces.load(kCache, keyBase + part * width);
            v0 = Float4.load(vCache, valueBase + valueRow(first, count) * headDim);
            v1 = Float4.load(vCache, valueBase + valueRow(first + classes, count) * headDim);
            v2 = Float4.load(vCache, valueBase + valueRow(first + 2 * classes, count) * headDim);
            v3 = Float4.load(vCache, valueBase + valueRow(first + 3 * classes, count) * headDim);
            v4 = Float4.load(vCache, valueBase + valueRow(first + 4 * classes, count) * headDim);
            v5 = Float4.load(vCache, valueBase + valueRow(first + 5 * classes, count) * headDim);
            v6 = Float4.load(vCache, valueBase + valueRow(first + 6 * classes, count) * headDim);
            v7 = Float4.load(vCache, valueBase + valueRow(first + 7 * classes, count) * headDim);
        }
        // heads past g up to the block of four (or eight) the key pass computes read zeros, not stale local memory
        int heads4 = g > 4 ? 8 : 4;
        for (int v = i; v < heads4 * headDim; v += THREADS) {
            big[v] = v < g * headDim ? q.get(firstRow * headDim + v) * scale : 0f;
        }
        c.localBarrier();

        // key pass, heads 0-3 and 4-7: the dimensions loaded ahead, then the rest in trips that issue their
        // loads before using any (a loop of one load per trip waits on memory every trip)
        Float4 low = Float4.of(0f);
        Float4 high = Float4.of(0f);
        int d = part * width;
        int end = d + width;
        if (ahead) {
            low = firstKeys.scores(big, headDim, 0, d, low);
            if (g > 4) {
                high = firstKeys.scores(big, headDim, 4, d, high);
            }
            d += 32;
        }
        if (t < count) {
            for (; d + 32 <= end; d += 32) {
                KeyPieces keys = KeyPieces.load(kCache, keyBase + d);
                low = keys.scores(big, headDim, 0, d, low);
                if (g > 4) {
                    high = keys.scores(big, headDim, 4, d, high);
                }
            }
            for (; d + 16 <= end; d += 16) {
                Float4 r0 = Float4.load(kCache, keyBase + d);
                Float4 r1 = Float4.load(kCache, keyBase + d + 4);
                Float4 r2 = Float4.load(kCache, keyBase + d + 8);
                Float4 r3 = Float4.load(kCache, keyBase + d + 12);
                low = scores(big, headDim, 0, d, r0, low);
                low = scores(big, headDim, 0, d + 4, r1, low);
                low = scores(big, headDim, 0, d + 8, r2, low);
                low = scores(big, headDim, 0, d + 12, r3, low);
                if (g > 4) {
                    high = scores(big, headDim, 4, d, r0, high);
                    high = scores(big, headDim, 4, d + 4, r1, high);
                    high = scores(big, headDim, 4, d + 8, r2, high);
                    high = scores(big, headDim, 4, d + 12, r3, high);
                }
            }
            for (; d < end; d += 4) {
                Float4 r = Float4.load(kCache, keyBase + d);
                low = scores(big, headDim, 0, d, r, low);
                if (g > 4) {
                    high = scores(big, headDim, 4, d, r, high);
                }
            }
        }
        low.store(tree, (part * MAX_GROUP) * SPAN + t, SPAN);
        high.store(tree, (part * MAX_GROUP + 4) * SPAN + t, SPAN);
        c.localBarrier(); // the partial scores are in; the queries are read

        // softmax of each head's scores by one warp (warp h takes head h, four positions a lane): the max and the
        // sum meet by warp shuffles, so no barrier until the weights are in; −∞ past the split's positions
        int lane = i % KernelContext.WARP_SIZE;
        int head = i / KernelContext.WARP_SIZE;
        Float4 s = new Float4(score(tree, head, lane, count), score(tree, head, lane + 32, count),
                score(tree, head, lane + 64, count), score(tree, head, lane + 96, count));
        // NaN wins, so a NaN score reaches the output
        float max = c.warpReduceMax(Math.max(Math.max(s.x(), s.y()), Math.max(s.z(), s.w())));
        Float4 e = new Float4(weight(s.x(), max), weight(s.y(), max), weight(s.z(), max), weight(s.w(), max));
        float headTotal = c.warpReduceSum((e.x() + e.y()) + (e.z() + e.w()));
        if (head < g) {
            e.store(weights, head * SPAN + lane, 32);
            if (lane == 0) {
                stats[head] = max;
                stats[MAX_GROUP + head] = headTotal;
            }
        }
        c.localBarrier();

        // value pass: the rows loaded ahead (weights 0 past the split's end), then the rest four rows a trip
        HeadValues sums = HeadValues.zero();
        int p = first;
        if (ahead) {
            sums = sums.plusRows(weights, p, classes, v0, v1, v2, v3, g)
                    .plusRows(weights, p + 4 * classes, classes, v4, v5, v6, v7, g);
            p += 8 * classes;
        }
        if (first < classes) {
            for (; p + 3 * classes < count; p += 4 * classes) {
                Float4 r0 = Float4.load(vCache, valueBase + p * headDim);
                Float4 r1 = Float4.load(vCache, valueBase + (p + classes) * headDim);
                Float4 r2 = Float4.load(vCache, valueBase + (p + 2 * classes) * headDim);
                Float4 r3 = Float4.load(vCache, valueBase + (p + 3 * classes) * headDim);
                sums = sums.plusRows(weights, p, classes, r0, r1, r2, r3, g);
            }
            for (; p < count; p += classes) {
                sums = sums.plusRow(weights, p, Float4.load(vCache, valueBase + p * headDim), g);
            }
        }
        // big is free (the queries were read before two barriers); the class partials go there
        int slot = first * MAX_GROUP * headDim + d0;
        if (first < classes) {
            sums.store(big, slot, headDim, g);
        }
        c.localBarrier();
        for (int v = i; v < g * headDim; v += THREADS) {
            int h = v / headDim;
            int dim = v % headDim;
            float sum = 0f;
            for (int k = 0; k < classes; k++) {
                sum += big[(k * MAX_GROUP + h) * headDim + dim];
            }
            float total = stats[MAX_GROUP + h];
            int row = firstRow + h;
            if (active == 1) {
                out.set(row * headDim + dim, sum / total);
                if (dim == 0) {
                    lse.set(row, stats[h] + KernelMath.log(total));
                }
            } else {
                partialOut.set((row * active + split) * headDim + dim, sum / total);
                if (dim == 0) {
                    partialLse.set(row * active + split, stats[h] + KernelMath.log(total));
                }
            }
        }
        // every active split takes the ticket; the last merges them, MergeRun.BATCH splits per wait on memory
        if (active > 1 && Tickets.lastOf(c, tickets, kvRow, active, arrival)) {
            for (int v = i; v < g * headDim; v += THREADS) {
                int row = firstRow + v / headDim;
                int dim = v % headDim;
                MergeRun run = MergeRun.empty();
                for (int from = 0; from < active; from += MergeRun.BATCH) {
                    run = run.plusBatch(partialOut, partialLse, row, dim, headDim, active, from);
                }
                out.set(row * headDim + dim, run.output());
                if (dim == 0) {
                    lse.set(row, run.logSumExp());
                }
            }
        }
    }

    /** Value row p of the split, or its first row at and past {@code count} (a row whose weight is 0). */
    private static int valueRow(int p, int count) {
        return p < count ? p : 0;
    }

    /** Head h's score at position p of the split: the key pass's parts summed, −∞ at and past {@code count}. */
    private static float score(float[] tree, int h, int p, int count) {
        float s = 0f;
        for (int k = 0; k < PARTS; k++) {
            s += tree[(k * MAX_GROUP + h) * SPAN + p];
        }
        return p < count ? s : Float.NEGATIVE_INFINITY;
    }

    /** e^{s − max}, 0 for a position past the split (NaN when a score is). */
    private static float weight(float s, float max) {
        return s == Float.NEGATIVE_INFINITY ? 0f : KernelMath.exp(s - max);
    }

    /** acc + (the scores of key piece k, dimensions d … d + 3, with query heads h0 … h0 + 3 in local {@code query}). */
    static Float4 scores(float[] query, int headDim, int h0, int d, Float4 k, Float4 acc) {
        return new Float4(acc.x() + dot(query, h0 * headDim + d, k), acc.y() + dot(query, (h0 + 1) * headDim + d, k),
                acc.z() + dot(query, (h0 + 2) * headDim + d, k), acc.w() + dot(query, (h0 + 3) * headDim + d, k));
    }

    /** q[at .. at + 3] (local) · k. */
    private static float dot(float[] query, int at, Float4 k) {
        return query[at] * k.x() + query[at + 1] * k.y() + query[at + 2] * k.z() + query[at + 3] * k.w();
    }
}
