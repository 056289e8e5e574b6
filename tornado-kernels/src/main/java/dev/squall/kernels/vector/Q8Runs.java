package dev.squall.kernels.vector;

import dev.squall.api.types.ByteArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * Runs of 16 Q8_0 weights split into quants and scales ({@code Q8_0Array.quants()}, {@code scales()}), half a
 * block: one 16-byte load of quants and the block's scale, the way every Q8_0 GEMV of the library reads them.
 */
public final class Q8Runs {

    private Q8Runs() {
    }

    /**
     * acc + d·(q[at … at + 15] · (low, high)), d the scale of the block holding column at ({@code at} a multiple of
     * 16, so the run never straddles a block).
     */
    public static float fma(ByteArray quants, HalfFloatArray scales, int at, Run8 low, Run8 high, float acc) {
        return Math.fma(scales.getFloat(at >>> 5), Run8.of(quants, at).dot(low) + Run8.of(quants, at + 8).dot(high), acc);
    }
}
