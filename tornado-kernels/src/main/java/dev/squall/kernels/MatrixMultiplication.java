package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/**
 * C = A·B for row-major A (m×k), B (k×n), C (m×n), two ways: nested parallel loops, and a tiled
 * SPMD kernel that stages TILE×TILE blocks of A and B in local memory, so each element of A and B
 * is read from global memory m/TILE or n/TILE times instead of m or n times.
 */
public final class MatrixMultiplication {

    /** Tile edge of {@link #matmulTiled}; its work-groups are TILE×TILE. */
    public static final int TILE = 16;

    private MatrixMultiplication() {
    }

    public static void matmul(FloatArray a, FloatArray b, FloatArray c, int m, int n, int k) {
        for (@Parallel int i = 0; i < m; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a.get(i * k + p) * b.get(p * n + j);
                }
                c.set(i * n + j, sum);
            }
        }
    }

    /**
     * Tiled C = A·B. Grid: 2D, x over columns of C and y over rows, each rounded up to a multiple
     * of {@link #TILE}; work-groups TILE×TILE. Elements outside the matrices load as zero.
     */
    public static void matmulTiled(KernelContext context, FloatArray a, FloatArray b, FloatArray c, int m, int n, int k) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE);
        int tx = context.localIdx;
        int ty = context.localIdy;
        int col = context.groupIdx * TILE + tx;
        int row = context.groupIdy * TILE + ty;
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            tileA[ty * TILE + tx] = row < m && t + tx < k ? a.get(row * k + t + tx) : 0f;
            tileB[ty * TILE + tx] = t + ty < k && col < n ? b.get((t + ty) * n + col) : 0f;
            context.localBarrier(); // the tiles are complete before anyone reads them
            for (int p = 0; p < TILE; p++) {
                sum += tileA[ty * TILE + p] * tileB[p * TILE + tx];
            }
            context.localBarrier(); // everyone is done reading before the next tiles overwrite them
        }
        if (row < m && col < n) {
            c.set(row * n + col, sum);
        }
    }
}
