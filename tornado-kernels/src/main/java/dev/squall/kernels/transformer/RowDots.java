package dev.squall.kernels.transformer;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;

/**
 * Partial dot products of one weight row with a float vector, one per storage type, over the
 * columns {@code first, first + step, …} below {@code cols}; the kernels inline them. Four
 * independent sums keep four loads in flight per work-item (one running sum would wait for each
 * load in turn), which is what a memory-bound product needs. Quantised values are dequantised
 * in registers: the block scale of element e is scale[e / 32] (cols is a multiple of 32 for
 * Q8_0 and Q4_0, so rows start on block boundaries).
 */
final class RowDots {

    private RowDots() {
    }

    static float f32(FloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < cols; c += 4 * step) {
            s0 += w.get(base + c) * x.get(c);
            s1 += w.get(base + c + step) * x.get(c + step);
            s2 += w.get(base + c + 2 * step) * x.get(c + 2 * step);
            s3 += w.get(base + c + 3 * step) * x.get(c + 3 * step);
        }
        for (; c < cols; c += step) {
            s0 += w.get(base + c) * x.get(c);
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float f16(HalfFloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < cols; c += 4 * step) {
            s0 += w.getFloat(base + c) * x.get(c);
            s1 += w.getFloat(base + c + step) * x.get(c + step);
            s2 += w.getFloat(base + c + 2 * step) * x.get(c + 2 * step);
            s3 += w.getFloat(base + c + 3 * step) * x.get(c + 3 * step);
        }
        for (; c < cols; c += step) {
            s0 += w.getFloat(base + c) * x.get(c);
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float bf16(BFloat16Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < cols; c += 4 * step) {
            s0 += w.getFloat(base + c) * x.get(c);
            s1 += w.getFloat(base + c + step) * x.get(c + step);
            s2 += w.getFloat(base + c + 2 * step) * x.get(c + 2 * step);
            s3 += w.getFloat(base + c + 3 * step) * x.get(c + 3 * step);
        }
        for (; c < cols; c += step) {
            s0 += w.getFloat(base + c) * x.get(c);
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float q8(Q8_0Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < cols; c += 4 * step) {
            s0 += w.getScale((base + c) >>> 5) * w.getQuant(base + c) * x.get(c);
            s1 += w.getScale((base + c + step) >>> 5) * w.getQuant(base + c + step) * x.get(c + step);
            s2 += w.getScale((base + c + 2 * step) >>> 5) * w.getQuant(base + c + 2 * step) * x.get(c + 2 * step);
            s3 += w.getScale((base + c + 3 * step) >>> 5) * w.getQuant(base + c + 3 * step) * x.get(c + 3 * step);
        }
        for (; c < cols; c += step) {
            s0 += w.getScale((base + c) >>> 5) * w.getQuant(base + c) * x.get(c);
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float q4(Q4_0Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < cols; c += 4 * step) {
            s0 += w.getScale((base + c) >>> 5) * (w.getNibble(base + c) - 8) * x.get(c);
            s1 += w.getScale((base + c + step) >>> 5) * (w.getNibble(base + c + step) - 8) * x.get(c + step);
            s2 += w.getScale((base + c + 2 * step) >>> 5) * (w.getNibble(base + c + 2 * step) - 8) * x.get(c + 2 * step);
            s3 += w.getScale((base + c + 3 * step) >>> 5) * (w.getNibble(base + c + 3 * step) - 8) * x.get(c + 3 * step);
        }
        for (; c < cols; c += step) {
            s0 += w.getScale((base + c) >>> 5) * (w.getNibble(base + c) - 8) * x.get(c);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
