package dev.squall.api.spi;

import dev.squall.api.types.Half;

/**
 * What {@link dev.squall.api.KernelContext#mma16x8x16} and {@link dev.squall.api.KernelContext#mma16x8x8Tf32}
 * compute, for devices that run them without
 * tensor cores (the JVM, the IR interpreter): the warp's operands laid out as {@link #WORDS} ints
 * per lane ({@code a0..a3, b0, b1}), consecutive lanes one after another.
 */
public final class MmaSemantics {

    /** Ints per lane: four of A, two of B. */
    public static final int WORDS = 6;
    /** The bits of a float that TF32 keeps (sign, exponent, the top 10 fraction bits). */
    public static final int TF32_MASK = 0xFFFFE000;

    private MmaSemantics() {
    }

    /** {@link #dotTf32} when {@code tf32}, else {@link #dot(int[], int, int, int)}. */
    public static float dot(boolean tf32, int[] operands, int warp, int row, int col) {
        return tf32 ? dotTf32(operands, warp, row, col) : dot(operands, warp, row, col);
    }

    /**
     * Σ_k A[row][k]·B[k][col] for k below 16 ({@code mma16x8x16}: packed binary16 pairs), summed in
     * fp32, over the operands of the warp whose lane 0 starts at {@code warp} in {@code operands}.
     */
    public static float dot(int[] operands, int warp, int row, int col) {
        float sum = 0f;
        for (int k = 0; k < 16; k++) {
            // A[row][k] is with lane 4·(row % 8) + (k % 8) / 2, word (row / 8) + 2·(k / 8)
            int a = operands[warp + (4 * (row % 8) + (k % 8) / 2) * WORDS + row / 8 + 2 * (k / 8)];
            // B[k][col] is with lane 4·col + (k % 8) / 2, word 4 + k / 8
            int b = operands[warp + (4 * col + (k % 8) / 2) * WORDS + 4 + k / 8];
            sum += halfOf(a, k) * halfOf(b, k);
        }
        return sum;
    }

    /**
     * Σ_k A[row][k]·B[k][col] for k below 8 ({@code mma16x8x8Tf32}: float bits, of which the TF32 part
     * counts), summed in fp32.
     */
    public static float dotTf32(int[] operands, int warp, int row, int col) {
        float sum = 0f;
        for (int k = 0; k < 8; k++) {
            // A[row][k] is with lane 4·(row % 8) + k % 4, word (row / 8) + 2·(k / 4)
            int a = operands[warp + (4 * (row % 8) + k % 4) * WORDS + row / 8 + 2 * (k / 4)];
            // B[k][col] is with lane 4·col + k % 4, word 4 + k / 4
            int b = operands[warp + (4 * col + k % 4) * WORDS + 4 + k / 4];
            sum += tf32(a) * tf32(b);
        }
        return sum;
    }

    /** The TF32 value of float bits: the low 13 fraction bits dropped. */
    public static float tf32(int bits) {
        return Float.intBitsToFloat(bits & TF32_MASK);
    }

    /** The binary16 value of a packed pair that element {@code k} (even: low half) selects. */
    private static float halfOf(int pair, int k) {
        return Half.toFloat((short) ((k & 1) == 0 ? pair : pair >>> 16));
    }
}
