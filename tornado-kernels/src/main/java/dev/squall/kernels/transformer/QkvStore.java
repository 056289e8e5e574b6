package dev.squall.kernels.transformer;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;

/**
 * Where a fused Q/K/V form ({@link MatVec}'s {@code rmsNormQkv…Spmd}, {@code NormGemvByLanes}' Q/K/V forms) puts
 * one row of its result: the grid's rows are Q's qRows, then K's kvRows, then V's kvRows.
 */
public final class QkvStore {

    private QkvStore() {
    }

    /**
     * Stores row {@code row}'s {@code value}; {@code partner} is row (row ^ 1)'s, its partner in an adjacent
     * rotated pair (read only with {@code rope} = 1). With {@code rope} = 0: q, k and v as computed. With
     * {@code rope} = 1, {@link RotaryEmbedding#ropeAndCache} (adjacent pairs) is taken in: Q and K rows are
     * rotated with their partner, q gets the rotated queries, the caches get the rotated key and the value at
     * position state[0], and k and v are not written. The two-halves pair layout has its partner rows far apart,
     * so it keeps the separate RoPE kernel.
     */
    public static void store(int row, float value, float partner, FloatArray q, FloatArray k, FloatArray v, int qRows,
                             int kvRows, FloatArray keyCache, FloatArray valueCache, FloatArray rotation, IntArray state,
                             int headDim, int ropeDim, int positionStride, int headStride, int rope) {
        boolean isQ = row < qRows;
        boolean isK = !isQ && row < qRows + kvRows;
        int index = isQ ? row : isK ? row - qRows : row - qRows - kvRows; // within q, k or v
        if (rope == 0) {
            if (isQ) {
                q.set(index, value);
            } else if (isK) {
                k.set(index, value);
            } else {
                v.set(index, value);
            }
            return;
        }
        int d = index % headDim;
        int pair = d / 2;
        int half = ropeDim / 2;
        float rotated = value;
        if ((isQ || isK) && pair < half) { // V rows are not rotated
            float x0 = (d & 1) == 0 ? value : partner;
            float x1 = (d & 1) == 0 ? partner : value;
            float cos = rotation.get(pair);
            float sin = rotation.get(half + pair);
            rotated = (d & 1) == 0 ? x0 * cos - x1 * sin : x0 * sin + x1 * cos;
        }
        if (isQ) {
            q.set(index, rotated);
        } else {
            int at = state.get(0) * positionStride + index / headDim * headStride + d;
            if (isK) {
                keyCache.set(at, rotated);
            } else {
                valueCache.set(at, rotated);
            }
        }
    }
}
