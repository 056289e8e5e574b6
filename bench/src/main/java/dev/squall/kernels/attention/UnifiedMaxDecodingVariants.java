package dev.squall.kernels.attention;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;

/**
 * {@link UnifiedMaxDecoding}'s step in other forms, as kernels of their own for the bench to time beside
 * the library's (in the library's package for the package-private tunables; the bench module only).
 */
public final class UnifiedMaxDecodingVariants {

    private UnifiedMaxDecodingVariants() {
    }

    /** {@link UnifiedMaxDecoding#stepF16Staged} without its launch bound (ptxas then picks the registers). */
    public static void stepF16StagedUnbounded(KernelContext c, FloatArray q, HalfFloatArray kCache,
                                              HalfFloatArray vCache, FloatArray partialNum, FloatArray partialDen,
                                              FloatArray partialOut, FloatArray partialLse, IntArray flags,
                                              IntArray tickets, FloatArray out, IntArray fallbackCount, int heads,
                                              int kvHeads, int headDim, int capacity, int length, int splits,
                                              float phi, float low, float high) {
        UnifiedMaxDecoding.stepF16Form(c, q, kCache, vCache, partialNum, partialDen, partialOut, partialLse, flags,
                tickets, out, fallbackCount, heads, kvHeads, headDim, capacity, length, splits, phi, low, high,
                c.allocateShortLocalArray(UnifiedMaxDecoding.STAGED_STAGES * SplitKvCore.RING_STAGE),
                UnifiedMaxDecoding.STAGED_STAGES, c.allocateIntLocalArray(4), false, partialNum, false);
    }
}
