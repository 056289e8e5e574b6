package dev.squall.kernels.gemm;

import dev.squall.kernels.vector.HalfPairs;
import dev.squall.api.KernelContext;
import dev.squall.api.MmaAccumulator;

/**
 * A warp's sums for one column tile of {@link TiledGemmMma}: eight activation rows against the
 * warp's two 16-row weight tiles (0 and 1), each with the products of the activations' nearest
 * binary16 values ({@code d}) and of their scaled remainders ({@code r}). A record, so kernels keep
 * its sixteen floats in registers.
 */
record TileSums(MmaAccumulator d0, MmaAccumulator r0, MmaAccumulator d1, MmaAccumulator r1) {

    static TileSums zero() {
        return new TileSums(MmaAccumulator.zero(), MmaAccumulator.zero(), MmaAccumulator.zero(), MmaAccumulator.zero());
    }

    /**
     * Adds the two k-steps of a lane's eight columns: weight tile 0's rows ({@code low0}, {@code high0}),
     * tile 1's, and the activations' nearest values and remainders: eight mmas.
     */
    TileSums plus(KernelContext context, HalfPairs low0, HalfPairs high0, HalfPairs low1, HalfPairs high1,
                  HalfPairs nearest, HalfPairs rest) {
        return new TileSums(FlatGemmMma.steps(context, low0, high0, nearest, d0),
                FlatGemmMma.steps(context, low0, high0, rest, r0),
                FlatGemmMma.steps(context, low1, high1, nearest, d1),
                FlatGemmMma.steps(context, low1, high1, rest, r1));
    }
}
