package dev.squall.kernels.attention;

import dev.squall.api.types.FloatArray;

/**
 * Thirty-two dimensions of one key row in registers, eight pieces of four: a {@link GrowingSplitDecoding} work-item's
 * loads of one key trip, all issued before any is used. Scalar-replaced by the JIT.
 */
record KeyPieces(Float4 k0, Float4 k1, Float4 k2, Float4 k3, Float4 k4, Float4 k5, Float4 k6, Float4 k7) {

    static KeyPieces zero() {
        Float4 z = Float4.of(0f);
        return new KeyPieces(z, z, z, z, z, z, z, z);
    }

    /** kCache[at … at + 31]. */
    static KeyPieces load(FloatArray kCache, int at) {
        return new KeyPieces(Float4.load(kCache, at), Float4.load(kCache, at + 4), Float4.load(kCache, at + 8),
                Float4.load(kCache, at + 12), Float4.load(kCache, at + 16), Float4.load(kCache, at + 20),
                Float4.load(kCache, at + 24), Float4.load(kCache, at + 28));
    }

    /** acc plus the scores of these pieces (dimensions d … d + 31) with query heads h0 … h0 + 3 in local {@code query}. */
    Float4 scores(float[] query, int headDim, int h0, int d, Float4 acc) {
        Float4 a = GrowingSplitDecoding.scores(query, headDim, h0, d, k0, acc);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 4, k1, a);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 8, k2, a);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 12, k3, a);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 16, k4, a);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 20, k5, a);
        a = GrowingSplitDecoding.scores(query, headDim, h0, d + 24, k6, a);
        return GrowingSplitDecoding.scores(query, headDim, h0, d + 28, k7, a);
    }
}
