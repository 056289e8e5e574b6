package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;

/**
 * Matrix-vector products of decoding (GEMV, one activation row): out = W·x, or out += W·x when
 * {@code accumulate} is not 0 (the residual add folded in), for a row-major rows×cols weight
 * matrix W in each GGUF storage type, widened or dequantised in registers. The bytes of W
 * dominate, so these kernels are memory-bound.
 *
 * <p>The work-group forms give each row {@code lanes} neighbouring work-items (a power of two from
 * 32 to {@link #GROUP_SIZE}, see {@link #lanesFor}) that read neighbouring columns, so a row's
 * bytes stream in coalesced, and combine their partial sums in local memory. Two fused forms save
 * launches and passes, and both take the RMSNorm that precedes them in a transformer block in
 * (the normalised input is never written): Q, K and V of RMSNorm(x) in one launch, and the gate
 * and up products of RMSNorm(x) with SwiGLU applied, so the feed-forward's hidden vector is
 * written once.
 *
 * <p>The Q/K/V forms ({@code rmsNormQkv…Spmd}) can also take in the RoPE and KV-cache write of
 * {@link RotaryEmbedding#ropeAndCache} for adjacent pairs: their last arguments are that kernel's caches,
 * rotation table, state, head sizes and cache strides, and {@code rope} = 1 (0 writes q, k and v as
 * computed and leaves the caches alone). With rope = 1, lanes must be at most {@link #GROUP_SIZE} / 2, so a
 * rotated pair's two rows share a work-group; see {@code storeQkv}.
 */
public final class MatVec {

    /** Work-items per work-group in the work-group forms. */
    public static final int GROUP_SIZE = 256;
    /**
     * Work-items a launch should have at least before its rows get fewer lanes (3 · 2^16, about 70% of
     * what an H200 holds at once): past it, more lanes only shorten each work-item's stream and add
     * reduction steps.
     */
    public static final int TARGET_WORK_ITEMS = 3 << 16;

    /** Columns of the normalised input the fused RMSNorm forms hold in local memory at once (16 KB). */
    public static final int NORM_WINDOW_COLS = NormalisedInput.WINDOW_COLS;

    /**
     * Lanes per row for a rows×cols matrix: the fewest (a power of two from 32 to {@link #GROUP_SIZE}) that
     * give the launch {@link #TARGET_WORK_ITEMS}, but never so many that a lane has no run of eight
     * columns. Fewer lanes mean longer streams per work-item and more rows per work-group; more lanes keep
     * the GPU busy when there are few rows. On an H200 (bench flat_gemm times every lane count, fp16) this
     * choice was within 2% of the best on all nine shapes measured, from 2048×2048 to 128256×2048.
     */
    public static int lanesFor(int rows, int cols) {
        int lanes = 32;
        while (lanes < GROUP_SIZE && (long) rows * lanes < TARGET_WORK_ITEMS && 8L * 2 * lanes <= cols) {
            lanes *= 2;
        }
        return lanes;
    }

    /** The work-group forms' global size for {@code rows} rows of {@code lanes} lanes (whole work-groups). */
    public static int spmdGlobalSize(int rows, int lanes) {
        return Math.ceilDiv(rows, GROUP_SIZE / lanes) * GROUP_SIZE;
    }

    // ---- F32 ----

    /** One parallel iteration per row. */
    public static void matVecF32(FloatArray w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.f32(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** {@code GROUP_SIZE / lanes} rows per work-group; grid {@link #spmdGlobalSize}. */
    public static void matVecF32Spmd(KernelContext context, FloatArray w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float partial = row < rows ? RowDots.f32(w, row, cols, x, lane, lanes) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight, in one launch and without writing h:
     * rows 0..qRows−1 of the grid are Q's, then kvRows of K and kvRows of V; grid
     * {@code spmdGlobalSize(qRows + 2·kvRows, lanes)}. See {@link NormalisedInput}.
     */
    public static void rmsNormQkvF32Spmd(KernelContext context, FloatArray wq, FloatArray wk, FloatArray wv, FloatArray x,
                                         FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                                         int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                                         FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                                         int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float partial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < qRows) {
                partial += RowDots.f32(wq, row, cols, start, width, input, lane, lanes);
            } else if (row < qRows + kvRows) {
                partial += RowDots.f32(wk, row - qRows, cols, start, width, input, lane, lanes);
            } else if (row < qRows + 2 * kvRows) {
                partial += RowDots.f32(wv, row - qRows - kvRows, cols, start, width, input, lane, lanes);
            }
        }
        float dot = inverse * GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < qRows + 2 * kvRows) {
            storeQkv(scratch, local, lanes, row, dot, inverse, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state,
                    headDim, ropeDim, positionStride, headStride, rope);
        }
    }

    /**
     * out = silu(Wgate·h) ⊙ (Wup·h) for h = RMSNorm(x) ⊙ normWeight, the SwiGLU feed-forward's hidden
     * vector, in one launch and without writing h: each row's lanes compute both products; grid
     * {@link #spmdGlobalSize}. See {@link NormalisedInput}.
     */
    public static void rmsNormSwiGluF32Spmd(KernelContext context, FloatArray wGate, FloatArray wUp, FloatArray x,
                                            FloatArray normWeight, FloatArray out, int rows, int cols, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float gatePartial = 0f;
        float upPartial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < rows) {
                gatePartial += RowDots.f32(wGate, row, cols, start, width, input, lane, lanes);
                upPartial += RowDots.f32(wUp, row, cols, start, width, input, lane, lanes);
            }
        }
        float gate = inverse * GroupSums.sumLanes(context, scratch, local, lanes, gatePartial);
        context.localBarrier(); // every lane has read its gate sum before scratch holds the up sums
        float up = inverse * GroupSums.sumLanes(context, scratch, local, lanes, upPartial);
        if (lane == 0 && row < rows) {
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    // ---- F16 ----

    /** One parallel iteration per row. */
    public static void matVecF16(HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.f16(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** {@code GROUP_SIZE / lanes} rows per work-group; grid {@link #spmdGlobalSize}. */
    public static void matVecF16Spmd(KernelContext context, HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float partial = row < rows ? RowDots.f16(w, row, cols, x, lane, lanes) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight, in one launch and without writing h:
     * rows 0..qRows−1 of the grid are Q's, then kvRows of K and kvRows of V; grid
     * {@code spmdGlobalSize(qRows + 2·kvRows, lanes)}. See {@link NormalisedInput}.
     */
    public static void rmsNormQkvF16Spmd(KernelContext context, HalfFloatArray wq, HalfFloatArray wk, HalfFloatArray wv, FloatArray x,
                                         FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                                         int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                                         FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                                         int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float partial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < qRows) {
                partial += RowDots.f16(wq, row, cols, start, width, input, lane, lanes);
            } else if (row < qRows + kvRows) {
                partial += RowDots.f16(wk, row - qRows, cols, start, width, input, lane, lanes);
            } else if (row < qRows + 2 * kvRows) {
                partial += RowDots.f16(wv, row - qRows - kvRows, cols, start, width, input, lane, lanes);
            }
        }
        float dot = inverse * GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < qRows + 2 * kvRows) {
            storeQkv(scratch, local, lanes, row, dot, inverse, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state,
                    headDim, ropeDim, positionStride, headStride, rope);
        }
    }

    /**
     * out = silu(Wgate·h) ⊙ (Wup·h) for h = RMSNorm(x) ⊙ normWeight, the SwiGLU feed-forward's hidden
     * vector, in one launch and without writing h: each row's lanes compute both products; grid
     * {@link #spmdGlobalSize}. See {@link NormalisedInput}.
     */
    public static void rmsNormSwiGluF16Spmd(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                            FloatArray normWeight, FloatArray out, int rows, int cols, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float gatePartial = 0f;
        float upPartial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < rows) {
                gatePartial += RowDots.f16(wGate, row, cols, start, width, input, lane, lanes);
                upPartial += RowDots.f16(wUp, row, cols, start, width, input, lane, lanes);
            }
        }
        float gate = inverse * GroupSums.sumLanes(context, scratch, local, lanes, gatePartial);
        context.localBarrier(); // every lane has read its gate sum before scratch holds the up sums
        float up = inverse * GroupSums.sumLanes(context, scratch, local, lanes, upPartial);
        if (lane == 0 && row < rows) {
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    // ---- BF16 ----

    /** One parallel iteration per row. */
    public static void matVecBF16(BFloat16Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.bf16(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** {@code GROUP_SIZE / lanes} rows per work-group; grid {@link #spmdGlobalSize}. */
    public static void matVecBF16Spmd(KernelContext context, BFloat16Array w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float partial = row < rows ? RowDots.bf16(w, row, cols, x, lane, lanes) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight, in one launch and without writing h:
     * rows 0..qRows−1 of the grid are Q's, then kvRows of K and kvRows of V; grid
     * {@code spmdGlobalSize(qRows + 2·kvRows, lanes)}. See {@link NormalisedInput}.
     */
    public static void rmsNormQkvBF16Spmd(KernelContext context, BFloat16Array wq, BFloat16Array wk, BFloat16Array wv, FloatArray x,
                                          FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                                          int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                                         FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                                         int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float partial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < qRows) {
                partial += RowDots.bf16(wq, row, cols, start, width, input, lane, lanes);
            } else if (row < qRows + kvRows) {
                partial += RowDots.bf16(wk, row - qRows, cols, start, width, input, lane, lanes);
            } else if (row < qRows + 2 * kvRows) {
                partial += RowDots.bf16(wv, row - qRows - kvRows, cols, start, width, input, lane, lanes);
            }
        }
        float dot = inverse * GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < qRows + 2 * kvRows) {
            storeQkv(scratch, local, lanes, row, dot, inverse, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state,
                    headDim, ropeDim, positionStride, headStride, rope);
        }
    }

    /**
     * out = silu(Wgate·h) ⊙ (Wup·h) for h = RMSNorm(x) ⊙ normWeight, the SwiGLU feed-forward's hidden
     * vector, in one launch and without writing h: each row's lanes compute both products; grid
     * {@link #spmdGlobalSize}. See {@link NormalisedInput}.
     */
    public static void rmsNormSwiGluBF16Spmd(KernelContext context, BFloat16Array wGate, BFloat16Array wUp, FloatArray x,
                                             FloatArray normWeight, FloatArray out, int rows, int cols, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float gatePartial = 0f;
        float upPartial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < rows) {
                gatePartial += RowDots.bf16(wGate, row, cols, start, width, input, lane, lanes);
                upPartial += RowDots.bf16(wUp, row, cols, start, width, input, lane, lanes);
            }
        }
        float gate = inverse * GroupSums.sumLanes(context, scratch, local, lanes, gatePartial);
        context.localBarrier(); // every lane has read its gate sum before scratch holds the up sums
        float up = inverse * GroupSums.sumLanes(context, scratch, local, lanes, upPartial);
        if (lane == 0 && row < rows) {
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    // ---- Q8 ----

    /** One parallel iteration per row. */
    public static void matVecQ8(Q8_0Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.q8(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /**
     * {@code GROUP_SIZE / lanes} rows per work-group; grid {@link #spmdGlobalSize}. The weights come split
     * into their quants and scales ({@link Q8_0Array#quants()}, {@link Q8_0Array#scales()}), which lets each
     * lane read 16 quants in one load: a Q8_0 block's 34 bytes are only 2-byte aligned, and reading them a
     * byte at a time ran at about a tenth of the copy bandwidth (H200). cols must be a multiple of 32.
     */
    public static void matVecQ8Spmd(KernelContext context, ByteArray quants, HalfFloatArray scales, FloatArray x,
                                    FloatArray out, int rows, int cols, int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float partial = row < rows ? RowDots.q8(quants, scales, row, cols, x, lane, lanes) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight, in one launch and without writing h:
     * rows 0..qRows−1 of the grid are Q's, then kvRows of K and kvRows of V; grid
     * {@code spmdGlobalSize(qRows + 2·kvRows, lanes)}. See {@link NormalisedInput}. Each matrix comes split
     * into quants and scales, as {@link #matVecQ8Spmd}'s.
     */
    public static void rmsNormQkvQ8Spmd(KernelContext context, ByteArray wq, HalfFloatArray wqScales, ByteArray wk,
                                        HalfFloatArray wkScales, ByteArray wv, HalfFloatArray wvScales, FloatArray x,
                                        FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                                        int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                                         FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                                         int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float partial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < qRows) {
                partial += RowDots.q8(wq, wqScales, row, cols, start, width, input, lane, lanes);
            } else if (row < qRows + kvRows) {
                partial += RowDots.q8(wk, wkScales, row - qRows, cols, start, width, input, lane, lanes);
            } else if (row < qRows + 2 * kvRows) {
                partial += RowDots.q8(wv, wvScales, row - qRows - kvRows, cols, start, width, input, lane, lanes);
            }
        }
        float dot = inverse * GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < qRows + 2 * kvRows) {
            storeQkv(scratch, local, lanes, row, dot, inverse, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state,
                    headDim, ropeDim, positionStride, headStride, rope);
        }
    }

    /**
     * out = silu(Wgate·h) ⊙ (Wup·h) for h = RMSNorm(x) ⊙ normWeight, the SwiGLU feed-forward's hidden
     * vector, in one launch and without writing h: each row's lanes compute both products; grid
     * {@link #spmdGlobalSize}. See {@link NormalisedInput}. Each matrix comes split into quants and scales,
     * as {@link #matVecQ8Spmd}'s.
     */
    public static void rmsNormSwiGluQ8Spmd(KernelContext context, ByteArray wGate, HalfFloatArray wGateScales,
                                           ByteArray wUp, HalfFloatArray wUpScales, FloatArray x, FloatArray normWeight,
                                           FloatArray out, int rows, int cols, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float gatePartial = 0f;
        float upPartial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < rows) {
                gatePartial += RowDots.q8(wGate, wGateScales, row, cols, start, width, input, lane, lanes);
                upPartial += RowDots.q8(wUp, wUpScales, row, cols, start, width, input, lane, lanes);
            }
        }
        float gate = inverse * GroupSums.sumLanes(context, scratch, local, lanes, gatePartial);
        context.localBarrier(); // every lane has read its gate sum before scratch holds the up sums
        float up = inverse * GroupSums.sumLanes(context, scratch, local, lanes, upPartial);
        if (lane == 0 && row < rows) {
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    // ---- Q4 ----

    /** One parallel iteration per row. */
    public static void matVecQ4(Q4_0Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.q4(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** {@code GROUP_SIZE / lanes} rows per work-group; grid {@link #spmdGlobalSize}. */
    public static void matVecQ4Spmd(KernelContext context, Q4_0Array w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float partial = row < rows ? RowDots.q4(w, row, cols, x, lane, lanes) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight, in one launch and without writing h:
     * rows 0..qRows−1 of the grid are Q's, then kvRows of K and kvRows of V; grid
     * {@code spmdGlobalSize(qRows + 2·kvRows, lanes)}. See {@link NormalisedInput}.
     */
    public static void rmsNormQkvQ4Spmd(KernelContext context, Q4_0Array wq, Q4_0Array wk, Q4_0Array wv, FloatArray x,
                                        FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                                        int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                                         FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                                         int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float partial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < qRows) {
                partial += RowDots.q4(wq, row, cols, start, width, input, lane, lanes);
            } else if (row < qRows + kvRows) {
                partial += RowDots.q4(wk, row - qRows, cols, start, width, input, lane, lanes);
            } else if (row < qRows + 2 * kvRows) {
                partial += RowDots.q4(wv, row - qRows - kvRows, cols, start, width, input, lane, lanes);
            }
        }
        float dot = inverse * GroupSums.sumLanes(context, scratch, local, lanes, partial);
        if (lane == 0 && row < qRows + 2 * kvRows) {
            storeQkv(scratch, local, lanes, row, dot, inverse, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state,
                    headDim, ropeDim, positionStride, headStride, rope);
        }
    }

    /**
     * out = silu(Wgate·h) ⊙ (Wup·h) for h = RMSNorm(x) ⊙ normWeight, the SwiGLU feed-forward's hidden
     * vector, in one launch and without writing h: each row's lanes compute both products; grid
     * {@link #spmdGlobalSize}. See {@link NormalisedInput}.
     */
    public static void rmsNormSwiGluQ4Spmd(KernelContext context, Q4_0Array wGate, Q4_0Array wUp, FloatArray x,
                                           FloatArray normWeight, FloatArray out, int rows, int cols, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        float[] input = context.allocateFloatLocalArray(NORM_WINDOW_COLS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (GROUP_SIZE / lanes) + local / lanes;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, local, GROUP_SIZE, x, normWeight, cols, eps, false);
        float gatePartial = 0f;
        float upPartial = 0f;
        // the normalised input one window of NORM_WINDOW_COLS columns at a time (a single one up to that width)
        for (int start = 0; start < cols; start += NORM_WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, local, GROUP_SIZE, x, normWeight, start, cols);
            }
            int width = Math.min(NORM_WINDOW_COLS, cols - start);
            if (row < rows) {
                gatePartial += RowDots.q4(wGate, row, cols, start, width, input, lane, lanes);
                upPartial += RowDots.q4(wUp, row, cols, start, width, input, lane, lanes);
            }
        }
        float gate = inverse * GroupSums.sumLanes(context, scratch, local, lanes, gatePartial);
        context.localBarrier(); // every lane has read its gate sum before scratch holds the up sums
        float up = inverse * GroupSums.sumLanes(context, scratch, local, lanes, upPartial);
        if (lane == 0 && row < rows) {
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    /**
     * The fused Q/K/V forms' stores, by lane 0 of row {@code row} (its sum, unscaled, in
     * {@code scratch[local]}, the other rows' in their lane 0's slots, all visible after
     * {@link GroupSums#sumLanes}): {@link QkvStore#store}, whose rotated pairs need the partner row (row ^ 1)
     * in the same work-group, so {@code lanes ≤ GROUP_SIZE / 2} with {@code rope} = 1.
     */
    private static void storeQkv(float[] scratch, int local, int lanes, int row, float dot, float inverse, FloatArray q,
                                 FloatArray k, FloatArray v, int qRows, int kvRows, FloatArray keyCache,
                                 FloatArray valueCache, FloatArray rotation, IntArray state, int headDim, int ropeDim,
                                 int positionStride, int headStride, int rope) {
        float partner = rope != 0 ? inverse * scratch[local ^ lanes] : 0f;
        QkvStore.store(row, dot, partner, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state, headDim, ropeDim,
                positionStride, headStride, rope);
    }
}
