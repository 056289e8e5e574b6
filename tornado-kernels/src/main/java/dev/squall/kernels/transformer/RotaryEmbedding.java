package dev.squall.kernels.transformer;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;

/**
 * Rotary position embedding of one token's queries and keys, fused with the KV-cache write: the
 * rotated key and the value go straight into the cache row of the current position, so neither
 * is read back from memory again.
 *
 * <p>Pair i of a head (i below ropeDim/2) is rotated by the angle of pair i at the position:
 * {@code (a, b) → (a·cos − b·sin, a·sin + b·cos)}. The host computes the cosines and sines once
 * per token (in double, rounded to float, as the reference does) and hands them over in
 * {@code rotation}: cosines first, then sines. Two layouts of the pairs exist: adjacent elements
 * (2i, 2i+1), as in Llama, or the two halves (i, i + ropeDim/2), as in GPT-NeoX and Qwen2.
 * Dimensions from ropeDim on are copied unrotated.
 *
 * <p>The cache layout is the caller's: element d of kv head j at position t is at
 * {@code t·positionStride + j·headStride + d}. Position-major rows (positions × kvHeads·headDim, what
 * {@link DecodeAttention} reads) have positionStride = kvHeads·headDim and headStride = headDim; head-major
 * (kvHeads × capacity × headDim, what {@code FlashDecoding}'s split kernels read) have positionStride =
 * headDim and headStride = capacity·headDim.
 */
public final class RotaryEmbedding {

    private RotaryEmbedding() {
    }

    /**
     * @param q            heads·headDim query values, rotated in place
     * @param k            kvHeads·headDim key values of this token
     * @param v            kvHeads·headDim value values of this token
     * @param keyCache     rotated keys; position {@code state[0]}'s are written
     * @param valueCache   values; position {@code state[0]}'s are written
     * @param rotation     ropeDim/2 cosines then ropeDim/2 sines for this token's position
     * @param state        state[0] is the position
     * @param halfRotation 0 for adjacent pairs, else the two-halves layout
     * @param pairs        (heads + kvHeads) · headDim / 2: one parallel iteration per pair
     * @param positionStride elements from a position to the next in the caches
     * @param headStride   elements from a kv head to the next in the caches
     */
    public static void ropeAndCache(FloatArray q, FloatArray k, FloatArray v, FloatArray keyCache,
                                    FloatArray valueCache, FloatArray rotation, IntArray state, int heads,
                                    int kvHeads, int headDim, int ropeDim, int halfRotation, int pairs,
                                    int positionStride, int headStride) {
        for (@Parallel int p = 0; p < pairs; p++) {
            int headHalf = headDim / 2;
            int head = p / headHalf;
            int i = p - head * headHalf;
            int half = ropeDim / 2;
            boolean rotated = i < half;
            int a = rotated && halfRotation != 0 ? i : 2 * i;
            int b = rotated && halfRotation != 0 ? i + half : 2 * i + 1;
            float cos = rotated ? rotation.get(i) : 1f;
            float sin = rotated ? rotation.get(half + i) : 0f;
            if (head < heads) {
                int base = head * headDim;
                float x0 = q.get(base + a);
                float x1 = q.get(base + b);
                q.set(base + a, x0 * cos - x1 * sin);
                q.set(base + b, x0 * sin + x1 * cos);
            } else {
                int base = (head - heads) * headDim;
                int row = state.get(0) * positionStride + (head - heads) * headStride;
                float x0 = k.get(base + a);
                float x1 = k.get(base + b);
                keyCache.set(row + a, x0 * cos - x1 * sin);
                keyCache.set(row + b, x0 * sin + x1 * cos);
                valueCache.set(row + a, v.get(base + a));
                valueCache.set(row + b, v.get(base + b));
            }
        }
    }
}
