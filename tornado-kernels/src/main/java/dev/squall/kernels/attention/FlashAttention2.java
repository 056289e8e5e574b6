package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * FlashAttention-2 forward (Dao 2023): out = softmax(Q·Kᵀ/√headDim [+ causal mask])·V and the
 * log-sum-exp of each score row, for batch × heads independent heads with grouped-query attention.
 *
 * <p>One work-group of {@link #THREADS} work-items per (query tile of {@link #BLOCK_Q} rows, batch·head).
 * The query tile stays in local memory (transposed, pre-scaled by 1/√headDim); key and value tiles of
 * {@link #BLOCK_KV} positions stream through one local buffer. Each work-item owns four query rows
 * (row group = localIdx / 8) and, within them, eight "lanes" (lane = localIdx % 8): for scores the
 * keys lane + 8·s of the tile (a 4×4 block, s = 0..3), for the output the head dimensions
 * 4·lane + 32·w + i (a 4×16 block, w, i = 0..3). Both blocks live in registers, as does the online-softmax
 * state (running max m, running sum ℓ) of the work-item's rows; the output is normalised once, at
 * the end, and L = m + log ℓ is written beside it. Arithmetic is fp32 throughout. The two inner
 * loops read local memory only in 16-byte aligned runs of four (queries and probabilities stored
 * transposed, key columns swizzled by whole runs), which ptxas turns into 128-bit loads: per four
 * head dimensions, 8 such loads feed 64 FMAs of scores; per key, 5 feed 64 FMAs of output.
 *
 * <p>Local memory: 32 KB per work-group for any headDim ≤ {@link #MAX_HEAD_DIM} (16 KB queries, 16 KB
 * for the key tile, which afterwards holds a value chunk, the probability tile and a small
 * reduction area). Causal launches skip the key tiles wholly above the diagonal (the tile count is
 * uniform over the work-group, so every barrier stays unconditional) and mask only the tiles that
 * cross the diagonal or the end of the sequence.
 */
public final class FlashAttention2 {

    /** Largest head dimension; headDim must also be a multiple of 4. */
    public static final int MAX_HEAD_DIM = 128;
    /** Query rows a work-item owns. */
    private static final int ROWS = 4;
    /** Work-items sharing a row group: each takes every LANES-th key and head dimension. */
    private static final int LANES = 8;
    /** Query rows per work-group. */
    public static final int BLOCK_Q = 32;
    /** Keys per tile: LANES work-items × 4 keys each. */
    public static final int BLOCK_KV = 32;
    /** Work-items per work-group: BLOCK_Q / ROWS row groups × LANES. */
    public static final int THREADS = BLOCK_Q / ROWS * LANES;

    /** Floats of the query tile, held transposed: (headDim, BLOCK_Q). */
    private static final int QUERY_TILE = MAX_HEAD_DIM * BLOCK_Q;
    /** Floats of the key tile: (BLOCK_KV, MAX_HEAD_DIM), each row's columns XOR-swizzled. */
    private static final int KV_TILE = BLOCK_KV * MAX_HEAD_DIM;
    /** Floats of value rows staged at once (32 rows of ≤ 64 dimensions, or 16 rows of ≤ 128). */
    private static final int VALUE_CHUNK = 2048;
    /**
     * After the scores, the key tile's space holds: values at 0, the probabilities transposed
     * (BLOCK_KV, BLOCK_Q + 4), so a work-item's four rows of one key are one aligned run of four ...
     */
    private static final int P_OFFSET = VALUE_CHUNK;
    private static final int P_STRIDE = BLOCK_Q + 4;
    /** ... and per-lane partial row maxima or sums (BLOCK_Q, LANES + 1); padding avoids bank conflicts. */
    private static final int RED_OFFSET = P_OFFSET + BLOCK_KV * P_STRIDE;
    private static final int RED_STRIDE = LANES + 1;
    /** Distance between a work-item's keys lane + 8·s in the key tile. */
    private static final int KEY_STEP = LANES * MAX_HEAD_DIM;

    static {
        if (RED_OFFSET + BLOCK_Q * RED_STRIDE > KV_TILE || BLOCK_KV != 4 * LANES || VALUE_CHUNK % MAX_HEAD_DIM != 0) {
            throw new AssertionError("inconsistent FlashAttention2 tiling");
        }
    }

    private FlashAttention2() {
    }

    /** Global size in x of a launch: one work-group of {@link #THREADS} per {@link #BLOCK_Q} query rows. */
    public static int globalX(int seqLen) {
        return (seqLen + BLOCK_Q - 1) / BLOCK_Q * THREADS;
    }

    /** Global size in y of a launch: one row of work-groups per (batch, query head). */
    public static int globalY(int batch, int heads) {
        return batch * heads;
    }

    /** Bytes of local memory a work-group uses. */
    public static int localMemoryBytes() {
        return 4 * (QUERY_TILE + KV_TILE);
    }

    /**
     * Attention forward in fp32.
     *
     * <p>Layouts, row-major: q and out (batch·heads, seqLen, headDim); k and v (batch·kvHeads, seqLen,
     * headDim); lse (batch·heads, seqLen), the natural-log log-sum-exp of each scaled score row.
     * Query head h of batch b (grid y = b·heads + h) reads key/value row b·kvHeads + h / (heads / kvHeads).
     * Scale 1/√headDim; causal ≠ 0 lets query i see keys j ≤ i only. headDim ≤ {@link #MAX_HEAD_DIM}, a
     * multiple of 4; heads a multiple of kvHeads.
     *
     * <p>Grid: 2D, global ({@link #globalX globalX(seqLen)}, {@link #globalY globalY(batch, heads)} = batch·heads),
     * local ({@link #THREADS}, 1).
     */
    public static void forward(KernelContext context, FloatArray q, FloatArray k, FloatArray v, FloatArray out,
                               FloatArray lse, int seqLen, int heads, int kvHeads, int headDim, int causal) {
        float[] queries = context.allocateFloatLocalArray(QUERY_TILE);
        float[] tile = context.allocateFloatLocalArray(KV_TILE);
        int t = context.localIdx;
        int group = t / LANES;
        int lane = t % LANES;
        int head = context.groupIdy;
        int qStart = context.groupIdx * BLOCK_Q;
        int qBase = head * seqLen * headDim;
        int kvBase = kvRow(head, heads, kvHeads) * seqLen * headDim;
        // Walking a (rows, headDim) block in runs of four, THREADS runs at a time: row and run steps.
        int quads = headDim / 4;
        int rowStep = THREADS / quads;
        int quadStep = THREADS % quads;
        int vStride = valueStride(headDim);
        int vRows = VALUE_CHUNK / vStride;
        stageQueries(queries, q, qBase + qStart * headDim, (seqLen - qStart) * headDim,
                (float) (1.0 / Math.sqrt(headDim)), quads, rowStep, quadStep, t);
        Float4 m = Float4.of(Float.NEGATIVE_INFINITY);
        Float4 l = Float4.of(0f);
        OutputBlock o = OutputBlock.zero();
        int tiles = tileCount(qStart, seqLen, causal);
        for (int tileIndex = 0; tileIndex < tiles; tileIndex++) {
            int kvStart = tileIndex * BLOCK_KV;
            stage(tile, k, kvBase + kvStart * headDim, (seqLen - kvStart) * headDim, BLOCK_KV, MAX_HEAD_DIM / 4,
                    LANES - 1, quads, rowStep, quadStep, t);
            context.localBarrier(); // the keys (and the first time the queries) are in place
            ScoreBlock s = scores(queries, tile, group, lane, headDim, qStart, kvStart, seqLen, causal);
            context.localBarrier(); // everyone is done with the keys: their space is reused from here on
            s.rowMax().store(tile, RED_OFFSET + ROWS * group * RED_STRIDE + lane, RED_STRIDE);
            context.localBarrier();
            Float4 mNew = m.max(acrossLanesMax(tile, group));
            Float4 shift = finiteOrZero(mNew); // a row with no key yet keeps p = 0 instead of (−∞) − (−∞)
            Float4 correction = exp(m, shift);
            ScoreBlock p = s.exponentials(shift);
            p.storeTransposed(tile, P_OFFSET + lane * P_STRIDE + ROWS * group, P_STRIDE);
            l = l.times(correction).plus(p.rowSums());
            o = o.scale(correction);
            m = mNew;
            for (int first = 0; first < BLOCK_KV; first += vRows) {
                stage(tile, v, kvBase + (kvStart + first) * headDim, (seqLen - kvStart - first) * headDim, vRows,
                        vStride / 4, 0, quads, rowStep, quadStep, t);
                context.localBarrier(); // values and probabilities are in place
                o = accumulate(tile, o, first, vRows, vStride, group, lane);
                context.localBarrier(); // everyone is done with them before the space is refilled
            }
        }
        l.store(tile, RED_OFFSET + ROWS * group * RED_STRIDE + lane, RED_STRIDE);
        context.localBarrier();
        Float4 sum = acrossLanesSum(tile, group);
        int row = qStart + ROWS * group;
        int outBase = qBase + row * headDim;
        storeRow(out, lse, outBase, head * seqLen + row, o.lo0(), o.hi0(), m.x(), sum.x(), row < seqLen, lane, headDim);
        storeRow(out, lse, outBase + headDim, head * seqLen + row + 1, o.lo1(), o.hi1(), m.y(), sum.y(),
                row + 1 < seqLen, lane, headDim);
        storeRow(out, lse, outBase + 2 * headDim, head * seqLen + row + 2, o.lo2(), o.hi2(), m.z(), sum.z(),
                row + 2 < seqLen, lane, headDim);
        storeRow(out, lse, outBase + 3 * headDim, head * seqLen + row + 3, o.lo3(), o.hi3(), m.w(), sum.w(),
                row + 3 < seqLen, lane, headDim);
    }

    /**
     * {@link #forward} with fp16 q, k, v and out (read as fp16, computed in fp32, out rounded once to
     * fp16); lse stays fp32. Same layouts and grid. The body mirrors {@link #forward} line for line:
     * only the overloads it calls for global memory differ, so change both together.
     */
    public static void forwardF16(KernelContext context, HalfFloatArray q, HalfFloatArray k, HalfFloatArray v,
                                  HalfFloatArray out, FloatArray lse, int seqLen, int heads, int kvHeads, int headDim,
                                  int causal) {
        float[] queries = context.allocateFloatLocalArray(QUERY_TILE);
        float[] tile = context.allocateFloatLocalArray(KV_TILE);
        int t = context.localIdx;
        int group = t / LANES;
        int lane = t % LANES;
        int head = context.groupIdy;
        int qStart = context.groupIdx * BLOCK_Q;
        int qBase = head * seqLen * headDim;
        int kvBase = kvRow(head, heads, kvHeads) * seqLen * headDim;
        int quads = headDim / 4;
        int rowStep = THREADS / quads;
        int quadStep = THREADS % quads;
        int vStride = valueStride(headDim);
        int vRows = VALUE_CHUNK / vStride;
        stageQueries(queries, q, qBase + qStart * headDim, (seqLen - qStart) * headDim,
                (float) (1.0 / Math.sqrt(headDim)), quads, rowStep, quadStep, t);
        Float4 m = Float4.of(Float.NEGATIVE_INFINITY);
        Float4 l = Float4.of(0f);
        OutputBlock o = OutputBlock.zero();
        int tiles = tileCount(qStart, seqLen, causal);
        for (int tileIndex = 0; tileIndex < tiles; tileIndex++) {
            int kvStart = tileIndex * BLOCK_KV;
            stage(tile, k, kvBase + kvStart * headDim, (seqLen - kvStart) * headDim, BLOCK_KV, MAX_HEAD_DIM / 4,
                    LANES - 1, quads, rowStep, quadStep, t);
            context.localBarrier();
            ScoreBlock s = scores(queries, tile, group, lane, headDim, qStart, kvStart, seqLen, causal);
            context.localBarrier();
            s.rowMax().store(tile, RED_OFFSET + ROWS * group * RED_STRIDE + lane, RED_STRIDE);
            context.localBarrier();
            Float4 mNew = m.max(acrossLanesMax(tile, group));
            Float4 shift = finiteOrZero(mNew);
            Float4 correction = exp(m, shift);
            ScoreBlock p = s.exponentials(shift);
            p.storeTransposed(tile, P_OFFSET + lane * P_STRIDE + ROWS * group, P_STRIDE);
            l = l.times(correction).plus(p.rowSums());
            o = o.scale(correction);
            m = mNew;
            for (int first = 0; first < BLOCK_KV; first += vRows) {
                stage(tile, v, kvBase + (kvStart + first) * headDim, (seqLen - kvStart - first) * headDim, vRows,
                        vStride / 4, 0, quads, rowStep, quadStep, t);
                context.localBarrier();
                o = accumulate(tile, o, first, vRows, vStride, group, lane);
                context.localBarrier();
            }
        }
        l.store(tile, RED_OFFSET + ROWS * group * RED_STRIDE + lane, RED_STRIDE);
        context.localBarrier();
        Float4 sum = acrossLanesSum(tile, group);
        int row = qStart + ROWS * group;
        int outBase = qBase + row * headDim;
        storeRow(out, lse, outBase, head * seqLen + row, o.lo0(), o.hi0(), m.x(), sum.x(), row < seqLen, lane, headDim);
        storeRow(out, lse, outBase + headDim, head * seqLen + row + 1, o.lo1(), o.hi1(), m.y(), sum.y(),
                row + 1 < seqLen, lane, headDim);
        storeRow(out, lse, outBase + 2 * headDim, head * seqLen + row + 2, o.lo2(), o.hi2(), m.z(), sum.z(),
                row + 2 < seqLen, lane, headDim);
        storeRow(out, lse, outBase + 3 * headDim, head * seqLen + row + 3, o.lo3(), o.hi3(), m.w(), sum.w(),
                row + 3 < seqLen, lane, headDim);
    }

    // ---- shared steps (inlined into both forms) ---------------------------------------------------

    /** The key/value row (batch·kvHeads index) that grid row b·heads + h reads. */
    private static int kvRow(int head, int heads, int kvHeads) {
        return head / heads * kvHeads + head % heads / (heads / kvHeads);
    }

    /** Key tiles this query tile visits: all, or (causal) those not wholly above the diagonal. */
    private static int tileCount(int qStart, int seqLen, int causal) {
        int tiles = (seqLen + BLOCK_KV - 1) / BLOCK_KV;
        return causal != 0 ? Math.min(tiles, (qStart + BLOCK_Q - 1) / BLOCK_KV + 1) : tiles;
    }

    /** Row stride of staged values: 64 when the head fits (a whole tile at once), else 128 (two halves). */
    private static int valueStride(int headDim) {
        return headDim > MAX_HEAD_DIM / 2 ? MAX_HEAD_DIM : MAX_HEAD_DIM / 2;
    }

    /**
     * The work-item's 4×4 score block of this tile: rows 4·group + r of the query tile against keys
     * lane + 8·s of the key tile; masked with −∞ only on tiles that cross the diagonal or the end.
     * Query reads are broadcasts across lanes; the 8 lanes' key reads land in distinct banks thanks to
     * the swizzle.
     */
    private static ScoreBlock scores(float[] queries, float[] keys, int group, int lane, int headDim, int qStart,
                                     int kvStart, int seqLen, int causal) {
        ScoreBlock s = ScoreBlock.zero();
        int qColumn = ROWS * group;
        int keyRow = lane * MAX_HEAD_DIM;
        for (int c4 = 0; c4 < headDim / 4; c4++) {
            // Columns 4·c4 .. 4·c4 + 3 of key row j sit at 4·(c4 ^ (j % 8)) + i: the swizzle keeps runs of
            // four together and 16-byte aligned, which the shifts make plain to the assembler.
            int kc = keyRow + ((c4 ^ lane) << 2);
            int qc = (c4 * BLOCK_Q + group) << 2;
            s = s.fma(Float4.load(queries, qc, 1), Float4.load(keys, kc, KEY_STEP));
            s = s.fma(Float4.load(queries, qc + BLOCK_Q, 1), Float4.load(keys, kc + 1, KEY_STEP));
            s = s.fma(Float4.load(queries, qc + 2 * BLOCK_Q, 1), Float4.load(keys, kc + 2, KEY_STEP));
            s = s.fma(Float4.load(queries, qc + 3 * BLOCK_Q, 1), Float4.load(keys, kc + 3, KEY_STEP));
        }
        boolean crossesEdge = kvStart + BLOCK_KV > seqLen || causal != 0 && kvStart + BLOCK_KV - 1 > qStart;
        if (crossesEdge) {
            s = s.masked(qStart + qColumn, kvStart + lane, seqLen, causal);
        }
        return s;
    }

    /** P·V for value rows first .. first + rows − 1 of the tile, added to the work-item's output block. */
    private static OutputBlock accumulate(float[] tile, OutputBlock o, int first, int rows, int vStride, int group,
                                          int lane) {
        int p = P_OFFSET + first * P_STRIDE + ROWS * group;
        int dims = lane << 2;
        OutputBlock acc = o;
        if (vStride == MAX_HEAD_DIM) {
            for (int j = 0; j < rows; j++) {
                int value = j * MAX_HEAD_DIM + dims;
                acc = acc.fma(Float4.load(tile, p + j * P_STRIDE, 1), Float8.load(tile, value),
                        Float8.load(tile, value + 64));
            }
        } else {
            for (int j = 0; j < rows; j++) {
                int value = j * (MAX_HEAD_DIM / 2) + dims;
                acc = acc.fmaLow(Float4.load(tile, p + j * P_STRIDE, 1), Float8.load(tile, value));
            }
        }
        return acc;
    }

    /** Per row of the group, the max of the LANES partial values in the reduction area. */
    private static Float4 acrossLanesMax(float[] tile, int group) {
        int base = RED_OFFSET + ROWS * group * RED_STRIDE;
        Float4 best = Float4.load(tile, base, RED_STRIDE);
        for (int i = 1; i < LANES; i++) {
            best = best.max(Float4.load(tile, base + i, RED_STRIDE));
        }
        return best;
    }

    /** Per row of the group, the sum of the LANES partial values in the reduction area. */
    private static Float4 acrossLanesSum(float[] tile, int group) {
        int base = RED_OFFSET + ROWS * group * RED_STRIDE;
        Float4 sum = Float4.load(tile, base, RED_STRIDE);
        for (int i = 1; i < LANES; i++) {
            sum = sum.plus(Float4.load(tile, base + i, RED_STRIDE));
        }
        return sum;
    }

    private static Float4 finiteOrZero(Float4 m) {
        return new Float4(finiteOrZero(m.x()), finiteOrZero(m.y()), finiteOrZero(m.z()), finiteOrZero(m.w()));
    }

    private static float finiteOrZero(float m) {
        return m == Float.NEGATIVE_INFINITY ? 0f : m;
    }

    /** e^(a − b) component-wise, for a ≤ b (the old running max against the new). */
    private static Float4 exp(Float4 a, Float4 b) {
        return new Float4(NonPositiveExp.exp(a.x() - b.x()), NonPositiveExp.exp(a.y() - b.y()),
                NonPositiveExp.exp(a.z() - b.z()), NonPositiveExp.exp(a.w() - b.w()));
    }

    /** 1/ℓ, or 0 for a row that saw no key (ℓ = 0), whose output is then 0. */
    private static float inverse(float l) {
        return !(l <= 0f) ? 1f / l : 0f; // NaN passes
    }

    /** L = m + log ℓ, or −∞ for a row that saw no key. */
    private static float logSumExp(float m, float l) {
        return !(l <= 0f) ? m + KernelMath.log(l) : Float.NEGATIVE_INFINITY;
    }

    // ---- global memory: the only code that differs between fp32 and fp16 ---------------------------

    /**
     * Copies a (rows, headDim) block that starts at src[base] into local memory at row stride
     * 4·{@code strideQuads}, in runs of four (work-item t takes runs t, t + THREADS, ..., so a warp
     * reads contiguous memory); runs at or past element {@code valid} (rows past the sequence)
     * become 0. The run index is XOR-ed with row & {@code swizzleMask}: with LANES − 1 the score loop
     * then reads 8 key rows without bank conflicts. Four runs per trip, all loaded before any is
     * stored, keep 16 global loads in flight instead of one memory latency per run.
     */
    private static void stage(float[] dst, FloatArray src, int base, int valid, int rows, int strideQuads,
                              int swizzleMask, int quads, int rowStep, int quadStep, int t) {
        int runs = rows * quads;
        int limit = Math.min(valid, runs << 2);
        RunCursor c0 = RunCursor.of(t, quads);
        for (int e = t; e < runs; e += 4 * THREADS) {
            RunCursor c1 = c0.next(rowStep, quadStep, quads);
            RunCursor c2 = c1.next(rowStep, quadStep, quads);
            RunCursor c3 = c2.next(rowStep, quadStep, quads);
            Float4 x0 = run(src, base, e, limit);
            Float4 x1 = run(src, base, e + THREADS, limit);
            Float4 x2 = run(src, base, e + 2 * THREADS, limit);
            Float4 x3 = run(src, base, e + 3 * THREADS, limit);
            x0.store(dst, c0.offset(strideQuads, swizzleMask), 1);
            if (e + THREADS < runs) {
                x1.store(dst, c1.offset(strideQuads, swizzleMask), 1);
            }
            if (e + 2 * THREADS < runs) {
                x2.store(dst, c2.offset(strideQuads, swizzleMask), 1);
            }
            if (e + 3 * THREADS < runs) {
                x3.store(dst, c3.offset(strideQuads, swizzleMask), 1);
            }
            c0 = c3.next(rowStep, quadStep, quads);
        }
    }

    private static void stage(float[] dst, HalfFloatArray src, int base, int valid, int rows, int strideQuads,
                              int swizzleMask, int quads, int rowStep, int quadStep, int t) {
        int runs = rows * quads;
        int limit = Math.min(valid, runs << 2);
        RunCursor c0 = RunCursor.of(t, quads);
        for (int e = t; e < runs; e += 4 * THREADS) {
            RunCursor c1 = c0.next(rowStep, quadStep, quads);
            RunCursor c2 = c1.next(rowStep, quadStep, quads);
            RunCursor c3 = c2.next(rowStep, quadStep, quads);
            Float4 x0 = run(src, base, e, limit);
            Float4 x1 = run(src, base, e + THREADS, limit);
            Float4 x2 = run(src, base, e + 2 * THREADS, limit);
            Float4 x3 = run(src, base, e + 3 * THREADS, limit);
            x0.store(dst, c0.offset(strideQuads, swizzleMask), 1);
            if (e + THREADS < runs) {
                x1.store(dst, c1.offset(strideQuads, swizzleMask), 1);
            }
            if (e + 2 * THREADS < runs) {
                x2.store(dst, c2.offset(strideQuads, swizzleMask), 1);
            }
            if (e + 3 * THREADS < runs) {
                x3.store(dst, c3.offset(strideQuads, swizzleMask), 1);
            }
            c0 = c3.next(rowStep, quadStep, quads);
        }
    }

    /** Run {@code run} of src from base (four elements), or zeros at or past element {@code limit}. */
    private static Float4 run(FloatArray src, int base, int run, int limit) {
        int i = run << 2;
        return i < limit ? Float4.load(src, base + i) : Float4.of(0f);
    }

    /** Run {@code run} of src from base (four elements), or zeros at or past element {@code limit}. */
    private static Float4 run(HalfFloatArray src, int base, int run, int limit) {
        int i = run << 2;
        return i < limit ? Float4.load(src, base + i) : Float4.of(0f);
    }

    /** The query tile, transposed to (headDim, BLOCK_Q) and multiplied by {@code scale}; rows past the end are 0. */
    private static void stageQueries(float[] dst, FloatArray src, int base, int valid, float scale, int quads,
                                     int rowStep, int quadStep, int t) {
        int row = t / quads;
        int quad = t - row * quads;
        for (int e = t; e < BLOCK_Q * quads; e += THREADS) {
            Float4 x = e << 2 < valid ? Float4.load(src, base + (e << 2)) : Float4.of(0f);
            int at = (quad << 2) * BLOCK_Q + row;
            dst[at] = x.x() * scale;
            dst[at + BLOCK_Q] = x.y() * scale;
            dst[at + 2 * BLOCK_Q] = x.z() * scale;
            dst[at + 3 * BLOCK_Q] = x.w() * scale;
            quad += quadStep;
            row += rowStep;
            if (quad >= quads) {
                quad -= quads;
                row++;
            }
        }
    }

    private static void stageQueries(float[] dst, HalfFloatArray src, int base, int valid, float scale, int quads,
                                     int rowStep, int quadStep, int t) {
        int row = t / quads;
        int quad = t - row * quads;
        for (int e = t; e < BLOCK_Q * quads; e += THREADS) {
            Float4 x = e << 2 < valid ? Float4.load(src, base + (e << 2)) : Float4.of(0f);
            int at = (quad << 2) * BLOCK_Q + row;
            dst[at] = x.x() * scale;
            dst[at + BLOCK_Q] = x.y() * scale;
            dst[at + 2 * BLOCK_Q] = x.z() * scale;
            dst[at + 3 * BLOCK_Q] = x.w() * scale;
            quad += quadStep;
            row += rowStep;
            if (quad >= quads) {
                quad -= quads;
                row++;
            }
        }
    }

    /** One output row's dimensions 4·lane + 32·w + i, normalised by ℓ; lane 0 also writes L. */
    private static void storeRow(FloatArray out, FloatArray lse, int base, int lseIndex, Float8 lo, Float8 hi, float m,
                                 float l, boolean inRange, int lane, int headDim) {
        if (inRange) {
            float inv = inverse(l);
            lo.store(out, base, 4 * lane, headDim, inv);
            hi.store(out, base, 4 * lane + 64, headDim, inv);
            if (lane == 0) {
                lse.set(lseIndex, logSumExp(m, l));
            }
        }
    }

    private static void storeRow(HalfFloatArray out, FloatArray lse, int base, int lseIndex, Float8 lo, Float8 hi,
                                 float m, float l, boolean inRange, int lane, int headDim) {
        if (inRange) {
            float inv = inverse(l);
            lo.store(out, base, 4 * lane, headDim, inv);
            hi.store(out, base, 4 * lane + 64, headDim, inv);
            if (lane == 0) {
                lse.set(lseIndex, logSumExp(m, l));
            }
        }
    }
}
