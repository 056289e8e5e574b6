package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.HalfPairs;
import dev.squall.kernels.vector.Run8;

/**
 * The unified-mode split body of {@link UnifiedMaxDecoding#stepF16Mma}: the scores and the weighted sum
 * of values on tensor cores, for an F16 cache with head dimension {@link #HEAD_DIM} and up to
 * {@link #BLOCK_HEADS} query heads per pass. On CUDA cores, four query heads per kv head cost four
 * dot products and four weighted sums per cached element, and the split body issued too many
 * instructions per byte to keep the memory busy (Nsight Compute, bench/results/2026-11-30-h200-one-launch-decode.md);
 * here a warp spends about one conversion per value element and one mma per 128 of them.
 *
 * <p>Each of the {@link #WARPS} warps takes a tile of {@link #WARP_POSITIONS} positions per trip (the
 * work-group {@link #TRIP}). With {@code group = lane / 4} and {@code quad = lane % 4}:
 * <ul>
 * <li>scores, heads as the mma's rows: S (16 × 8) = Q (16 heads × 16 dims) · Kᵀ per k-step, rows 8…15
 * zero. The lane loads dims 32s + 8·quad … + 7 of key row {@code group} of the tile (one 16-byte load
 * for s = 0…3); the mma sums over k in any order, so those eight dims stand for its k-step 2s and
 * 2s + 1 columns, and the query's fragments (local memory, written once per pass) follow the same
 * order. The query is fp32: a binary16 value plus the remainder × 2^11 as a second operand (about 22
 * bits, as {@code FlatGemmMma} splits activations), so the scores keep fp32 accuracy.</li>
 * <li>weights: the lane holds S[head group][positions 2·quad, 2·quad + 1] of the tile and turns them
 * into e^{x−φ} (0 past the split's end and for heads past the pass), rounded to TF32, checking the
 * window as every unified body does.</li>
 * <li>values, dims as the mma's rows: Oᵀ (16 dims × 8 heads) += Vᵀ (16 dims × 8 positions) · Pᵀ on
 * TF32 (a binary16 value is exact in TF32, and the weights keep fp32's exponent range, which the
 * window of ±60 needs). The B operand is the lane's own two weights (position 2·quad as k = quad,
 * 2·quad + 1 as k = quad + 4), so no weight crosses lanes. The lane loads value rows 2·quad and
 * 2·quad + 1 of the tile at dims 8·group … + 7 and 64 + 8·group … + 7 (four 16-byte loads); m-tile
 * i (0…7) takes element i of them: its rows g and g + 8 stand for dims 8g + i and 64 + 8g + i.</li>
 * </ul>
 * The denominators add the same rounded weights as the numerators. At the end the warps' sums meet in
 * local memory, half the dims at a time (so the merge fits in the step's {@code partials}).
 * Positions past the split's end read the split's first row (in bounds, weighted 0).
 */
final class MmaDecodeCore {

    /** The only head dimension this body takes. */
    static final int HEAD_DIM = 128;
    /** Query heads per pass: the mma's eight B columns. */
    static final int BLOCK_HEADS = 8;
    static final int WARPS = SplitKvCore.THREADS / KernelContext.WARP_SIZE;
    /**
     * Positions a warp takes per trip: one tile of eight. With two tiles (twice the bytes in flight per
     * warp) ptxas, held to 128 registers, loaded the value rows only after the key rows' mmas, and the
     * step tied at B = 1, L ≥ 32768 and was 2–6% slower on the other grouped shapes
     * (bench/results/2026-11-30-h200-tensor-core-decode.md).
     */
    static final int WARP_POSITIONS = 8;
    /** Positions the work-group takes per trip. */
    static final int TRIP = WARPS * WARP_POSITIONS;
    /** Runs of 32 dims: a lane's key loads per row (eight dims each). */
    static final int RUNS = HEAD_DIM / 32;
    /** The query's fragments: per run and lane, the binary16 pairs and the remainders' pairs. */
    static final int QUERY_INTS = RUNS * KernelContext.WARP_SIZE * 8;
    static final int HALF = HEAD_DIM / 2;
    /** Local floats the merge takes from the step's partials: every warp's outputs of half the dims. */
    static final int MERGE_FLOATS = WARPS * BLOCK_HEADS * HALF;
    /** Local floats of the lanes' denominators. */
    static final int SUM_FLOATS = SplitKvCore.THREADS;

    private MmaDecodeCore() {
    }

    /**
     * Unified mode only (the synchronised path stays on {@link SplitKvCore}). Writes, per query row
     * r = kvRow·g + head and split s: {@code outA[(r·splits + s)·HEAD_DIM + d]} = Σ e^{x−φ}·v and
     * {@code outB[r·splits + s]} = Σ e^{x−φ}, and when {@code summed} also adds them into
     * {@code rowSums[r·(HEAD_DIM + 1) + d]} and {@code rowSums[r·(HEAD_DIM + 1) + HEAD_DIM]}; returns the
     * bit mask of heads (within the kv head's group) for which this work-item saw x − φ outside (low,
     * high). {@code partials} holds at least {@link #MERGE_FLOATS}, {@code sums} {@link #SUM_FLOATS},
     * {@code queryPairs} {@link #QUERY_INTS}.
     */
    static int run(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache, FloatArray outA,
                   FloatArray outB, int heads, int kvHeads, int capacity, int length, int splits, float phi,
                   float low, float high, int[] queryPairs, float[] partials, float[] sums, FloatArray rowSums,
                   boolean summed) {
        int t = c.localIdx;
        int lane = t & (KernelContext.WARP_SIZE - 1);
        int warp = t / KernelContext.WARP_SIZE;
        int group = lane >> 2;
        int quad = lane & 3;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int start = SplitKvCore.splitStart(length, splits, split);
        int n = SplitKvCore.splitEnd(length, splits, split) - start;
        int cacheBase = (kvRow * capacity + start) * HEAD_DIM;
        float scale = (float) (1.0 / Math.sqrt(HEAD_DIM));
        float back = 1f / HalfPairs.REST_SCALE; // exact: a power of two
        int mask = 0;
        for (int firstHead = 0; firstHead < g; firstHead += BLOCK_HEADS) {
            int blockHeads = Math.min(BLOCK_HEADS, g - firstHead);
            boolean mine = group < blockHeads; // this lane's head (firstHead + group) is in the pass
            loadQueryPairs(q, queryPairs, t, kvRow * g + firstHead, blockHeads, scale);
            c.localBarrier();
            MmaAccumulator o0 = MmaAccumulator.zero();
            MmaAccumulator o1 = MmaAccumulator.zero();
            MmaAccumulator o2 = MmaAccumulator.zero();
            MmaAccumulator o3 = MmaAccumulator.zero();
            MmaAccumulator o4 = MmaAccumulator.zero();
            MmaAccumulator o5 = MmaAccumulator.zero();
            MmaAccumulator o6 = MmaAccumulator.zero();
            MmaAccumulator o7 = MmaAccumulator.zero();
            float sum = 0f; // the rounded weights of head firstHead + group at this lane's positions
            for (int trip = 0; trip < n; trip += TRIP) {
                int first = trip + warp * WARP_POSITIONS;
                // every load first: the mmas are collectives, which loads do not move across. The lane's
                // key row is first + group, its value rows p0 and p1.
                int kr0 = first + group;
                int p0 = first + 2 * quad;
                int p1 = p0 + 1;
                HalfPairs ka0 = keyPiece(kCache, cacheBase, n, kr0, quad, 0);
                HalfPairs ka1 = keyPiece(kCache, cacheBase, n, kr0, quad, 1);
                HalfPairs ka2 = keyPiece(kCache, cacheBase, n, kr0, quad, 2);
                HalfPairs ka3 = keyPiece(kCache, cacheBase, n, kr0, quad, 3);
                HalfPairs va0 = valuePiece(vCache, cacheBase, n, p0, group, 0);
                HalfPairs vA0 = valuePiece(vCache, cacheBase, n, p0, group, HALF);
                HalfPairs va1 = valuePiece(vCache, cacheBase, n, p1, group, 0);
                HalfPairs vA1 = valuePiece(vCache, cacheBase, n, p1, group, HALF);
                // the scores: the binary16 parts of the query (h) and the remainders (r)
                MmaAccumulator h = MmaAccumulator.zero();
                MmaAccumulator r = MmaAccumulator.zero();
                h = scoreSteps(c, queryHigh(queryPairs, 0, lane), ka0, h);
                r = scoreSteps(c, queryLow(queryPairs, 0, lane), ka0, r);
                h = scoreSteps(c, queryHigh(queryPairs, 1, lane), ka1, h);
                r = scoreSteps(c, queryLow(queryPairs, 1, lane), ka1, r);
                h = scoreSteps(c, queryHigh(queryPairs, 2, lane), ka2, h);
                r = scoreSteps(c, queryLow(queryPairs, 2, lane), ka2, r);
                h = scoreSteps(c, queryHigh(queryPairs, 3, lane), ka3, h);
                r = scoreSteps(c, queryLow(queryPairs, 3, lane), ka3, r);
                float x0 = Math.fma(r.c0(), back, h.c0());
                float x1 = Math.fma(r.c1(), back, h.c1());
                // the weights of the lane's two positions
                boolean in0 = mine && p0 < n;
                boolean in1 = mine && p1 < n;
                int w0 = weightBits(x0, in0, phi);
                int w1 = weightBits(x1, in1, phi);
                if (outside(x0, in0, phi, low, high) || outside(x1, in1, phi, low, high)) {
                    mask |= 1 << (firstHead + group);
                }
                sum += Float.intBitsToFloat(w0) + Float.intBitsToFloat(w1);
                // the values (rows p0, p1, weights w0, w1)
                o0 = valueStep(c, 0, va0, vA0, va1, vA1, w0, w1, o0);
                o1 = valueStep(c, 1, va0, vA0, va1, vA1, w0, w1, o1);
                o2 = valueStep(c, 2, va0, vA0, va1, vA1, w0, w1, o2);
                o3 = valueStep(c, 3, va0, vA0, va1, vA1, w0, w1, o3);
                o4 = valueStep(c, 4, va0, vA0, va1, vA1, w0, w1, o4);
                o5 = valueStep(c, 5, va0, vA0, va1, vA1, w0, w1, o5);
                o6 = valueStep(c, 6, va0, vA0, va1, vA1, w0, w1, o6);
                o7 = valueStep(c, 7, va0, vA0, va1, vA1, w0, w1, o7);
            }
            // the warps meet: dims below HALF (c0, c1 of each m-tile), then the rest (c2, c3)
            int row = kvRow * g + firstHead;
            int at = (warp * BLOCK_HEADS + 2 * quad) * HALF + 8 * group;
            sums[t] = sum; // read after the first barrier below
            for (int half = 0; half < 2; half++) {
                boolean upper = half == 1;
                stash(partials, at, upper, o0, o1, o2, o3, o4, o5, o6, o7);
                c.localBarrier();
                for (int v = t; v < blockHeads * HALF; v += SplitKvCore.THREADS) {
                    int head = v / HALF;
                    int d = v % HALF;
                    float o = 0f;
                    for (int u = 0; u < WARPS; u++) {
                        o += partials[(u * BLOCK_HEADS + head) * HALF + d];
                    }
                    outA.set(((row + head) * splits + split) * HEAD_DIM + half * HALF + d, o);
                    if (summed) {
                        c.atomicAdd(rowSums, (row + head) * (HEAD_DIM + 1) + half * HALF + d, o);
                    }
                }
                c.localBarrier(); // read before the next half (or pass) writes
            }
            if (t < blockHeads) { // head t's lanes: quads 0…3 of group t in every warp
                float l = 0f;
                for (int u = 0; u < WARPS; u++) {
                    int from = u * KernelContext.WARP_SIZE + 4 * t;
                    l += (sums[from] + sums[from + 1]) + (sums[from + 2] + sums[from + 3]);
                }
                outB.set((row + t) * splits + split, l);
                if (summed) {
                    c.atomicAdd(rowSums, (row + t) * (HEAD_DIM + 1) + HEAD_DIM, l);
                }
            }
            c.localBarrier(); // sums and the query's fragments are free again
        }
        return mask;
    }

    /** Dims 32·run + 8·quad … + 7 of key row {@code row} of the split (its first row from {@code n} on). */
    static HalfPairs keyPiece(HalfFloatArray kCache, int cacheBase, int n, int row, int quad, int run) {
        return HalfPairs.of(kCache, cacheBase + (row < n ? row : 0) * HEAD_DIM + 32 * run + 8 * quad);
    }

    /** Dims offset + 8·group … + 7 of value row {@code row} of the split (its first row from {@code n} on). */
    static HalfPairs valuePiece(HalfFloatArray vCache, int cacheBase, int n, int row, int group, int offset) {
        return HalfPairs.of(vCache, cacheBase + (row < n ? row : 0) * HEAD_DIM + offset + 8 * group);
    }

    /**
     * The query's fragments of one pass into local memory: work-item t < RUNS · 32 writes run t / 32 for
     * lane t % 32 (head firstRow + group, dims 32·run + 8·quad …, scaled by 1/√HEAD_DIM): the binary16
     * pairs and the remainders' pairs where {@link #queryHigh} and {@link #queryLow} read them; zeros for
     * heads past the pass.
     */
    static void loadQueryPairs(FloatArray q, int[] queryPairs, int t, int firstRow, int blockHeads, float scale) {
        if (t < RUNS * KernelContext.WARP_SIZE) {
            int run = t / KernelContext.WARP_SIZE;
            int lane = t % KernelContext.WARP_SIZE;
            int group = lane >> 2;
            int high = (2 * run * KernelContext.WARP_SIZE + lane) * 4; // as queryHigh and queryLow read them
            int low = high + KernelContext.WARP_SIZE * 4;
            if (group < blockHeads) {
                Run8 x = Run8.of(q, (firstRow + group) * HEAD_DIM + 32 * run + 8 * (lane & 3)).times(scale);
                HalfPairs.high(x).storeLocal(queryPairs, high);
                HalfPairs.low(x).storeLocal(queryPairs, low);
            } else {
                HalfPairs.zero().storeLocal(queryPairs, high);
                HalfPairs.zero().storeLocal(queryPairs, low);
            }
        }
    }

    /** The binary16 pairs of run {@code run} for {@code lane}: runs of 32 lanes × 4 ints, so a warp's 16-byte reads are conflict-free. */
    static HalfPairs queryHigh(int[] queryPairs, int run, int lane) {
        return HalfPairs.ofLocal(queryPairs, (2 * run * KernelContext.WARP_SIZE + lane) * 4);
    }

    /** The remainders' pairs of run {@code run} for {@code lane}. */
    static HalfPairs queryLow(int[] queryPairs, int run, int lane) {
        return HalfPairs.ofLocal(queryPairs, ((2 * run + 1) * KernelContext.WARP_SIZE + lane) * 4);
    }

    /** k-steps 2s and 2s + 1 of the scores: the query's rows 8…15 are zero (no heads there). */
    static MmaAccumulator scoreSteps(KernelContext c, HalfPairs query, HalfPairs keys, MmaAccumulator d) {
        d = c.mma16x8x16(query.p0(), 0, query.p1(), 0, keys.p0(), keys.p1(), d);
        return c.mma16x8x16(query.p2(), 0, query.p3(), 0, keys.p2(), keys.p3(), d);
    }

    /**
     * m-tile i of the values for one tile of positions: A = Vᵀ (rows g, g + 8: dims 8g + i and 64 + 8g + i;
     * columns quad, quad + 4: the lane's rows {@code first} and {@code second}), B = the lane's weights.
     */
    static MmaAccumulator valueStep(KernelContext c, int i, HalfPairs firstLow, HalfPairs firstHigh,
                                    HalfPairs secondLow, HalfPairs secondHigh, int weight0, int weight1,
                                    MmaAccumulator d) {
        return c.mma16x8x8Tf32(firstLow.tf32Bits(i), firstHigh.tf32Bits(i), secondLow.tf32Bits(i),
                secondHigh.tf32Bits(i), weight0, weight1, d);
    }

    /** e^{x−φ} rounded to the nearest TF32 value (as float bits), or 0 where {@code in} is false. */
    static int weightBits(float x, boolean in, float phi) {
        float w = in ? KernelMath.exp(x - phi) : 0f;
        int bits = Float.floatToRawIntBits(w);
        // w ≥ 0: round half up in magnitude; ∞ and NaN (any payload) only drop their low bits, so a NaN
        // stays NaN rather than carrying into the sign (its split is recomputed anyway: outside flags it)
        return bits >= 0x7F800000 ? bits & 0xFFFFE000 : (bits + 0x1000) & 0xFFFFE000;
    }

    /** Whether an in-pass score leaves the window (NaN included, as in every unified body). */
    static boolean outside(float x, boolean in, float phi, float low, float high) {
        return in && !(x - phi > low && x - phi < high);
    }

    /**
     * This lane's outputs of half the dims into the merge: head 2·quad at {@code at + i}, head 2·quad + 1
     * at {@code at + HALF + i} for m-tile i (dims 8·group + i, plus HALF in the upper half).
     */
    static void stash(float[] partials, int at, boolean upper, MmaAccumulator o0, MmaAccumulator o1,
                      MmaAccumulator o2, MmaAccumulator o3, MmaAccumulator o4, MmaAccumulator o5,
                      MmaAccumulator o6, MmaAccumulator o7) {
        partials[at] = upper ? o0.c2() : o0.c0();
        partials[at + 1] = upper ? o1.c2() : o1.c0();
        partials[at + 2] = upper ? o2.c2() : o2.c0();
        partials[at + 3] = upper ? o3.c2() : o3.c0();
        partials[at + 4] = upper ? o4.c2() : o4.c0();
        partials[at + 5] = upper ? o5.c2() : o5.c0();
        partials[at + 6] = upper ? o6.c2() : o6.c0();
        partials[at + 7] = upper ? o7.c2() : o7.c0();
        partials[at + HALF] = upper ? o0.c3() : o0.c1();
        partials[at + HALF + 1] = upper ? o1.c3() : o1.c1();
        partials[at + HALF + 2] = upper ? o2.c3() : o2.c1();
        partials[at + HALF + 3] = upper ? o3.c3() : o3.c1();
        partials[at + HALF + 4] = upper ? o4.c3() : o4.c1();
        partials[at + HALF + 5] = upper ? o5.c3() : o5.c1();
        partials[at + HALF + 6] = upper ? o6.c3() : o6.c1();
        partials[at + HALF + 7] = upper ? o7.c3() : o7.c1();
    }
}
