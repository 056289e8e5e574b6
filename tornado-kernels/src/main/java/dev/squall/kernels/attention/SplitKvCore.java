package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * The body shared by the split-KV decode kernels ({@link FlashDecoding} and
 * {@link UnifiedMaxDecoding}); the kernels inline it. One work-group of {@link #THREADS} handles one
 * split of one kv head for all g = heads / kvHeads query heads of that kv head, {@link #HEAD_BLOCK}
 * query heads at a time, so for g ≤ HEAD_BLOCK every K and V element is read from memory once.
 *
 * <p>The split's positions are walked in chunks of {@link #CHUNK}; a chunk's scores (or
 * probabilities) stay in local memory. Per chunk:
 * <ol>
 * <li>score passes of {@link #PASS} positions: {@link #LANES} neighbouring work-items per key row,
 * lane l reading dimensions l, l+LANES, … (a warp reads whole 32-byte sectors of consecutive rows),
 * four partial dot products per work-item (one per head of the block) meeting in local memory
 * (double-buffered, one barrier per pass); the reducing work-item (head rh = t / PASS, position
 * residue rj = t % PASS) owns that score and keeps its own softmax statistics over the positions it
 * owns;</li>
 * <li>synchronised mode: a (max, sum) tree over the PASS owners of each head gives the chunk's max
 * and sum, the owners turn their scores into e^{x − max}, and the running state is rescaled
 * (§0); unified mode: the owners wrote e^{x − φ} directly, nothing is rescaled;</li>
 * <li>the value pass: work-item t takes dimension t % headDim of every (THREADS / headDim)-th
 * position (coalesced rows), four positions per step in flight, into per-work-item accumulators
 * kept in local memory.</li>
 * </ol>
 * Every barrier sits in a loop whose trip count is the same for the whole work-group; positions past
 * the split's end run loops zero times and never touch memory (the cache past {@code length} may hold
 * garbage, even NaN).
 */
final class SplitKvCore {

    /** Work-items per work-group. */
    static final int THREADS = 256;
    /** Query heads processed together per walk over the split (registers: four partial dot products). */
    static final int HEAD_BLOCK = 4;
    /** Largest supported head dimension. */
    static final int MAX_HEAD_DIM = 128;
    /** Work-items per key row in a score pass. */
    static final int LANES = 4;
    /** Positions per score pass. */
    static final int PASS = THREADS / LANES;
    /** Positions per chunk (probabilities kept in local memory). */
    static final int CHUNK = 512;

    /** Local array sizes, allocated by the kernels and passed in. */
    static final int QUERY_FLOATS = HEAD_BLOCK * MAX_HEAD_DIM;
    static final int PARTIAL_FLOATS = 2 * HEAD_BLOCK * THREADS;
    static final int PROB_FLOATS = HEAD_BLOCK * CHUNK;
    static final int ACC_FLOATS = HEAD_BLOCK * THREADS;

    private SplitKvCore() {
    }

    /** First position of split {@code split} of {@code length} positions cut into {@code splits} equal spans. */
    static int splitStart(int length, int splits, int split) {
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span);
    }

    /** One past the last position of split {@code split}. */
    static int splitEnd(int length, int splits, int split) {
        int span = (length + splits - 1) / splits;
        return Math.min(length, split * span + span);
    }

    /** e^{from − to}, and 0 when {@code from} is −∞ (so −∞ − −∞ is never evaluated). */
    static float rescale(float from, float to) {
        return from == Float.NEGATIVE_INFINITY ? 0f : KernelMath.exp(from - to);
    }

    static float pick(int h, float v0, float v1, float v2, float v3) {
        return h == 0 ? v0 : h == 1 ? v1 : h == 2 ? v2 : v3;
    }

    /**
     * F32 cache. Writes, per query row r = kvRow·g + head and split s: {@code outA[(r·splits + s)·headDim + d]}
     * and {@code outB[r·splits + s]}: the normalised output and the log-sum-exp (synchronised mode,
     * {@code unified == 0}) or Σ e^{x−φ}·v and Σ e^{x−φ} (unified mode). With {@code active == 0} the
     * group does nothing. Returns, in unified mode, a bit mask (bit = query head within the kv head's
     * group, for g ≤ 32) of heads for which this work-item saw a score x with x − φ outside (low, high).
     */
    static int runF32(KernelContext c, FloatArray q, FloatArray kCache, FloatArray vCache, FloatArray outA,
                      FloatArray outB, int heads, int kvHeads, int headDim, int capacity, int length, int splits,
                      int unified, int active, float phi, float low, float high, float[] query, float[] partials,
                      float[] probs, float[] acc, float[] statM, float[] statL) {
        int t = c.localIdx;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int start = splitStart(length, splits, split);
        int n = active != 0 ? splitEnd(length, splits, split) - start : 0;
        int cacheBase = (kvRow * capacity + start) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int mask = 0;
        int blocks = active != 0 ? (g + HEAD_BLOCK - 1) / HEAD_BLOCK : 0;
        for (int block = 0; block < blocks; block++) {
            int firstHead = block * HEAD_BLOCK;
            loadQueries(q, query, acc, t, kvRow * g + firstHead, Math.min(HEAD_BLOCK, g - firstHead), headDim);
            c.localBarrier();
            float m0 = Float.NEGATIVE_INFINITY;
            float m1 = Float.NEGATIVE_INFINITY;
            float m2 = Float.NEGATIVE_INFINITY;
            float m3 = Float.NEGATIVE_INFINITY;
            float l0 = 0f;
            float l1 = 0f;
            float l2 = 0f;
            float l3 = 0f;
            float ownMax = unified != 0 ? phi : Float.NEGATIVE_INFINITY;
            float ownSum = 0f;
            for (int chunk = 0; chunk < n; chunk += CHUNK) {
                int count = Math.min(CHUNK, n - chunk);
                if (unified == 0) {
                    ownMax = Float.NEGATIVE_INFINITY;
                    ownSum = 0f;
                }
                for (int pass = 0; pass < count; pass += PASS) {
                    int buffer = (pass / PASS & 1) * HEAD_BLOCK * THREADS;
                    int position = pass + t / LANES;
                    keyPartialsF32(kCache, query, partials, buffer + t, cacheBase + (chunk + position) * headDim,
                            t % LANES, position < count ? headDim : 0);
                    c.localBarrier();
                    int owned = pass + t % PASS;
                    float x = ownedScore(partials, buffer, t) * scale;
                    if (owned < count) {
                        if (unified != 0) {
                            float e = KernelMath.exp(x - phi);
                            probs[t / PASS * CHUNK + owned] = e;
                            ownSum += e;
                            mask |= outside(x - phi, low, high) && t / PASS < g - firstHead ? 1 << (firstHead + t / PASS) : 0;
                        } else {
                            probs[t / PASS * CHUNK + owned] = x;
                            float newMax = Math.max(ownMax, x);
                            ownSum = ownSum * rescale(ownMax, newMax) + KernelMath.exp(x - newMax);
                            ownMax = newMax;
                        }
                    }
                }
                float a0 = 1f;
                float a1 = 1f;
                float a2 = 1f;
                float a3 = 1f;
                float b0 = 1f;
                float b1 = 1f;
                float b2 = 1f;
                float b3 = 1f;
                if (unified == 0) {
                    combineStatistics(c, statM, statL, t, ownMax, ownSum);
                    float chunkMax = statM[t / PASS * PASS];
                    for (int owned = t % PASS; owned < count; owned += PASS) {
                        int at = t / PASS * CHUNK + owned;
                        probs[at] = KernelMath.exp(probs[at] - chunkMax);
                    }
                    float n0 = Math.max(m0, statM[0]);
                    float n1 = Math.max(m1, statM[PASS]);
                    float n2 = Math.max(m2, statM[2 * PASS]);
                    float n3 = Math.max(m3, statM[3 * PASS]);
                    a0 = rescale(m0, n0);
                    a1 = rescale(m1, n1);
                    a2 = rescale(m2, n2);
                    a3 = rescale(m3, n3);
                    b0 = rescale(statM[0], n0);
                    b1 = rescale(statM[PASS], n1);
                    b2 = rescale(statM[2 * PASS], n2);
                    b3 = rescale(statM[3 * PASS], n3);
                    l0 = a0 * l0 + b0 * statL[0];
                    l1 = a1 * l1 + b1 * statL[PASS];
                    l2 = a2 * l2 + b2 * statL[2 * PASS];
                    l3 = a3 * l3 + b3 * statL[3 * PASS];
                    m0 = n0;
                    m1 = n1;
                    m2 = n2;
                    m3 = n3;
                }
                c.localBarrier(); // the probabilities are complete before the value pass reads them
                valuesF32(vCache, probs, acc, t, cacheBase + chunk * headDim, headDim, count, a0, a1, a2, a3, b0, b1,
                        b2, b3);
            }
            if (unified != 0) {
                combineStatistics(c, statM, statL, t, ownMax, ownSum);
                l0 = statL[0];
                l1 = statL[PASS];
                l2 = statL[2 * PASS];
                l3 = statL[3 * PASS];
            }
            writeSplit(c, partials, acc, outA, outB, t, kvRow * g + firstHead, Math.min(HEAD_BLOCK, g - firstHead), split,
                    splits, headDim, unified, m0, m1, m2, m3, l0, l1, l2, l3);
        }
        return mask;
    }

    /** The F16-cache twin of {@link #runF32}; only the two memory passes differ. */
    static int runF16(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache, FloatArray outA,
                      FloatArray outB, int heads, int kvHeads, int headDim, int capacity, int length, int splits,
                      int unified, int active, float phi, float low, float high, float[] query, float[] partials,
                      float[] probs, float[] acc, float[] statM, float[] statL) {
        int t = c.localIdx;
        int split = c.groupIdx;
        int kvRow = c.groupIdy;
        int g = heads / kvHeads;
        int start = splitStart(length, splits, split);
        int n = active != 0 ? splitEnd(length, splits, split) - start : 0;
        int cacheBase = (kvRow * capacity + start) * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int mask = 0;
        int blocks = active != 0 ? (g + HEAD_BLOCK - 1) / HEAD_BLOCK : 0;
        for (int block = 0; block < blocks; block++) {
            int firstHead = block * HEAD_BLOCK;
            loadQueries(q, query, acc, t, kvRow * g + firstHead, Math.min(HEAD_BLOCK, g - firstHead), headDim);
            c.localBarrier();
            float m0 = Float.NEGATIVE_INFINITY;
            float m1 = Float.NEGATIVE_INFINITY;
            float m2 = Float.NEGATIVE_INFINITY;
            float m3 = Float.NEGATIVE_INFINITY;
            float l0 = 0f;
            float l1 = 0f;
            float l2 = 0f;
            float l3 = 0f;
            float ownMax = unified != 0 ? phi : Float.NEGATIVE_INFINITY;
            float ownSum = 0f;
            for (int chunk = 0; chunk < n; chunk += CHUNK) {
                int count = Math.min(CHUNK, n - chunk);
                if (unified == 0) {
                    ownMax = Float.NEGATIVE_INFINITY;
                    ownSum = 0f;
                }
                for (int pass = 0; pass < count; pass += PASS) {
                    int buffer = (pass / PASS & 1) * HEAD_BLOCK * THREADS;
                    int position = pass + t / LANES;
                    keyPartialsF16(kCache, query, partials, buffer + t, cacheBase + (chunk + position) * headDim,
                            t % LANES, position < count ? headDim : 0);
                    c.localBarrier();
                    int owned = pass + t % PASS;
                    float x = ownedScore(partials, buffer, t) * scale;
                    if (owned < count) {
                        if (unified != 0) {
                            float e = KernelMath.exp(x - phi);
                            probs[t / PASS * CHUNK + owned] = e;
                            ownSum += e;
                            mask |= outside(x - phi, low, high) && t / PASS < g - firstHead ? 1 << (firstHead + t / PASS) : 0;
                        } else {
                            probs[t / PASS * CHUNK + owned] = x;
                            float newMax = Math.max(ownMax, x);
                            ownSum = ownSum * rescale(ownMax, newMax) + KernelMath.exp(x - newMax);
                            ownMax = newMax;
                        }
                    }
                }
                float a0 = 1f;
                float a1 = 1f;
                float a2 = 1f;
                float a3 = 1f;
                float b0 = 1f;
                float b1 = 1f;
                float b2 = 1f;
                float b3 = 1f;
                if (unified == 0) {
                    combineStatistics(c, statM, statL, t, ownMax, ownSum);
                    float chunkMax = statM[t / PASS * PASS];
                    for (int owned = t % PASS; owned < count; owned += PASS) {
                        int at = t / PASS * CHUNK + owned;
                        probs[at] = KernelMath.exp(probs[at] - chunkMax);
                    }
                    float n0 = Math.max(m0, statM[0]);
                    float n1 = Math.max(m1, statM[PASS]);
                    float n2 = Math.max(m2, statM[2 * PASS]);
                    float n3 = Math.max(m3, statM[3 * PASS]);
                    a0 = rescale(m0, n0);
                    a1 = rescale(m1, n1);
                    a2 = rescale(m2, n2);
                    a3 = rescale(m3, n3);
                    b0 = rescale(statM[0], n0);
                    b1 = rescale(statM[PASS], n1);
                    b2 = rescale(statM[2 * PASS], n2);
                    b3 = rescale(statM[3 * PASS], n3);
                    l0 = a0 * l0 + b0 * statL[0];
                    l1 = a1 * l1 + b1 * statL[PASS];
                    l2 = a2 * l2 + b2 * statL[2 * PASS];
                    l3 = a3 * l3 + b3 * statL[3 * PASS];
                    m0 = n0;
                    m1 = n1;
                    m2 = n2;
                    m3 = n3;
                }
                c.localBarrier(); // the probabilities are complete before the value pass reads them
                valuesF16(vCache, probs, acc, t, cacheBase + chunk * headDim, headDim, count, a0, a1, a2, a3, b0, b1,
                        b2, b3);
            }
            if (unified != 0) {
                combineStatistics(c, statM, statL, t, ownMax, ownSum);
                l0 = statL[0];
                l1 = statL[PASS];
                l2 = statL[2 * PASS];
                l3 = statL[3 * PASS];
            }
            writeSplit(c, partials, acc, outA, outB, t, kvRow * g + firstHead, Math.min(HEAD_BLOCK, g - firstHead), split,
                    splits, headDim, unified, m0, m1, m2, m3, l0, l1, l2, l3);
        }
        return mask;
    }

    /** x − φ outside the open window (low, high), NaN included. */
    static boolean outside(float shifted, float low, float high) {
        return !(shifted > low && shifted < high);
    }

    /**
     * The block's queries into local memory (zeros for heads past the group and dimensions past
     * headDim, so unused heads compute harmless finite values), and the value accumulators to zero.
     */
    static void loadQueries(FloatArray q, float[] query, float[] acc, int t, int firstRow, int heads, int headDim) {
        for (int e = t; e < QUERY_FLOATS; e += THREADS) {
            int h = e / MAX_HEAD_DIM;
            int d = e % MAX_HEAD_DIM;
            query[e] = h < heads && d < headDim ? q.get((firstRow + h) * headDim + d) : 0f;
        }
        for (int h = 0; h < HEAD_BLOCK; h++) {
            acc[h * THREADS + t] = 0f;
        }
    }

    /** The score owned by work-item t (head t / PASS, position t % PASS): the sum of its LANES partials. */
    static float ownedScore(float[] partials, int buffer, int t) {
        int at = buffer + t / PASS * THREADS + t % PASS * LANES;
        return (partials[at] + partials[at + 1]) + (partials[at + 2] + partials[at + 3]);
    }

    /**
     * Partial q·k of one key row over dimensions lane, lane+LANES, … below dEnd, for the block's 4 heads,
     * into partials[at + h·THREADS]. Eight loads are issued before they are used (memory-level
     * parallelism is what a memory-bound pass needs); products are fused multiply-adds.
     */
    static void keyPartialsF32(FloatArray k, float[] query, float[] partials, int at, int base, int lane, int dEnd) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int d = lane;
        for (; d + 7 * LANES < dEnd; d += 8 * LANES) {
            float k0 = k.get(base + d);
            float k1 = k.get(base + d + LANES);
            float k2 = k.get(base + d + 2 * LANES);
            float k3 = k.get(base + d + 3 * LANES);
            float k4 = k.get(base + d + 4 * LANES);
            float k5 = k.get(base + d + 5 * LANES);
            float k6 = k.get(base + d + 6 * LANES);
            float k7 = k.get(base + d + 7 * LANES);
            s0 = dot8(query, d, LANES, s0, k0, k1, k2, k3, k4, k5, k6, k7);
            s1 = dot8(query, MAX_HEAD_DIM + d, LANES, s1, k0, k1, k2, k3, k4, k5, k6, k7);
            s2 = dot8(query, 2 * MAX_HEAD_DIM + d, LANES, s2, k0, k1, k2, k3, k4, k5, k6, k7);
            s3 = dot8(query, 3 * MAX_HEAD_DIM + d, LANES, s3, k0, k1, k2, k3, k4, k5, k6, k7);
        }
        for (; d < dEnd; d += LANES) {
            float k0 = k.get(base + d);
            s0 = Math.fma(query[d], k0, s0);
            s1 = Math.fma(query[MAX_HEAD_DIM + d], k0, s1);
            s2 = Math.fma(query[2 * MAX_HEAD_DIM + d], k0, s2);
            s3 = Math.fma(query[3 * MAX_HEAD_DIM + d], k0, s3);
        }
        partials[at] = s0;
        partials[at + THREADS] = s1;
        partials[at + 2 * THREADS] = s2;
        partials[at + 3 * THREADS] = s3;
    }

    static void keyPartialsF16(HalfFloatArray k, float[] query, float[] partials, int at, int base, int lane, int dEnd) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int d = lane;
        for (; d + 7 * LANES < dEnd; d += 8 * LANES) {
            float k0 = k.getFloat(base + d);
            float k1 = k.getFloat(base + d + LANES);
            float k2 = k.getFloat(base + d + 2 * LANES);
            float k3 = k.getFloat(base + d + 3 * LANES);
            float k4 = k.getFloat(base + d + 4 * LANES);
            float k5 = k.getFloat(base + d + 5 * LANES);
            float k6 = k.getFloat(base + d + 6 * LANES);
            float k7 = k.getFloat(base + d + 7 * LANES);
            s0 = dot8(query, d, LANES, s0, k0, k1, k2, k3, k4, k5, k6, k7);
            s1 = dot8(query, MAX_HEAD_DIM + d, LANES, s1, k0, k1, k2, k3, k4, k5, k6, k7);
            s2 = dot8(query, 2 * MAX_HEAD_DIM + d, LANES, s2, k0, k1, k2, k3, k4, k5, k6, k7);
            s3 = dot8(query, 3 * MAX_HEAD_DIM + d, LANES, s3, k0, k1, k2, k3, k4, k5, k6, k7);
        }
        for (; d < dEnd; d += LANES) {
            float k0 = k.getFloat(base + d);
            s0 = Math.fma(query[d], k0, s0);
            s1 = Math.fma(query[MAX_HEAD_DIM + d], k0, s1);
            s2 = Math.fma(query[2 * MAX_HEAD_DIM + d], k0, s2);
            s3 = Math.fma(query[3 * MAX_HEAD_DIM + d], k0, s3);
        }
        partials[at] = s0;
        partials[at + THREADS] = s1;
        partials[at + 2 * THREADS] = s2;
        partials[at + 3 * THREADS] = s3;
    }

    /**
     * acc_h ← a_h·acc_h + b_h·Σ_t p_h[t]·v[t][d] over this work-item's positions t = r, r+R, … below
     * count (d = t % headDim, r = t / headDim, R = THREADS / headDim; work-items with r ≥ R add
     * nothing), eight value rows in flight per step.
     */
    static void valuesF32(FloatArray v, float[] probs, float[] acc, int t, int base, int headDim, int count,
                          float a0, float a1, float a2, float a3, float b0, float b1, float b2, float b3) {
        int replicas = THREADS / headDim;
        int d = t % headDim;
        int p = t / headDim;
        int end = p < replicas ? count : 0;
        float c0 = 0f;
        float c1 = 0f;
        float c2 = 0f;
        float c3 = 0f;
        for (; p + 7 * replicas < end; p += 8 * replicas) {
            float v0 = v.get(base + p * headDim + d);
            float v1 = v.get(base + (p + replicas) * headDim + d);
            float v2 = v.get(base + (p + 2 * replicas) * headDim + d);
            float v3 = v.get(base + (p + 3 * replicas) * headDim + d);
            float v4 = v.get(base + (p + 4 * replicas) * headDim + d);
            float v5 = v.get(base + (p + 5 * replicas) * headDim + d);
            float v6 = v.get(base + (p + 6 * replicas) * headDim + d);
            float v7 = v.get(base + (p + 7 * replicas) * headDim + d);
            c0 = dot8(probs, p, replicas, c0, v0, v1, v2, v3, v4, v5, v6, v7);
            c1 = dot8(probs, CHUNK + p, replicas, c1, v0, v1, v2, v3, v4, v5, v6, v7);
            c2 = dot8(probs, 2 * CHUNK + p, replicas, c2, v0, v1, v2, v3, v4, v5, v6, v7);
            c3 = dot8(probs, 3 * CHUNK + p, replicas, c3, v0, v1, v2, v3, v4, v5, v6, v7);
        }
        for (; p < end; p += replicas) {
            float v0 = v.get(base + p * headDim + d);
            c0 = Math.fma(probs[p], v0, c0);
            c1 = Math.fma(probs[CHUNK + p], v0, c1);
            c2 = Math.fma(probs[2 * CHUNK + p], v0, c2);
            c3 = Math.fma(probs[3 * CHUNK + p], v0, c3);
        }
        acc[t] = a0 * acc[t] + b0 * c0;
        acc[THREADS + t] = a1 * acc[THREADS + t] + b1 * c1;
        acc[2 * THREADS + t] = a2 * acc[2 * THREADS + t] + b2 * c2;
        acc[3 * THREADS + t] = a3 * acc[3 * THREADS + t] + b3 * c3;
    }

    static void valuesF16(HalfFloatArray v, float[] probs, float[] acc, int t, int base, int headDim, int count,
                          float a0, float a1, float a2, float a3, float b0, float b1, float b2, float b3) {
        int replicas = THREADS / headDim;
        int d = t % headDim;
        int p = t / headDim;
        int end = p < replicas ? count : 0;
        float c0 = 0f;
        float c1 = 0f;
        float c2 = 0f;
        float c3 = 0f;
        for (; p + 7 * replicas < end; p += 8 * replicas) {
            float v0 = v.getFloat(base + p * headDim + d);
            float v1 = v.getFloat(base + (p + replicas) * headDim + d);
            float v2 = v.getFloat(base + (p + 2 * replicas) * headDim + d);
            float v3 = v.getFloat(base + (p + 3 * replicas) * headDim + d);
            float v4 = v.getFloat(base + (p + 4 * replicas) * headDim + d);
            float v5 = v.getFloat(base + (p + 5 * replicas) * headDim + d);
            float v6 = v.getFloat(base + (p + 6 * replicas) * headDim + d);
            float v7 = v.getFloat(base + (p + 7 * replicas) * headDim + d);
            c0 = dot8(probs, p, replicas, c0, v0, v1, v2, v3, v4, v5, v6, v7);
            c1 = dot8(probs, CHUNK + p, replicas, c1, v0, v1, v2, v3, v4, v5, v6, v7);
            c2 = dot8(probs, 2 * CHUNK + p, replicas, c2, v0, v1, v2, v3, v4, v5, v6, v7);
            c3 = dot8(probs, 3 * CHUNK + p, replicas, c3, v0, v1, v2, v3, v4, v5, v6, v7);
        }
        for (; p < end; p += replicas) {
            float v0 = v.getFloat(base + p * headDim + d);
            c0 = Math.fma(probs[p], v0, c0);
            c1 = Math.fma(probs[CHUNK + p], v0, c1);
            c2 = Math.fma(probs[2 * CHUNK + p], v0, c2);
            c3 = Math.fma(probs[3 * CHUNK + p], v0, c3);
        }
        acc[t] = a0 * acc[t] + b0 * c0;
        acc[THREADS + t] = a1 * acc[THREADS + t] + b1 * c1;
        acc[2 * THREADS + t] = a2 * acc[2 * THREADS + t] + b2 * c2;
        acc[3 * THREADS + t] = a3 * acc[3 * THREADS + t] + b3 * c3;
    }

    /** acc + Σ_j w[at + j·stride]·x_j for j = 0..7, as a chain of fused multiply-adds. */
    static float dot8(float[] w, int at, int stride, float acc, float x0, float x1, float x2, float x3, float x4, float x5,
                      float x6, float x7) {
        float s = Math.fma(w[at], x0, acc);
        s = Math.fma(w[at + stride], x1, s);
        s = Math.fma(w[at + 2 * stride], x2, s);
        s = Math.fma(w[at + 3 * stride], x3, s);
        s = Math.fma(w[at + 4 * stride], x4, s);
        s = Math.fma(w[at + 5 * stride], x5, s);
        s = Math.fma(w[at + 6 * stride], x6, s);
        return Math.fma(w[at + 7 * stride], x7, s);
    }

    /**
     * (max, Σ e^{x−max}) of each head over its PASS owners, by a tree in local memory: on return
     * statM[h·PASS] and statL[h·PASS] hold head h's pair for every work-item. Contains barriers.
     */
    static void combineStatistics(KernelContext c, float[] statM, float[] statL, int t, float max, float sum) {
        statM[t] = max;
        statL[t] = sum;
        c.localBarrier();
        int j = t % PASS;
        for (int stride = PASS / 2; stride > 0; stride >>= 1) {
            if (j < stride) {
                float m1 = statM[t];
                float m2 = statM[t + stride];
                float m = Math.max(m1, m2);
                statL[t] = statL[t] * rescale(m1, m) + statL[t + stride] * rescale(m2, m);
                statM[t] = m;
            }
            c.localBarrier();
        }
    }

    /**
     * Sums the value replicas of each head and stores the split's result for the block's heads:
     * synchronised mode the normalised output (0 for an empty split) and m + log ℓ (−∞ when empty);
     * unified mode the numerator and the denominator. Ends with a barrier, so local memory is free.
     */
    static void writeSplit(KernelContext c, float[] partials, float[] acc, FloatArray outA, FloatArray outB, int t,
                           int firstRow, int heads, int split, int splits, int headDim, int unified, float m0, float m1,
                           float m2, float m3, float l0, float l1, float l2, float l3) {
        for (int h = 0; h < HEAD_BLOCK; h++) {
            partials[h * THREADS + t] = acc[h * THREADS + t];
        }
        c.localBarrier();
        if (t < headDim) {
            int replicas = THREADS / headDim;
            for (int h = 0; h < heads; h++) {
                float o = 0f;
                for (int r = 0; r < replicas; r++) {
                    o += partials[h * THREADS + r * headDim + t];
                }
                float l = pick(h, l0, l1, l2, l3);
                int at = (firstRow + h) * splits + split;
                if (unified != 0) {
                    outA.set(at * headDim + t, o);
                    if (t == 0) {
                        outB.set(at, l);
                    }
                } else {
                    outA.set(at * headDim + t, l > 0f ? o / l : 0f);
                    if (t == 0) {
                        outB.set(at, l > 0f ? pick(h, m0, m1, m2, m3) + KernelMath.log(l) : Float.NEGATIVE_INFINITY);
                    }
                }
            }
        }
        c.localBarrier();
    }
}
