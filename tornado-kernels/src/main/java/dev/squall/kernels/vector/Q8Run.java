package dev.squall.kernels.vector;

import dev.squall.api.types.ByteArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * Sixteen Q8_0 weights in registers, half a block: its quants widened to floats and the block's scale. Loading a
 * run apart from using it lets a loop issue several runs' loads before it waits for any; {@link #fma} computes
 * what {@link Q8Runs#fma} does, bit for bit. Scalar-replaced by the JIT.
 */
public record Q8Run(Run8 low, Run8 high, float scale) {

    /** Columns at … at + 15 of the split quants and their block's scale ({@code at} a multiple of 16). */
    public static Q8Run of(ByteArray quants, HalfFloatArray scales, int at) {
        return new Q8Run(Run8.of(quants, at), Run8.of(quants, at + 8), scales.getFloat(at >>> 5));
    }

    /** acc + scale·(low · x0 + high · x1). */
    public float fma(Run8 x0, Run8 x1, float acc) {
        return Math.fma(scale, low.dot(x0) + high.dot(x1), acc);
    }
}
