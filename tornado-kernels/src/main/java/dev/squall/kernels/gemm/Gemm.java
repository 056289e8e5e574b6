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
 * <li>{@link #registerBlocked}: each work-item keeps a TM×TN block of C in scalar registers (Java has
 *     no private arrays, so 64 {@code float} locals) and, per k, reads TM values of A and TN of B
 *     from local memory for TM·TN multiply-adds. A's BM×BK and B's BN×BK tiles are double-buffered:
 *     tile t+1 is loaded into registers while tile t is multiplied, then stored into the other
 *     buffer, so one barrier per tile suffices. A work-item's rows and columns are strided by 16
 *     (not contiguous), so the 16 work-items of a half-warp read 16 consecutive local floats:
 *     no bank conflicts, and the output stores are coalesced.</li>
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
    /** Rows of C per work-item of {@link #registerBlocked} (strided by {@code BM / TM}). */
    public static final int TM = 8;
    /** Columns of C per work-item of {@link #registerBlocked} (strided by {@code BN / TN}). */
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
     * the TM×TN elements at rows gy·BM + ty + 16i and columns gx·BN + tx + 16j. Local memory:
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
        float c00 = 0f; float c01 = 0f; float c02 = 0f; float c03 = 0f;
        float c04 = 0f; float c05 = 0f; float c06 = 0f; float c07 = 0f;
        float c10 = 0f; float c11 = 0f; float c12 = 0f; float c13 = 0f;
        float c14 = 0f; float c15 = 0f; float c16 = 0f; float c17 = 0f;
        float c20 = 0f; float c21 = 0f; float c22 = 0f; float c23 = 0f;
        float c24 = 0f; float c25 = 0f; float c26 = 0f; float c27 = 0f;
        float c30 = 0f; float c31 = 0f; float c32 = 0f; float c33 = 0f;
        float c34 = 0f; float c35 = 0f; float c36 = 0f; float c37 = 0f;
        float c40 = 0f; float c41 = 0f; float c42 = 0f; float c43 = 0f;
        float c44 = 0f; float c45 = 0f; float c46 = 0f; float c47 = 0f;
        float c50 = 0f; float c51 = 0f; float c52 = 0f; float c53 = 0f;
        float c54 = 0f; float c55 = 0f; float c56 = 0f; float c57 = 0f;
        float c60 = 0f; float c61 = 0f; float c62 = 0f; float c63 = 0f;
        float c64 = 0f; float c65 = 0f; float c66 = 0f; float c67 = 0f;
        float c70 = 0f; float c71 = 0f; float c72 = 0f; float c73 = 0f;
        float c74 = 0f; float c75 = 0f; float c76 = 0f; float c77 = 0f;
        int tiles = (k + BK - 1) / BK;
        for (int t = 0; t < tiles; t++) {
            int bufferA = (t & 1) * BLOCK_BUFFER_A;
            int bufferB = (t & 1) * BLOCK_BUFFER_B;
            // tile t+1 comes from global memory into registers while tile t is multiplied (zeros past k)
            int nextK = (t + 1) * BK + loadK;
            float nextA0 = at(a, aRow, nextK + 0, m, k);
            float nextA1 = at(a, aRow, nextK + 1, m, k);
            float nextA2 = at(a, aRow, nextK + 2, m, k);
            float nextA3 = at(a, aRow, nextK + 3, m, k);
            float nextB0 = at(b, bRow, nextK + 0, n, k);
            float nextB1 = at(b, bRow, nextK + 1, n, k);
            float nextB2 = at(b, bRow, nextK + 2, n, k);
            float nextB3 = at(b, bRow, nextK + 3, n, k);
            for (int p = 0; p < BK; p++) {
                // fragments 16 apart (16 = BM / TM = BN / TN, the work-group's edge): a half-warp reads 16 neighbours
                int oa = bufferA + p * BLOCK_STRIDE_A + ty;
                int ob = bufferB + p * BLOCK_STRIDE_B + tx;
                float a0 = tileA[oa];
                float a1 = tileA[oa + 16];
                float a2 = tileA[oa + 32];
                float a3 = tileA[oa + 48];
                float a4 = tileA[oa + 64];
                float a5 = tileA[oa + 80];
                float a6 = tileA[oa + 96];
                float a7 = tileA[oa + 112];
                float b0 = tileB[ob];
                float b1 = tileB[ob + 16];
                float b2 = tileB[ob + 32];
                float b3 = tileB[ob + 48];
                float b4 = tileB[ob + 64];
                float b5 = tileB[ob + 80];
                float b6 = tileB[ob + 96];
                float b7 = tileB[ob + 112];
                c00 = Math.fma(a0, b0, c00);
                c01 = Math.fma(a0, b1, c01);
                c02 = Math.fma(a0, b2, c02);
                c03 = Math.fma(a0, b3, c03);
                c04 = Math.fma(a0, b4, c04);
                c05 = Math.fma(a0, b5, c05);
                c06 = Math.fma(a0, b6, c06);
                c07 = Math.fma(a0, b7, c07);
                c10 = Math.fma(a1, b0, c10);
                c11 = Math.fma(a1, b1, c11);
                c12 = Math.fma(a1, b2, c12);
                c13 = Math.fma(a1, b3, c13);
                c14 = Math.fma(a1, b4, c14);
                c15 = Math.fma(a1, b5, c15);
                c16 = Math.fma(a1, b6, c16);
                c17 = Math.fma(a1, b7, c17);
                c20 = Math.fma(a2, b0, c20);
                c21 = Math.fma(a2, b1, c21);
                c22 = Math.fma(a2, b2, c22);
                c23 = Math.fma(a2, b3, c23);
                c24 = Math.fma(a2, b4, c24);
                c25 = Math.fma(a2, b5, c25);
                c26 = Math.fma(a2, b6, c26);
                c27 = Math.fma(a2, b7, c27);
                c30 = Math.fma(a3, b0, c30);
                c31 = Math.fma(a3, b1, c31);
                c32 = Math.fma(a3, b2, c32);
                c33 = Math.fma(a3, b3, c33);
                c34 = Math.fma(a3, b4, c34);
                c35 = Math.fma(a3, b5, c35);
                c36 = Math.fma(a3, b6, c36);
                c37 = Math.fma(a3, b7, c37);
                c40 = Math.fma(a4, b0, c40);
                c41 = Math.fma(a4, b1, c41);
                c42 = Math.fma(a4, b2, c42);
                c43 = Math.fma(a4, b3, c43);
                c44 = Math.fma(a4, b4, c44);
                c45 = Math.fma(a4, b5, c45);
                c46 = Math.fma(a4, b6, c46);
                c47 = Math.fma(a4, b7, c47);
                c50 = Math.fma(a5, b0, c50);
                c51 = Math.fma(a5, b1, c51);
                c52 = Math.fma(a5, b2, c52);
                c53 = Math.fma(a5, b3, c53);
                c54 = Math.fma(a5, b4, c54);
                c55 = Math.fma(a5, b5, c55);
                c56 = Math.fma(a5, b6, c56);
                c57 = Math.fma(a5, b7, c57);
                c60 = Math.fma(a6, b0, c60);
                c61 = Math.fma(a6, b1, c61);
                c62 = Math.fma(a6, b2, c62);
                c63 = Math.fma(a6, b3, c63);
                c64 = Math.fma(a6, b4, c64);
                c65 = Math.fma(a6, b5, c65);
                c66 = Math.fma(a6, b6, c66);
                c67 = Math.fma(a6, b7, c67);
                c70 = Math.fma(a7, b0, c70);
                c71 = Math.fma(a7, b1, c71);
                c72 = Math.fma(a7, b2, c72);
                c73 = Math.fma(a7, b3, c73);
                c74 = Math.fma(a7, b4, c74);
                c75 = Math.fma(a7, b5, c75);
                c76 = Math.fma(a7, b6, c76);
                c77 = Math.fma(a7, b7, c77);
            }
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
        int row0 = rowBase + ty + 0;
        int row1 = rowBase + ty + 16;
        int row2 = rowBase + ty + 32;
        int row3 = rowBase + ty + 48;
        int row4 = rowBase + ty + 64;
        int row5 = rowBase + ty + 80;
        int row6 = rowBase + ty + 96;
        int row7 = rowBase + ty + 112;
        int col0 = colBase + tx + 0;
        int col1 = colBase + tx + 16;
        int col2 = colBase + tx + 32;
        int col3 = colBase + tx + 48;
        int col4 = colBase + tx + 64;
        int col5 = colBase + tx + 80;
        int col6 = colBase + tx + 96;
        int col7 = colBase + tx + 112;
        store(out, bias, row0, col0, m, n, useBias, accumulate, c00);
        store(out, bias, row0, col1, m, n, useBias, accumulate, c01);
        store(out, bias, row0, col2, m, n, useBias, accumulate, c02);
        store(out, bias, row0, col3, m, n, useBias, accumulate, c03);
        store(out, bias, row0, col4, m, n, useBias, accumulate, c04);
        store(out, bias, row0, col5, m, n, useBias, accumulate, c05);
        store(out, bias, row0, col6, m, n, useBias, accumulate, c06);
        store(out, bias, row0, col7, m, n, useBias, accumulate, c07);
        store(out, bias, row1, col0, m, n, useBias, accumulate, c10);
        store(out, bias, row1, col1, m, n, useBias, accumulate, c11);
        store(out, bias, row1, col2, m, n, useBias, accumulate, c12);
        store(out, bias, row1, col3, m, n, useBias, accumulate, c13);
        store(out, bias, row1, col4, m, n, useBias, accumulate, c14);
        store(out, bias, row1, col5, m, n, useBias, accumulate, c15);
        store(out, bias, row1, col6, m, n, useBias, accumulate, c16);
        store(out, bias, row1, col7, m, n, useBias, accumulate, c17);
        store(out, bias, row2, col0, m, n, useBias, accumulate, c20);
        store(out, bias, row2, col1, m, n, useBias, accumulate, c21);
        store(out, bias, row2, col2, m, n, useBias, accumulate, c22);
        store(out, bias, row2, col3, m, n, useBias, accumulate, c23);
        store(out, bias, row2, col4, m, n, useBias, accumulate, c24);
        store(out, bias, row2, col5, m, n, useBias, accumulate, c25);
        store(out, bias, row2, col6, m, n, useBias, accumulate, c26);
        store(out, bias, row2, col7, m, n, useBias, accumulate, c27);
        store(out, bias, row3, col0, m, n, useBias, accumulate, c30);
        store(out, bias, row3, col1, m, n, useBias, accumulate, c31);
        store(out, bias, row3, col2, m, n, useBias, accumulate, c32);
        store(out, bias, row3, col3, m, n, useBias, accumulate, c33);
        store(out, bias, row3, col4, m, n, useBias, accumulate, c34);
        store(out, bias, row3, col5, m, n, useBias, accumulate, c35);
        store(out, bias, row3, col6, m, n, useBias, accumulate, c36);
        store(out, bias, row3, col7, m, n, useBias, accumulate, c37);
        store(out, bias, row4, col0, m, n, useBias, accumulate, c40);
        store(out, bias, row4, col1, m, n, useBias, accumulate, c41);
        store(out, bias, row4, col2, m, n, useBias, accumulate, c42);
        store(out, bias, row4, col3, m, n, useBias, accumulate, c43);
        store(out, bias, row4, col4, m, n, useBias, accumulate, c44);
        store(out, bias, row4, col5, m, n, useBias, accumulate, c45);
        store(out, bias, row4, col6, m, n, useBias, accumulate, c46);
        store(out, bias, row4, col7, m, n, useBias, accumulate, c47);
        store(out, bias, row5, col0, m, n, useBias, accumulate, c50);
        store(out, bias, row5, col1, m, n, useBias, accumulate, c51);
        store(out, bias, row5, col2, m, n, useBias, accumulate, c52);
        store(out, bias, row5, col3, m, n, useBias, accumulate, c53);
        store(out, bias, row5, col4, m, n, useBias, accumulate, c54);
        store(out, bias, row5, col5, m, n, useBias, accumulate, c55);
        store(out, bias, row5, col6, m, n, useBias, accumulate, c56);
        store(out, bias, row5, col7, m, n, useBias, accumulate, c57);
        store(out, bias, row6, col0, m, n, useBias, accumulate, c60);
        store(out, bias, row6, col1, m, n, useBias, accumulate, c61);
        store(out, bias, row6, col2, m, n, useBias, accumulate, c62);
        store(out, bias, row6, col3, m, n, useBias, accumulate, c63);
        store(out, bias, row6, col4, m, n, useBias, accumulate, c64);
        store(out, bias, row6, col5, m, n, useBias, accumulate, c65);
        store(out, bias, row6, col6, m, n, useBias, accumulate, c66);
        store(out, bias, row6, col7, m, n, useBias, accumulate, c67);
        store(out, bias, row7, col0, m, n, useBias, accumulate, c70);
        store(out, bias, row7, col1, m, n, useBias, accumulate, c71);
        store(out, bias, row7, col2, m, n, useBias, accumulate, c72);
        store(out, bias, row7, col3, m, n, useBias, accumulate, c73);
        store(out, bias, row7, col4, m, n, useBias, accumulate, c74);
        store(out, bias, row7, col5, m, n, useBias, accumulate, c75);
        store(out, bias, row7, col6, m, n, useBias, accumulate, c76);
        store(out, bias, row7, col7, m, n, useBias, accumulate, c77);
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
        float c00 = 0f; float c01 = 0f; float c02 = 0f; float c03 = 0f;
        float c04 = 0f; float c05 = 0f; float c06 = 0f; float c07 = 0f;
        float c10 = 0f; float c11 = 0f; float c12 = 0f; float c13 = 0f;
        float c14 = 0f; float c15 = 0f; float c16 = 0f; float c17 = 0f;
        float c20 = 0f; float c21 = 0f; float c22 = 0f; float c23 = 0f;
        float c24 = 0f; float c25 = 0f; float c26 = 0f; float c27 = 0f;
        float c30 = 0f; float c31 = 0f; float c32 = 0f; float c33 = 0f;
        float c34 = 0f; float c35 = 0f; float c36 = 0f; float c37 = 0f;
        float c40 = 0f; float c41 = 0f; float c42 = 0f; float c43 = 0f;
        float c44 = 0f; float c45 = 0f; float c46 = 0f; float c47 = 0f;
        float c50 = 0f; float c51 = 0f; float c52 = 0f; float c53 = 0f;
        float c54 = 0f; float c55 = 0f; float c56 = 0f; float c57 = 0f;
        float c60 = 0f; float c61 = 0f; float c62 = 0f; float c63 = 0f;
        float c64 = 0f; float c65 = 0f; float c66 = 0f; float c67 = 0f;
        float c70 = 0f; float c71 = 0f; float c72 = 0f; float c73 = 0f;
        float c74 = 0f; float c75 = 0f; float c76 = 0f; float c77 = 0f;
        int tiles = (k + BK - 1) / BK;
        for (int t = 0; t < tiles; t++) {
            int bufferA = (t & 1) * BLOCK_BUFFER_A;
            int bufferB = (t & 1) * BLOCK_BUFFER_B;
            // tile t+1 comes from global memory into registers while tile t is multiplied (zeros past k)
            int nextK = (t + 1) * BK + loadK;
            float nextA0 = atF16(a, aRow, nextK + 0, m, k);
            float nextA1 = atF16(a, aRow, nextK + 1, m, k);
            float nextA2 = atF16(a, aRow, nextK + 2, m, k);
            float nextA3 = atF16(a, aRow, nextK + 3, m, k);
            float nextB0 = atF16(b, bRow, nextK + 0, n, k);
            float nextB1 = atF16(b, bRow, nextK + 1, n, k);
            float nextB2 = atF16(b, bRow, nextK + 2, n, k);
            float nextB3 = atF16(b, bRow, nextK + 3, n, k);
            for (int p = 0; p < BK; p++) {
                // fragments 16 apart (16 = BM / TM = BN / TN, the work-group's edge): a half-warp reads 16 neighbours
                int oa = bufferA + p * BLOCK_STRIDE_A + ty;
                int ob = bufferB + p * BLOCK_STRIDE_B + tx;
                float a0 = tileA[oa];
                float a1 = tileA[oa + 16];
                float a2 = tileA[oa + 32];
                float a3 = tileA[oa + 48];
                float a4 = tileA[oa + 64];
                float a5 = tileA[oa + 80];
                float a6 = tileA[oa + 96];
                float a7 = tileA[oa + 112];
                float b0 = tileB[ob];
                float b1 = tileB[ob + 16];
                float b2 = tileB[ob + 32];
                float b3 = tileB[ob + 48];
                float b4 = tileB[ob + 64];
                float b5 = tileB[ob + 80];
                float b6 = tileB[ob + 96];
                float b7 = tileB[ob + 112];
                c00 = Math.fma(a0, b0, c00);
                c01 = Math.fma(a0, b1, c01);
                c02 = Math.fma(a0, b2, c02);
                c03 = Math.fma(a0, b3, c03);
                c04 = Math.fma(a0, b4, c04);
                c05 = Math.fma(a0, b5, c05);
                c06 = Math.fma(a0, b6, c06);
                c07 = Math.fma(a0, b7, c07);
                c10 = Math.fma(a1, b0, c10);
                c11 = Math.fma(a1, b1, c11);
                c12 = Math.fma(a1, b2, c12);
                c13 = Math.fma(a1, b3, c13);
                c14 = Math.fma(a1, b4, c14);
                c15 = Math.fma(a1, b5, c15);
                c16 = Math.fma(a1, b6, c16);
                c17 = Math.fma(a1, b7, c17);
                c20 = Math.fma(a2, b0, c20);
                c21 = Math.fma(a2, b1, c21);
                c22 = Math.fma(a2, b2, c22);
                c23 = Math.fma(a2, b3, c23);
                c24 = Math.fma(a2, b4, c24);
                c25 = Math.fma(a2, b5, c25);
                c26 = Math.fma(a2, b6, c26);
                c27 = Math.fma(a2, b7, c27);
                c30 = Math.fma(a3, b0, c30);
                c31 = Math.fma(a3, b1, c31);
                c32 = Math.fma(a3, b2, c32);
                c33 = Math.fma(a3, b3, c33);
                c34 = Math.fma(a3, b4, c34);
                c35 = Math.fma(a3, b5, c35);
                c36 = Math.fma(a3, b6, c36);
                c37 = Math.fma(a3, b7, c37);
                c40 = Math.fma(a4, b0, c40);
                c41 = Math.fma(a4, b1, c41);
                c42 = Math.fma(a4, b2, c42);
                c43 = Math.fma(a4, b3, c43);
                c44 = Math.fma(a4, b4, c44);
                c45 = Math.fma(a4, b5, c45);
                c46 = Math.fma(a4, b6, c46);
                c47 = Math.fma(a4, b7, c47);
                c50 = Math.fma(a5, b0, c50);
                c51 = Math.fma(a5, b1, c51);
                c52 = Math.fma(a5, b2, c52);
                c53 = Math.fma(a5, b3, c53);
                c54 = Math.fma(a5, b4, c54);
                c55 = Math.fma(a5, b5, c55);
                c56 = Math.fma(a5, b6, c56);
                c57 = Math.fma(a5, b7, c57);
                c60 = Math.fma(a6, b0, c60);
                c61 = Math.fma(a6, b1, c61);
                c62 = Math.fma(a6, b2, c62);
                c63 = Math.fma(a6, b3, c63);
                c64 = Math.fma(a6, b4, c64);
                c65 = Math.fma(a6, b5, c65);
                c66 = Math.fma(a6, b6, c66);
                c67 = Math.fma(a6, b7, c67);
                c70 = Math.fma(a7, b0, c70);
                c71 = Math.fma(a7, b1, c71);
                c72 = Math.fma(a7, b2, c72);
                c73 = Math.fma(a7, b3, c73);
                c74 = Math.fma(a7, b4, c74);
                c75 = Math.fma(a7, b5, c75);
                c76 = Math.fma(a7, b6, c76);
                c77 = Math.fma(a7, b7, c77);
            }
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
        int row0 = rowBase + ty + 0;
        int row1 = rowBase + ty + 16;
        int row2 = rowBase + ty + 32;
        int row3 = rowBase + ty + 48;
        int row4 = rowBase + ty + 64;
        int row5 = rowBase + ty + 80;
        int row6 = rowBase + ty + 96;
        int row7 = rowBase + ty + 112;
        int col0 = colBase + tx + 0;
        int col1 = colBase + tx + 16;
        int col2 = colBase + tx + 32;
        int col3 = colBase + tx + 48;
        int col4 = colBase + tx + 64;
        int col5 = colBase + tx + 80;
        int col6 = colBase + tx + 96;
        int col7 = colBase + tx + 112;
        store(out, bias, row0, col0, m, n, useBias, accumulate, c00);
        store(out, bias, row0, col1, m, n, useBias, accumulate, c01);
        store(out, bias, row0, col2, m, n, useBias, accumulate, c02);
        store(out, bias, row0, col3, m, n, useBias, accumulate, c03);
        store(out, bias, row0, col4, m, n, useBias, accumulate, c04);
        store(out, bias, row0, col5, m, n, useBias, accumulate, c05);
        store(out, bias, row0, col6, m, n, useBias, accumulate, c06);
        store(out, bias, row0, col7, m, n, useBias, accumulate, c07);
        store(out, bias, row1, col0, m, n, useBias, accumulate, c10);
        store(out, bias, row1, col1, m, n, useBias, accumulate, c11);
        store(out, bias, row1, col2, m, n, useBias, accumulate, c12);
        store(out, bias, row1, col3, m, n, useBias, accumulate, c13);
        store(out, bias, row1, col4, m, n, useBias, accumulate, c14);
        store(out, bias, row1, col5, m, n, useBias, accumulate, c15);
        store(out, bias, row1, col6, m, n, useBias, accumulate, c16);
        store(out, bias, row1, col7, m, n, useBias, accumulate, c17);
        store(out, bias, row2, col0, m, n, useBias, accumulate, c20);
        store(out, bias, row2, col1, m, n, useBias, accumulate, c21);
        store(out, bias, row2, col2, m, n, useBias, accumulate, c22);
        store(out, bias, row2, col3, m, n, useBias, accumulate, c23);
        store(out, bias, row2, col4, m, n, useBias, accumulate, c24);
        store(out, bias, row2, col5, m, n, useBias, accumulate, c25);
        store(out, bias, row2, col6, m, n, useBias, accumulate, c26);
        store(out, bias, row2, col7, m, n, useBias, accumulate, c27);
        store(out, bias, row3, col0, m, n, useBias, accumulate, c30);
        store(out, bias, row3, col1, m, n, useBias, accumulate, c31);
        store(out, bias, row3, col2, m, n, useBias, accumulate, c32);
        store(out, bias, row3, col3, m, n, useBias, accumulate, c33);
        store(out, bias, row3, col4, m, n, useBias, accumulate, c34);
        store(out, bias, row3, col5, m, n, useBias, accumulate, c35);
        store(out, bias, row3, col6, m, n, useBias, accumulate, c36);
        store(out, bias, row3, col7, m, n, useBias, accumulate, c37);
        store(out, bias, row4, col0, m, n, useBias, accumulate, c40);
        store(out, bias, row4, col1, m, n, useBias, accumulate, c41);
        store(out, bias, row4, col2, m, n, useBias, accumulate, c42);
        store(out, bias, row4, col3, m, n, useBias, accumulate, c43);
        store(out, bias, row4, col4, m, n, useBias, accumulate, c44);
        store(out, bias, row4, col5, m, n, useBias, accumulate, c45);
        store(out, bias, row4, col6, m, n, useBias, accumulate, c46);
        store(out, bias, row4, col7, m, n, useBias, accumulate, c47);
        store(out, bias, row5, col0, m, n, useBias, accumulate, c50);
        store(out, bias, row5, col1, m, n, useBias, accumulate, c51);
        store(out, bias, row5, col2, m, n, useBias, accumulate, c52);
        store(out, bias, row5, col3, m, n, useBias, accumulate, c53);
        store(out, bias, row5, col4, m, n, useBias, accumulate, c54);
        store(out, bias, row5, col5, m, n, useBias, accumulate, c55);
        store(out, bias, row5, col6, m, n, useBias, accumulate, c56);
        store(out, bias, row5, col7, m, n, useBias, accumulate, c57);
        store(out, bias, row6, col0, m, n, useBias, accumulate, c60);
        store(out, bias, row6, col1, m, n, useBias, accumulate, c61);
        store(out, bias, row6, col2, m, n, useBias, accumulate, c62);
        store(out, bias, row6, col3, m, n, useBias, accumulate, c63);
        store(out, bias, row6, col4, m, n, useBias, accumulate, c64);
        store(out, bias, row6, col5, m, n, useBias, accumulate, c65);
        store(out, bias, row6, col6, m, n, useBias, accumulate, c66);
        store(out, bias, row6, col7, m, n, useBias, accumulate, c67);
        store(out, bias, row7, col0, m, n, useBias, accumulate, c70);
        store(out, bias, row7, col1, m, n, useBias, accumulate, c71);
        store(out, bias, row7, col2, m, n, useBias, accumulate, c72);
        store(out, bias, row7, col3, m, n, useBias, accumulate, c73);
        store(out, bias, row7, col4, m, n, useBias, accumulate, c74);
        store(out, bias, row7, col5, m, n, useBias, accumulate, c75);
        store(out, bias, row7, col6, m, n, useBias, accumulate, c76);
        store(out, bias, row7, col7, m, n, useBias, accumulate, c77);
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
    private static void store(FloatArray out, FloatArray bias, int row, int col, int m, int n, int useBias, int accumulate,
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
