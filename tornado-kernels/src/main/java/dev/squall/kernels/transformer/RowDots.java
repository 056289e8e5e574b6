package dev.squall.kernels.transformer;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;

/**
 * Partial dot products of one weight row with a float vector, one per storage type, over the
 * columns {@code first, first + step, …} below {@code cols}; the kernels inline them. Quantised
 * rows are walked block by block (32 values and one scale), so the scale is read once per block.
 */
final class RowDots {

    /** Values per Q8_0 or Q4_0 block. */
    static final int BLOCK = 32;

    private RowDots() {
    }

    static float f32(FloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float sum = 0f;
        for (int c = first; c < cols; c += step) {
            sum += w.get(base + c) * x.get(c);
        }
        return sum;
    }

    static float f16(HalfFloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float sum = 0f;
        for (int c = first; c < cols; c += step) {
            sum += w.getFloat(base + c) * x.get(c);
        }
        return sum;
    }

    static float bf16(BFloat16Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float sum = 0f;
        for (int c = first; c < cols; c += step) {
            sum += w.getFloat(base + c) * x.get(c);
        }
        return sum;
    }

    /**
     * Columns {@code b·32 + lane, b·32 + lane + laneStep, …} of every block b; cols is a multiple
     * of 32 (GGUF guarantees it for quantised rows).
     */
    static float q8(Q8_0Array w, int row, int cols, FloatArray x, int lane, int laneStep) {
        int blocks = cols / BLOCK;
        int firstBlock = row * blocks;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int base = (firstBlock + b) * BLOCK;
            int xBase = b * BLOCK;
            float blockSum = 0f;
            for (int j = lane; j < BLOCK; j += laneStep) {
                blockSum += w.getQuant(base + j) * x.get(xBase + j);
            }
            sum += w.getScale(firstBlock + b) * blockSum;
        }
        return sum;
    }

    /** As {@link #q8}, with 4-bit values stored offset by 8. */
    static float q4(Q4_0Array w, int row, int cols, FloatArray x, int lane, int laneStep) {
        int blocks = cols / BLOCK;
        int firstBlock = row * blocks;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int base = (firstBlock + b) * BLOCK;
            int xBase = b * BLOCK;
            float blockSum = 0f;
            for (int j = lane; j < BLOCK; j += laneStep) {
                blockSum += (w.getNibble(base + j) - 8) * x.get(xBase + j);
            }
            sum += w.getScale(firstBlock + b) * blockSum;
        }
        return sum;
    }
}
