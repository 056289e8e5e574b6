package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;

/**
 * C = A·Bᵀ (+ bias) (+ C) for prefill-sized GEMMs, with A the (m × k) row-major activations, B the
 * (n × k) row-major weights (nn.Linear's layout) and C the (m × n) row-major fp32 output; products
 * accumulate in fp32 (fused multiply-add). {@code useBias != 0} adds {@code bias[col]};
 * {@code accumulate != 0} adds the previous value of C (a residual add in place). When
 * {@code useBias == 0}, {@code bias} may be any array (it is not read). Elements outside C
 * (rows ≥ m, columns ≥ n of the grid) are never written.
 *
 * <p>Two forms:
 * <ul>
 * <li>{@link #tiled}: TILE×TILE work-groups, one output per work-item, TILE×TILE blocks of A and B
 *     staged in local memory, so each element of A and B is read from global memory
 *     ⌈n/TILE⌉ or ⌈m/TILE⌉ times instead of n or m times.</li>
 * <li>{@link #registerBlocked}: each work-item keeps a TM×TN block of C in registers (a
 *     {@link Products8x8} record, which the JIT replaces by its 64 components) and, per k, reads TM
 *     values of A and TN of B from local memory for TM·TN multiply-adds. A's BM×BK and B's BN×BK tiles
 *     are double-buffered: tile t+1 is loaded into registers while tile t is multiplied, then stored
 *     into the other buffer, so one barrier per tile suffices. A work-item's rows (and columns) are two
 *     runs of four, 64 apart (4ty…4ty+3 and 64+4ty…64+4ty+3), so each fragment is two 16-byte local
 *     reads, and a quarter-warp's reads of B are 32 neighbouring floats: no bank conflicts. The BK
 *     slices of a tile are unrolled. Each work-item stores runs of four outputs.</li>
 * </ul>
 */
public final class Gemm {

    /** Tile edge of {@link #tiled}: its work-groups are TILE×TILE. */
    public static final int TILE = 16;
    /** Row stride of the tiled form's local tiles: one pad float, so a column walk hits 16 different banks. */
    private static final int TILE_STRIDE = TILE + 1;

    /** Rows of C (and of A) per work-group of {@link #registerBlocked}. */
    public static final int BM = 128;
    /** Columns of C (rows of B) per work-group of {@link #registerBlocked}. */
    public static final int BN = 128;
    /** k-depth of one local-memory tile of {@link #registerBlocked}. */
    public static final int BK = 8;
    /** Rows of C per work-item of {@link #registerBlocked} (two runs of four, BM / 2 apart; see {@link Products8x8}). */
    public static final int TM = 8;
    /** Columns of C per work-item of {@link #registerBlocked} (two runs of four, BN / 2 apart). */
    public static final int TN = 8;

    private static final int BLOCKED_LOCAL_X = BN / TN;
    private static final int BLOCKED_LOCAL_Y = BM / TM;
    /** Consecutive k elements one work-item loads per tile (a float4's worth: vector-friendly). */
    private static final int LOAD_WIDTH = 4;
    private static final int LOADERS_PER_ROW = BK / LOAD_WIDTH;
    /** Local tiles are stored k-major ([k][row]); the 4-float pad keeps the transposing stores conflict-free. */
    private static final int BLOCK_STRIDE_A = BM + 4;
    private static final int BLOCK_STRIDE_B = BN + 4;
    private static final int BLOCK_BUFFER_A = BK * BLOCK_STRIDE_A;
    private static final int BLOCK_BUFFER_B = BK * BLOCK_STRIDE_B;

    private Gemm() {
    }

    /** Global x size of {@link #tiled} and {@link #tiledF16}: n rounded up to a multiple of TILE. */
    public static int tiledGlobalX(int n) {
        return ceilDiv(n, TILE) * TILE;
    }

    /** Global y size of {@link #tiled} and {@link #tiledF16}: m rounded up to a multiple of TILE. */
    public static int tiledGlobalY(int m) {
        return ceilDiv(m, TILE) * TILE;
    }

    /** Global x size of {@link #registerBlocked}: one work-group ({@link #blockedLocalX()} wide) per BN columns of C. */
    public static int blockedGlobalX(int n) {
        return ceilDiv(n, BN) * BLOCKED_LOCAL_X;
    }

    /** Global y size of {@link #registerBlocked}: one work-group ({@link #blockedLocalY()} high) per BM rows of C. */
    public static int blockedGlobalY(int m) {
        return ceilDiv(m, BM) * BLOCKED_LOCAL_Y;
    }

    /** Local x size of {@link #registerBlocked}: BN / TN. */
    public static int blockedLocalX() {
        return BLOCKED_LOCAL_X;
    }

    /** Local y size of {@link #registerBlocked}: BM / TM. */
    public static int blockedLocalY() {
        return BLOCKED_LOCAL_Y;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    // ---- tiled ------------------------------------------------------------------------------------

    /**
     * C = A·Bᵀ with fp32 A and B. Grid: 2D, global ({@link #tiledGlobalX}(n), {@link #tiledGlobalY}(m)),
     * local (TILE, TILE); work-item (x, y) computes C[y][x].
     */
    public static void tiled(KernelContext context, FloatArray a, FloatArray b, FloatArray bias, FloatArray out, int m, int n,
                             int k, int useBias, int accumulate) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE_STRIDE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE_STRIDE);
        int tx = context.localIdx;
        int ty = context.localIdy;
        int row = context.groupIdy * TILE + ty;
        int col = context.groupIdx * TILE + tx;
        int bRow = context.groupIdx * TILE + ty; // the row of B (column of C) this work-item loads
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            // both tiles are loaded along k, so neighbouring work-items read neighbouring addresses
            tileA[ty * TILE_STRIDE + tx] = at(a, row, t + tx, m, k);
            tileB[ty * TILE_STRIDE + tx] = at(b, bRow, t + tx, n, k);
            context.localBarrier(); // the tiles are complete before anyone reads them
            for (int p = 0; p < TILE; p++) {
                sum = Math.fma(tileA[ty * TILE_STRIDE + p], tileB[tx * TILE_STRIDE + p], sum);
            }
            context.localBarrier(); // everyone is done reading before the next tiles overwrite them
        }
        store(out, bias, row, col, m, n, useBias, accumulate, sum);
    }

    /**
     * C = A·Bᵀ with binary16 A and B widened to fp32 on load. Grid as {@link #tiled}.
     */
    public static void tiledF16(KernelContext context, HalfFloatArray a, HalfFloatArray b, FloatArray bias, FloatArray out,
                                int m, int n, int k, int useBias, int accumulate) {
        float[] tileA = context.allocateFloatLocalArray(TILE * TILE_STRIDE);
        float[] tileB = context.allocateFloatLocalArray(TILE * TILE_STRIDE);
        int tx = context.localIdx;
        int ty = context.localIdy;
        int row = context.groupIdy * TILE + ty;
        int col = context.groupIdx * TILE + tx;
        int bRow = context.groupIdx * TILE + ty;
        float sum = 0f;
        for (int t = 0; t < k; t += TILE) {
            tileA[ty * TILE_STRIDE + tx] = atF16(a, row, t + tx, m, k);
            tileB[ty * TILE_STRIDE + tx] = atF16(b, bRow, t + tx, n, k);
            context.localBarrier();
            for (int p = 0; p < TILE; p++) {
                sum = Math.fma(tileA[ty * TILE_STRIDE + p], tileB[tx * TILE_STRIDE + p], sum);
            }
            context.localBarrier();
        }
        store(out, bias, row, col, m, n, useBias, accumulate, sum);
    }

    // ---- register-blocked -------------------------------------------------------------------------

    /**
     * C = A·Bᵀ with fp32 A and B, register-blocked. Grid: 2D, global ({@link #blockedGlobalX}(n),
     * {@link #blockedGlobalY}(m)), local ({@link #blockedLocalX()}, {@link #blockedLocalY()}) = (16, 16);
     * work-group (gx, gy) computes C[gy·BM .. gy·BM+BM)[gx·BN .. gx·BN+BN), and work-item (tx, ty) of it
     * the TM×TN elements at rows gy·BM + r and columns gx·BN + c for r in 4ty + {0..3} ∪ 64 + 4ty + {0..3}
     * and c in 4tx + {0..3} ∪ 64 + 4tx + {0..3}, so each fragment is two runs of four (16-byte local reads). Local memory:
     * 2 × (BK × (BM+4) + BK × (BN+4)) floats (16.5 KB).
     */
    public static void registerBlocked(KernelContext context, FloatArray a, FloatArray b, FloatArray bias, FloatArray out,
                                       int m, int n, int k, int useBias, int accumulate) {
        float[] tileA = context.allocateFloatLocalArray(2 * BLOCK_BUFFER_A);
        float[] tileB = context.allocateFloatLocalArray(2 * BLOCK_BUFFER_B);
        int tx = context.localIdx;
        int ty = context.localIdy;
        int linear = ty * BLOCKED_LOCAL_X + tx;
        int rowBase = context.groupIdy * BM;
        int colBase = context.groupIdx * BN;
        // each work-item loads 4 consecutive k of one row of A's tile and one row of B's tile
        int loadRow = linear / LOADERS_PER_ROW;
        int loadK = linear % LOADERS_PER_ROW * LOAD_WIDTH;
        int aRow = rowBase + loadRow;
        int bRow = colBase + loadRow;
        int storeA = loadK * BLOCK_STRIDE_A + loadRow;
        int storeB = loadK * BLOCK_STRIDE_B + loadRow;
        for (int e = 0; e < LOAD_WIDTH; e++) {
            tileA[storeA + e * BLOCK_STRIDE_A] = at(a, aRow, loadK + e, m, k);
            tileB[storeB + e * BLOCK_STRIDE_B] = at(b, bRow, loadK + e, n, k);
        }
        context.localBarrier();
        Products8x8 acc = Products8x8.zero();
        int tiles = (k + BK - 1) / BK;
        for (int t = 0; t < tiles; t++) {
            int bufferA = (t & 1) * BLOCK_BUFFER_A;
            int bufferB = (t & 1) * BLOCK_BUFFER_B;
            // tile t+1 comes from global memory into registers while tile t is multiplied (zeros past k)
            int nextK = (t + 1) * BK + loadK;
            float nextA0; float nextA1; float nextA2; float nextA3;
            if (aRow < m && nextK + 3 < k) {
                int atA = aRow * k + nextK;
                nextA0 = a.get(atA);
                nextA1 = a.get(atA + 1);
                nextA2 = a.get(atA + 2);
                nextA3 = a.get(atA + 3);
            } else {
                nextA0 = at(a, aRow, nextK + 0, m, k);
                nextA1 = at(a, aRow, nextK + 1, m, k);
                nextA2 = at(a, aRow, nextK + 2, m, k);
                nextA3 = at(a, aRow, nextK + 3, m, k);
            }
            float nextB0; float nextB1; float nextB2; float nextB3;
            if (bRow < n && nextK + 3 < k) {
                int atB = bRow * k + nextK;
                nextB0 = b.get(atB);
                nextB1 = b.get(atB + 1);
                nextB2 = b.get(atB + 2);
                nextB3 = b.get(atB + 3);
            } else {
                nextB0 = at(b, bRow, nextK + 0, n, k);
                nextB1 = at(b, bRow, nextK + 1, n, k);
                nextB2 = at(b, bRow, nextK + 2, n, k);
                nextB3 = at(b, bRow, nextK + 3, n, k);
            }
            // the BK = 8 slices of tile t, unrolled so the local reads of one slice overlap the
            // multiply-adds of the previous
            int oa = bufferA + 4 * ty;
            int ob = bufferB + 4 * tx;
            acc = acc.step(tileA, oa + 0 * BLOCK_STRIDE_A, tileB, ob + 0 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 1 * BLOCK_STRIDE_A, tileB, ob + 1 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 2 * BLOCK_STRIDE_A, tileB, ob + 2 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 3 * BLOCK_STRIDE_A, tileB, ob + 3 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 4 * BLOCK_STRIDE_A, tileB, ob + 4 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 5 * BLOCK_STRIDE_A, tileB, ob + 5 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 6 * BLOCK_STRIDE_A, tileB, ob + 6 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 7 * BLOCK_STRIDE_A, tileB, ob + 7 * BLOCK_STRIDE_B);
            // the other buffer was last read in iteration t-1, which every work-item has finished
            int nextA = BLOCK_BUFFER_A - bufferA + storeA;
            int nextB = BLOCK_BUFFER_B - bufferB + storeB;
            tileA[nextA + 0 * BLOCK_STRIDE_A] = nextA0;
            tileA[nextA + 1 * BLOCK_STRIDE_A] = nextA1;
            tileA[nextA + 2 * BLOCK_STRIDE_A] = nextA2;
            tileA[nextA + 3 * BLOCK_STRIDE_A] = nextA3;
            tileB[nextB + 0 * BLOCK_STRIDE_B] = nextB0;
            tileB[nextB + 1 * BLOCK_STRIDE_B] = nextB1;
            tileB[nextB + 2 * BLOCK_STRIDE_B] = nextB2;
            tileB[nextB + 3 * BLOCK_STRIDE_B] = nextB3;
            context.localBarrier();
        }
        acc.store(out, bias, rowBase + 4 * ty, colBase + 4 * tx, m, n, useBias, accumulate);
    }

    /**
     * C = A·Bᵀ with binary16 A and B widened to fp32 as the tiles are loaded; otherwise as
     * {@link #registerBlocked} (same grid, same layout).
     */
    public static void registerBlockedF16(KernelContext context, HalfFloatArray a, HalfFloatArray b, FloatArray bias,
                                          FloatArray out, int m, int n, int k, int useBias, int accumulate) {
        float[] tileA = context.allocateFloatLocalArray(2 * BLOCK_BUFFER_A);
        float[] tileB = context.allocateFloatLocalArray(2 * BLOCK_BUFFER_B);
        int tx = context.localIdx;
        int ty = context.localIdy;
        int linear = ty * BLOCKED_LOCAL_X + tx;
        int rowBase = context.groupIdy * BM;
        int colBase = context.groupIdx * BN;
        // each work-item loads 4 consecutive k of one row of A's tile and one row of B's tile
        int loadRow = linear / LOADERS_PER_ROW;
        int loadK = linear % LOADERS_PER_ROW * LOAD_WIDTH;
        int aRow = rowBase + loadRow;
        int bRow = colBase + loadRow;
        int storeA = loadK * BLOCK_STRIDE_A + loadRow;
        int storeB = loadK * BLOCK_STRIDE_B + loadRow;
        for (int e = 0; e < LOAD_WIDTH; e++) {
            tileA[storeA + e * BLOCK_STRIDE_A] = atF16(a, aRow, loadK + e, m, k);
            tileB[storeB + e * BLOCK_STRIDE_B] = atF16(b, bRow, loadK + e, n, k);
        }
        context.localBarrier();
        Products8x8 acc = Products8x8.zero();
        int tiles = (k + BK - 1) / BK;
        for (int t = 0; t < tiles; t++) {
            int bufferA = (t & 1) * BLOCK_BUFFER_A;
            int bufferB = (t & 1) * BLOCK_BUFFER_B;
            // tile t+1 comes from global memory into registers while tile t is multiplied (zeros past k)
            int nextK = (t + 1) * BK + loadK;
            float nextA0; float nextA1; float nextA2; float nextA3;
            if (aRow < m && nextK + 3 < k) {
                int atA = aRow * k + nextK;
                nextA0 = a.getFloat(atA);
                nextA1 = a.getFloat(atA + 1);
                nextA2 = a.getFloat(atA + 2);
                nextA3 = a.getFloat(atA + 3);
            } else {
                nextA0 = atF16(a, aRow, nextK + 0, m, k);
                nextA1 = atF16(a, aRow, nextK + 1, m, k);
                nextA2 = atF16(a, aRow, nextK + 2, m, k);
                nextA3 = atF16(a, aRow, nextK + 3, m, k);
            }
            float nextB0; float nextB1; float nextB2; float nextB3;
            if (bRow < n && nextK + 3 < k) {
                int atB = bRow * k + nextK;
                nextB0 = b.getFloat(atB);
                nextB1 = b.getFloat(atB + 1);
                nextB2 = b.getFloat(atB + 2);
                nextB3 = b.getFloat(atB + 3);
            } else {
                nextB0 = atF16(b, bRow, nextK + 0, n, k);
                nextB1 = atF16(b, bRow, nextK + 1, n, k);
                nextB2 = atF16(b, bRow, nextK + 2, n, k);
                nextB3 = atF16(b, bRow, nextK + 3, n, k);
            }
            // the BK = 8 slices of tile t, unrolled so the local reads of one slice overlap the
            // multiply-adds of the previous
            int oa = bufferA + 4 * ty;
            int ob = bufferB + 4 * tx;
            acc = acc.step(tileA, oa + 0 * BLOCK_STRIDE_A, tileB, ob + 0 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 1 * BLOCK_STRIDE_A, tileB, ob + 1 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 2 * BLOCK_STRIDE_A, tileB, ob + 2 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 3 * BLOCK_STRIDE_A, tileB, ob + 3 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 4 * BLOCK_STRIDE_A, tileB, ob + 4 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 5 * BLOCK_STRIDE_A, tileB, ob + 5 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 6 * BLOCK_STRIDE_A, tileB, ob + 6 * BLOCK_STRIDE_B);
            acc = acc.step(tileA, oa + 7 * BLOCK_STRIDE_A, tileB, ob + 7 * BLOCK_STRIDE_B);
            // the other buffer was last read in iteration t-1, which every work-item has finished
            int nextA = BLOCK_BUFFER_A - bufferA + storeA;
            int nextB = BLOCK_BUFFER_B - bufferB + storeB;
            tileA[nextA + 0 * BLOCK_STRIDE_A] = nextA0;
            tileA[nextA + 1 * BLOCK_STRIDE_A] = nextA1;
            tileA[nextA + 2 * BLOCK_STRIDE_A] = nextA2;
            tileA[nextA + 3 * BLOCK_STRIDE_A] = nextA3;
            tileB[nextB + 0 * BLOCK_STRIDE_B] = nextB0;
            tileB[nextB + 1 * BLOCK_STRIDE_B] = nextB1;
            tileB[nextB + 2 * BLOCK_STRIDE_B] = nextB2;
            tileB[nextB + 3 * BLOCK_STRIDE_B] = nextB3;
            context.localBarrier();
        }
        acc.store(out, bias, rowBase + 4 * ty, colBase + 4 * tx, m, n, useBias, accumulate);
    }

    // ---- shared helpers (inlined) -----------------------------------------------------------------

    /** x[row][col] of a rows×cols row-major matrix, or 0 outside it. */
    private static float at(FloatArray x, int row, int col, int rows, int cols) {
        return row < rows && col < cols ? x.get(row * cols + col) : 0f;
    }

    /** x[row][col] of a rows×cols row-major binary16 matrix, widened, or 0 outside it. */
    private static float atF16(HalfFloatArray x, int row, int col, int rows, int cols) {
        return row < rows && col < cols ? x.getFloat(row * cols + col) : 0f;
    }

    /** C[row][col] = value (+ bias[col]) (+ previous C[row][col]), inside C only. */
    static void store(FloatArray out, FloatArray bias, int row, int col, int m, int n, int useBias, int accumulate,
                      float value) {
        if (row < m && col < n) {
            int index = row * n + col;
            float v = value;
            if (useBias != 0) {
                v += bias.get(col);
            }
            if (accumulate != 0) {
                v += out.get(index);
            }
            out.set(index, v);
        }
    }
}
