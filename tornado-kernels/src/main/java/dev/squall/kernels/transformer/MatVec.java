package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;

/**
 * Matrix-vector products of decoding: out = W·x, or out += W·x when {@code accumulate} is not 0
 * (the residual add folded in), for a row-major rows×cols weight matrix W in each GGUF storage
 * type. Weights are widened or dequantised in registers; the bytes of W dominate, so these kernels
 * are memory-bound and the SPMD forms are laid out for coalesced reads: {@link #LANES} neighbouring
 * work-items share a row and read neighbouring columns.
 */
public final class MatVec {

    /** Work-items per row in the SPMD forms (a power of two, at most {@link #GROUP_SIZE}). */
    public static final int LANES = 32;
    /** Work-items per work-group in the SPMD forms: {@code GROUP_SIZE / LANES} rows per group. */
    public static final int GROUP_SIZE = 256;
    /** Rows per work-group in the SPMD forms. */
    public static final int ROWS_PER_GROUP = GROUP_SIZE / LANES;

    private MatVec() {
    }

    /** The SPMD forms' global size for {@code rows} rows (whole work-groups). */
    public static int spmdGlobalSize(int rows) {
        return Math.ceilDiv(rows, ROWS_PER_GROUP) * GROUP_SIZE;
    }

    /** one float per weight: one parallel iteration per row. */
    public static void matVecF32(FloatArray w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.f32(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** one float per weight: {@link #ROWS_PER_GROUP} rows per work-group of {@link #GROUP_SIZE}, grid {@link #spmdGlobalSize}. */
    public static void matVecF32Spmd(KernelContext context, FloatArray w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int row = context.groupIdx * ROWS_PER_GROUP + local / LANES;
        float partial = row < rows ? RowDots.f32(w, row, cols, x, lane, LANES) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, LANES, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /** IEEE half weights: one parallel iteration per row. */
    public static void matVecF16(HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.f16(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** IEEE half weights: {@link #ROWS_PER_GROUP} rows per work-group of {@link #GROUP_SIZE}, grid {@link #spmdGlobalSize}. */
    public static void matVecF16Spmd(KernelContext context, HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int row = context.groupIdx * ROWS_PER_GROUP + local / LANES;
        float partial = row < rows ? RowDots.f16(w, row, cols, x, lane, LANES) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, LANES, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /** bfloat16 weights: one parallel iteration per row. */
    public static void matVecBF16(BFloat16Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.bf16(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** bfloat16 weights: {@link #ROWS_PER_GROUP} rows per work-group of {@link #GROUP_SIZE}, grid {@link #spmdGlobalSize}. */
    public static void matVecBF16Spmd(KernelContext context, BFloat16Array w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int row = context.groupIdx * ROWS_PER_GROUP + local / LANES;
        float partial = row < rows ? RowDots.bf16(w, row, cols, x, lane, LANES) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, LANES, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /** GGUF Q8_0 blocks (cols a multiple of 32): one parallel iteration per row. */
    public static void matVecQ8(Q8_0Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.q8(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** GGUF Q8_0 blocks (cols a multiple of 32): {@link #ROWS_PER_GROUP} rows per work-group of {@link #GROUP_SIZE}, grid {@link #spmdGlobalSize}. */
    public static void matVecQ8Spmd(KernelContext context, Q8_0Array w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int row = context.groupIdx * ROWS_PER_GROUP + local / LANES;
        float partial = row < rows ? RowDots.q8(w, row, cols, x, lane, LANES) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, LANES, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }

    /** GGUF Q4_0 blocks (cols a multiple of 32): one parallel iteration per row. */
    public static void matVecQ4(Q4_0Array w, FloatArray x, FloatArray out, int rows, int cols, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            float dot = RowDots.q4(w, r, cols, x, 0, 1);
            out.set(r, accumulate != 0 ? out.get(r) + dot : dot);
        }
    }

    /** GGUF Q4_0 blocks (cols a multiple of 32): {@link #ROWS_PER_GROUP} rows per work-group of {@link #GROUP_SIZE}, grid {@link #spmdGlobalSize}. */
    public static void matVecQ4Spmd(KernelContext context, Q4_0Array w, FloatArray x, FloatArray out, int rows, int cols,
                                    int accumulate) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int row = context.groupIdx * ROWS_PER_GROUP + local / LANES;
        float partial = row < rows ? RowDots.q4(w, row, cols, x, lane, LANES) : 0f;
        float dot = GroupSums.sumLanes(context, scratch, local, LANES, partial);
        if (lane == 0 && row < rows) {
            out.set(row, accumulate != 0 ? out.get(row) + dot : dot);
        }
    }
}
