package dev.squall.kernels.transformer;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.kernels.vector.Q8Runs;
import dev.squall.kernels.vector.Run8;

/**
 * Partial dot products of one weight row with a float vector, one per storage type; the kernels
 * inline them. The float and 16-bit forms take runs of eight columns, run {@code first, first +
 * step, …} ({@link Run8}: one 16-byte load of halves per run when the row length is a multiple of
 * 8), two runs per trip with independent sums so two loads are in flight; the last
 * {@code cols % 8} columns go one per work-item. The quantised forms take the columns
 * {@code first, first + step, …} with four independent sums. Many loads in flight per
 * work-item is what a memory-bound product needs. Quantised values are dequantised
 * in registers: the block scale of element e is scale[e / 32] (cols is a multiple of 32 for
 * Q8_0 and Q4_0, so rows start on block boundaries).
 */
final class RowDots {

    private RowDots() {
    }

    static float f32(FloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < cols; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < cols) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (cols & ~7) + first; t < cols; t += step) {
            s0 += w.get(base + t) * x.get(t);
        }
        return s0 + s1;
    }

    static float f16(HalfFloatArray w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < cols; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < cols) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (cols & ~7) + first; t < cols; t += step) {
            s0 += w.getFloat(base + t) * x.get(t);
        }
        return s0 + s1;
    }

    static float bf16(BFloat16Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < cols; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < cols) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (cols & ~7) + first; t < cols; t += step) {
            s0 += w.getFloat(base + t) * x.get(t);
        }
        return s0 + s1;
    }

    static float q8(Q8_0Array w, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        if (first == 0 && step == 1 && (cols & 31) == 0) { // rows of whole blocks (GGUF's rule for Q8_0 matrices)
            return q8Blocks(w, base, cols, x);
        }
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

    /**
     * A whole Q8_0 row of whole blocks (cols a multiple of 32), one work-item's as the loop kernels take it, a block
     * at a time: the block's 32 quants against x in four independent sums, then one multiply by its scale. Per
     * column that is a byte and a float instead of a byte, a float and a binary16 scale widened again for every
     * column (on the JVM device a 0.5B-parameter Q8_0 model decoded at 0.4-0.5 tokens/s that way, 0.7-1.0 this way;
     * on PoCL 4.1 and 4.9).
     */
    private static float q8Blocks(Q8_0Array w, int base, int cols, FloatArray x) {
        float s = 0f;
        int firstBlock = base >>> 5;
        for (int c = 0; c < cols; c += 32) {
            float d0 = 0f;
            float d1 = 0f;
            float d2 = 0f;
            float d3 = 0f;
            for (int j = 0; j < 32; j += 4) {
                d0 += w.getQuant(base + c + j) * x.get(c + j);
                d1 += w.getQuant(base + c + j + 1) * x.get(c + j + 1);
                d2 += w.getQuant(base + c + j + 2) * x.get(c + j + 2);
                d3 += w.getQuant(base + c + j + 3) * x.get(c + j + 3);
            }
            s = Math.fma(w.getScale(firstBlock + (c >>> 5)), (d0 + d1) + (d2 + d3), s);
        }
        return s;
    }

    /**
     * Row {@code row} of Q8_0 weights split into quants and scales ({@link Q8_0Array#quants()},
     * {@link Q8_0Array#scales()}) times x: lane {@code first} of {@code step} takes runs of 16 columns, half a
     * block each (one 16-byte load of quants, two of activations, the block's scale). cols must be a multiple
     * of 32, so runs never straddle a block and there is no tail.
     */
    static float q8(ByteArray quants, HalfFloatArray scales, int row, int cols, FloatArray x, int first, int step) {
        int base = row * cols;
        float s0 = 0f;
        for (int c = 16 * first; c < cols; c += 16 * step) {
            s0 = Q8Runs.fma(quants, scales, base + c, Run8.of(x, c), Run8.of(x, c + 8), s0);
        }
        return s0;
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

    /**
     * As {@link #f32(FloatArray, int, int, FloatArray, int, int)} over columns start … start + width − 1 of
     * the row, against a local array holding those columns of the input (the normalised input of the
     * fused RMSNorm forms, one window of it at a time).
     */
    static float f32(FloatArray w, int row, int cols, int start, int width, float[] x, int first, int step) {
        int base = row * cols + start;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < width; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < width) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (width & ~7) + first; t < width; t += step) {
            s0 += w.get(base + t) * x[t];
        }
        return s0 + s1;
    }

    /**
     * As {@link #f16(HalfFloatArray, int, int, FloatArray, int, int)} over columns start … start + width − 1 of
     * the row, against a local array holding those columns of the input (the normalised input of the
     * fused RMSNorm forms, one window of it at a time).
     */
    static float f16(HalfFloatArray w, int row, int cols, int start, int width, float[] x, int first, int step) {
        int base = row * cols + start;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < width; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < width) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (width & ~7) + first; t < width; t += step) {
            s0 += w.getFloat(base + t) * x[t];
        }
        return s0 + s1;
    }

    /**
     * As {@link #bf16(BFloat16Array, int, int, FloatArray, int, int)} over columns start … start + width − 1 of
     * the row, against a local array holding those columns of the input (the normalised input of the
     * fused RMSNorm forms, one window of it at a time).
     */
    static float bf16(BFloat16Array w, int row, int cols, int start, int width, float[] x, int first, int step) {
        int base = row * cols + start;
        int stride = 8 * step;
        float s0 = 0f;
        float s1 = 0f;
        int c = 8 * first;
        for (; c + stride + 7 < width; c += 2 * stride) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
            s1 += Run8.of(w, base + c + stride).dot(Run8.of(x, c + stride));
        }
        if (c + 7 < width) {
            s0 += Run8.of(w, base + c).dot(Run8.of(x, c));
        }
        for (int t = (width & ~7) + first; t < width; t += step) {
            s0 += w.getFloat(base + t) * x[t];
        }
        return s0 + s1;
    }

    /**
     * As {@link #q8(ByteArray, HalfFloatArray, int, int, FloatArray, int, int)} over columns start … start +
     * width − 1 of the row (start and width multiples of 32), against a local array holding those columns of
     * the input.
     */
    static float q8(ByteArray quants, HalfFloatArray scales, int row, int cols, int start, int width, float[] x,
                    int first, int step) {
        int base = row * cols + start;
        float s0 = 0f;
        for (int c = 16 * first; c < width; c += 16 * step) {
            s0 = Q8Runs.fma(quants, scales, base + c, Run8.of(x, c), Run8.of(x, c + 8), s0);
        }
        return s0;
    }

    /**
     * As {@link #q4(Q4_0Array, int, int, FloatArray, int, int)} over columns start … start + width − 1 of
     * the row, against a local array holding those columns of the input (the normalised input of the
     * fused RMSNorm forms, one window of it at a time).
     */
    static float q4(Q4_0Array w, int row, int cols, int start, int width, float[] x, int first, int step) {
        int base = row * cols + start;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int c = first;
        for (; c + 3 * step < width; c += 4 * step) {
            s0 += w.getScale((base + c) >>> 5) * (w.getNibble(base + c) - 8) * x[c];
            s1 += w.getScale((base + c + step) >>> 5) * (w.getNibble(base + c + step) - 8) * x[c + step];
            s2 += w.getScale((base + c + 2 * step) >>> 5) * (w.getNibble(base + c + 2 * step) - 8) * x[c + 2 * step];
            s3 += w.getScale((base + c + 3 * step) >>> 5) * (w.getNibble(base + c + 3 * step) - 8) * x[c + 3 * step];
        }
        for (; c < width; c += step) {
            s0 += w.getScale((base + c) >>> 5) * (w.getNibble(base + c) - 8) * x[c];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
