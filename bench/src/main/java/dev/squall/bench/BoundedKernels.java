package dev.squall.bench;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.attention.UnifiedMaxDecoding;
import dev.squall.kernels.gemm.FlatGemmMma;

/**
 * Library kernels with an occupancy request ({@link LaunchBounds}) the library does not make, timed
 * beside the plain ones: each is the library kernel inlined, under a bound that leaves registers for
 * more resident work-groups.
 */
public final class BoundedKernels {

    private BoundedKernels() {
    }

    /** {@link FlatGemmMma#f16} with four work-groups per SM (64 registers instead of 72). */
    @LaunchBounds(maxGroupSize = FlatGemmMma.THREADS, minGroupsPerComputeUnit = 4)
    public static void flatGemmMma4(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                                    int accumulate) {
        FlatGemmMma.f16(context, x, w, out, m, n, k, accumulate);
    }

    /** {@link UnifiedMaxDecoding#partialF16} with two work-groups per SM (the four-head body: 128 registers, not 134). */
    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 2)
    public static void unifiedMaxPartial2(KernelContext c, FloatArray q, HalfFloatArray kCache, HalfFloatArray vCache,
                                          FloatArray partialNum, FloatArray partialDen, IntArray flags, int heads, int kvHeads,
                                          int headDim, int capacity, int length, int splits, float phi, float low, float high) {
        UnifiedMaxDecoding.partialF16(c, q, kCache, vCache, partialNum, partialDen, flags, heads, kvHeads, headDim, capacity,
                length, splits, phi, low, high);
    }
}
