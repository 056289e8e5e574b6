package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q8_0Array;

/**
 * Flat GEMM for decoding (FlashDecoding++ §5.2): out = X·Wᵀ, or out += X·Wᵀ when
 * {@code accumulate != 0}, for a few activation rows X (m × k, row-major fp32, m = 1..64) and a
 * weight matrix W (n × k, row-major, fp32, binary16 or Q8_0) that dominates the bytes; out is
 * (m × n) row-major fp32, accumulated in fp32.
 *
 * <p>M is padded to {@link #M_PAD} = 8 (cuBLAS pads it to 64), not tiled: the activation rows are
 * processed 8 at a time, and every weight element read from global memory feeds all 8 rows, so for
 * m ≤ 8 the weights are read exactly once and the kernel moves n·k·elt bytes, like a GEMV (m > 8
 * re-reads them once per 8 rows). Each work-group owns {@link #BN} = 32 weight rows and loops over
 * all of k in chunks of {@link #KC} columns (no split-k, no atomics):
 * <ul>
 * <li>the chunk of the 8 activation rows is staged in local memory, double-buffered (chunk c+1 is
 *     loaded into registers while chunk c is used, then stored into the other buffer);</li>
 * <li>each warp of {@link #LANES} = 32 work-items takes {@link #ROWS_PER_WARP} = 4 weight rows; its
 *     lanes read consecutive elements of a row (coalesced: 128 B of fp32, 64 B of fp16 or one Q8_0
 *     block per load), 16 weight loads in flight per lane, and each activation value read from
 *     local memory feeds 4 weight rows (so local-memory reads stay below the weight stream);</li>
 * <li>a lane's 4 × 8 partial sums are combined across the warp through local memory at the end.</li>
 * </ul>
 * Rows ≥ m and columns ≥ n of {@code out} are never written. BN = 32 gives n/32 work-groups (128
 * for n = 4096, about one per SM of an H100) while the activations are re-read from L2 only once
 * per 32 weight rows.
 */
public final class FlatGemm {

    /** Work-items per work-group (8 warps). */
    public static final int THREADS = 256;
    /** Activation rows handled together: every weight element loaded serves this many rows. */
    public static final int M_PAD = 8;
    /** Work-items that share one weight row (a warp), reading neighbouring elements. */
    public static final int LANES = 32;
    /** Weight rows per warp: each activation value read from local memory feeds this many rows. */
    public static final int ROWS_PER_WARP = 4;
    /** Weight rows (columns of out) per work-group. */
    public static final int BN = THREADS / LANES * ROWS_PER_WARP;
    /** Columns a lane takes per step (LANES apart), for 16 independent weight loads in flight. */
    public static final int COLUMNS_PER_STEP = 4;
    /**
     * Columns of k per staged chunk of activations (M_PAD × KC floats per buffer); equal to
     * THREADS, so each work-item stages one column of the 8 rows.
     */
    public static final int KC = 256;

    private static final int STEPS = KC / (LANES * COLUMNS_PER_STEP);
    private static final int X_BUFFER = M_PAD * KC;
    /** Row stride of the partial-sum scratch: the pad float makes the lane-sum reads conflict-free. */
    private static final int PARTIAL_STRIDE = THREADS + 1;

    private FlatGemm() {
    }

    /** Global size of the 1D grid: one work-group of {@link #THREADS} (the local size) per BN weight rows. */
    public static int globalX(int n) {
        return (n + BN - 1) / BN * THREADS;
    }

    /**
     * out = X·Wᵀ (+ out) with fp32 weights W (n × k). Grid: 1D, global {@link #globalX}(n), local
     * {@link #THREADS}; work-group g computes out[0..m)[g·BN .. g·BN+BN). Local memory:
     * 2·M_PAD·KC + M_PAD·(THREADS+1) + THREADS floats (25 KB).
     */
    public static void flatGemmF32(KernelContext context, FloatArray x, FloatArray w, FloatArray out, int m, int n, int k,
                                   int accumulate) {
        float[] xs = context.allocateFloatLocalArray(2 * X_BUFFER);
        float[] partials = context.allocateFloatLocalArray(M_PAD * PARTIAL_STRIDE);
        float[] quarters = context.allocateFloatLocalArray(THREADS);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int firstRow = context.groupIdx * BN + local / LANES * ROWS_PER_WARP;
        // rows past n read row n-1 (always valid) and are never stored: no row guard in the hot loop
        int base0 = Math.min(firstRow + 0, n - 1) * k;
        int base1 = Math.min(firstRow + 1, n - 1) * k;
        int base2 = Math.min(firstRow + 2, n - 1) * k;
        int base3 = Math.min(firstRow + 3, n - 1) * k;
        int chunks = (k + KC - 1) / KC;
        for (int mc = 0; mc < m; mc += M_PAD) {
            stageX(xs, 0, x, mc, 0, m, k, local);
            context.localBarrier();
            float s00 = 0f; float s01 = 0f; float s02 = 0f; float s03 = 0f;
            float s04 = 0f; float s05 = 0f; float s06 = 0f; float s07 = 0f;
            float s10 = 0f; float s11 = 0f; float s12 = 0f; float s13 = 0f;
            float s14 = 0f; float s15 = 0f; float s16 = 0f; float s17 = 0f;
            float s20 = 0f; float s21 = 0f; float s22 = 0f; float s23 = 0f;
            float s24 = 0f; float s25 = 0f; float s26 = 0f; float s27 = 0f;
            float s30 = 0f; float s31 = 0f; float s32 = 0f; float s33 = 0f;
            float s34 = 0f; float s35 = 0f; float s36 = 0f; float s37 = 0f;
            for (int chunk = 0; chunk < chunks; chunk++) {
                int kc = chunk * KC;
                int buffer = (chunk & 1) * X_BUFFER;
                // the next chunk of activations comes into registers while this one is used (zeros past k)
                float next0 = at(x, mc + 0, kc + KC + local, m, k);
                float next1 = at(x, mc + 1, kc + KC + local, m, k);
                float next2 = at(x, mc + 2, kc + KC + local, m, k);
                float next3 = at(x, mc + 3, kc + KC + local, m, k);
                float next4 = at(x, mc + 4, kc + KC + local, m, k);
                float next5 = at(x, mc + 5, kc + KC + local, m, k);
                float next6 = at(x, mc + 6, kc + KC + local, m, k);
                float next7 = at(x, mc + 7, kc + KC + local, m, k);
                for (int step = 0; step < STEPS; step++) {
                    int offset = step * LANES * COLUMNS_PER_STEP + lane;
                    int col = kc + offset;
                    float w00 = weightF32(w, base0, col, k);
                    float w01 = weightF32(w, base0, col + 32, k);
                    float w02 = weightF32(w, base0, col + 64, k);
                    float w03 = weightF32(w, base0, col + 96, k);
                    float w10 = weightF32(w, base1, col, k);
                    float w11 = weightF32(w, base1, col + 32, k);
                    float w12 = weightF32(w, base1, col + 64, k);
                    float w13 = weightF32(w, base1, col + 96, k);
                    float w20 = weightF32(w, base2, col, k);
                    float w21 = weightF32(w, base2, col + 32, k);
                    float w22 = weightF32(w, base2, col + 64, k);
                    float w23 = weightF32(w, base2, col + 96, k);
                    float w30 = weightF32(w, base3, col, k);
                    float w31 = weightF32(w, base3, col + 32, k);
                    float w32 = weightF32(w, base3, col + 64, k);
                    float w33 = weightF32(w, base3, col + 96, k);
                    float x00 = xs[buffer + 0 * KC + offset];
                    float x01 = xs[buffer + 0 * KC + offset + 32];
                    float x02 = xs[buffer + 0 * KC + offset + 64];
                    float x03 = xs[buffer + 0 * KC + offset + 96];
                    float x10 = xs[buffer + 1 * KC + offset];
                    float x11 = xs[buffer + 1 * KC + offset + 32];
                    float x12 = xs[buffer + 1 * KC + offset + 64];
                    float x13 = xs[buffer + 1 * KC + offset + 96];
                    float x20 = xs[buffer + 2 * KC + offset];
                    float x21 = xs[buffer + 2 * KC + offset + 32];
                    float x22 = xs[buffer + 2 * KC + offset + 64];
                    float x23 = xs[buffer + 2 * KC + offset + 96];
                    float x30 = xs[buffer + 3 * KC + offset];
                    float x31 = xs[buffer + 3 * KC + offset + 32];
                    float x32 = xs[buffer + 3 * KC + offset + 64];
                    float x33 = xs[buffer + 3 * KC + offset + 96];
                    float x40 = xs[buffer + 4 * KC + offset];
                    float x41 = xs[buffer + 4 * KC + offset + 32];
                    float x42 = xs[buffer + 4 * KC + offset + 64];
                    float x43 = xs[buffer + 4 * KC + offset + 96];
                    float x50 = xs[buffer + 5 * KC + offset];
                    float x51 = xs[buffer + 5 * KC + offset + 32];
                    float x52 = xs[buffer + 5 * KC + offset + 64];
                    float x53 = xs[buffer + 5 * KC + offset + 96];
                    float x60 = xs[buffer + 6 * KC + offset];
                    float x61 = xs[buffer + 6 * KC + offset + 32];
                    float x62 = xs[buffer + 6 * KC + offset + 64];
                    float x63 = xs[buffer + 6 * KC + offset + 96];
                    float x70 = xs[buffer + 7 * KC + offset];
                    float x71 = xs[buffer + 7 * KC + offset + 32];
                    float x72 = xs[buffer + 7 * KC + offset + 64];
                    float x73 = xs[buffer + 7 * KC + offset + 96];
                    s00 = Math.fma(w03, x03, Math.fma(w02, x02, Math.fma(w01, x01, Math.fma(w00, x00, s00))));
                    s01 = Math.fma(w03, x13, Math.fma(w02, x12, Math.fma(w01, x11, Math.fma(w00, x10, s01))));
                    s02 = Math.fma(w03, x23, Math.fma(w02, x22, Math.fma(w01, x21, Math.fma(w00, x20, s02))));
                    s03 = Math.fma(w03, x33, Math.fma(w02, x32, Math.fma(w01, x31, Math.fma(w00, x30, s03))));
                    s04 = Math.fma(w03, x43, Math.fma(w02, x42, Math.fma(w01, x41, Math.fma(w00, x40, s04))));
                    s05 = Math.fma(w03, x53, Math.fma(w02, x52, Math.fma(w01, x51, Math.fma(w00, x50, s05))));
                    s06 = Math.fma(w03, x63, Math.fma(w02, x62, Math.fma(w01, x61, Math.fma(w00, x60, s06))));
                    s07 = Math.fma(w03, x73, Math.fma(w02, x72, Math.fma(w01, x71, Math.fma(w00, x70, s07))));
                    s10 = Math.fma(w13, x03, Math.fma(w12, x02, Math.fma(w11, x01, Math.fma(w10, x00, s10))));
                    s11 = Math.fma(w13, x13, Math.fma(w12, x12, Math.fma(w11, x11, Math.fma(w10, x10, s11))));
                    s12 = Math.fma(w13, x23, Math.fma(w12, x22, Math.fma(w11, x21, Math.fma(w10, x20, s12))));
                    s13 = Math.fma(w13, x33, Math.fma(w12, x32, Math.fma(w11, x31, Math.fma(w10, x30, s13))));
                    s14 = Math.fma(w13, x43, Math.fma(w12, x42, Math.fma(w11, x41, Math.fma(w10, x40, s14))));
                    s15 = Math.fma(w13, x53, Math.fma(w12, x52, Math.fma(w11, x51, Math.fma(w10, x50, s15))));
                    s16 = Math.fma(w13, x63, Math.fma(w12, x62, Math.fma(w11, x61, Math.fma(w10, x60, s16))));
                    s17 = Math.fma(w13, x73, Math.fma(w12, x72, Math.fma(w11, x71, Math.fma(w10, x70, s17))));
                    s20 = Math.fma(w23, x03, Math.fma(w22, x02, Math.fma(w21, x01, Math.fma(w20, x00, s20))));
                    s21 = Math.fma(w23, x13, Math.fma(w22, x12, Math.fma(w21, x11, Math.fma(w20, x10, s21))));
                    s22 = Math.fma(w23, x23, Math.fma(w22, x22, Math.fma(w21, x21, Math.fma(w20, x20, s22))));
                    s23 = Math.fma(w23, x33, Math.fma(w22, x32, Math.fma(w21, x31, Math.fma(w20, x30, s23))));
                    s24 = Math.fma(w23, x43, Math.fma(w22, x42, Math.fma(w21, x41, Math.fma(w20, x40, s24))));
                    s25 = Math.fma(w23, x53, Math.fma(w22, x52, Math.fma(w21, x51, Math.fma(w20, x50, s25))));
                    s26 = Math.fma(w23, x63, Math.fma(w22, x62, Math.fma(w21, x61, Math.fma(w20, x60, s26))));
                    s27 = Math.fma(w23, x73, Math.fma(w22, x72, Math.fma(w21, x71, Math.fma(w20, x70, s27))));
                    s30 = Math.fma(w33, x03, Math.fma(w32, x02, Math.fma(w31, x01, Math.fma(w30, x00, s30))));
                    s31 = Math.fma(w33, x13, Math.fma(w32, x12, Math.fma(w31, x11, Math.fma(w30, x10, s31))));
                    s32 = Math.fma(w33, x23, Math.fma(w32, x22, Math.fma(w31, x21, Math.fma(w30, x20, s32))));
                    s33 = Math.fma(w33, x33, Math.fma(w32, x32, Math.fma(w31, x31, Math.fma(w30, x30, s33))));
                    s34 = Math.fma(w33, x43, Math.fma(w32, x42, Math.fma(w31, x41, Math.fma(w30, x40, s34))));
                    s35 = Math.fma(w33, x53, Math.fma(w32, x52, Math.fma(w31, x51, Math.fma(w30, x50, s35))));
                    s36 = Math.fma(w33, x63, Math.fma(w32, x62, Math.fma(w31, x61, Math.fma(w30, x60, s36))));
                    s37 = Math.fma(w33, x73, Math.fma(w32, x72, Math.fma(w31, x71, Math.fma(w30, x70, s37))));
                }
                int nextBuffer = X_BUFFER - buffer;
                xs[nextBuffer + 0 * KC + local] = next0;
                xs[nextBuffer + 1 * KC + local] = next1;
                xs[nextBuffer + 2 * KC + local] = next2;
                xs[nextBuffer + 3 * KC + local] = next3;
                xs[nextBuffer + 4 * KC + local] = next4;
                xs[nextBuffer + 5 * KC + local] = next5;
                xs[nextBuffer + 6 * KC + local] = next6;
                xs[nextBuffer + 7 * KC + local] = next7;
                context.localBarrier();
            }
            float sum0 = sumLanes(context, partials, quarters, local, s00, s01, s02, s03, s04, s05, s06, s07);
            storeRow(out, sum0, firstRow + 0, mc, lane, m, n, accumulate);
            float sum1 = sumLanes(context, partials, quarters, local, s10, s11, s12, s13, s14, s15, s16, s17);
            storeRow(out, sum1, firstRow + 1, mc, lane, m, n, accumulate);
            float sum2 = sumLanes(context, partials, quarters, local, s20, s21, s22, s23, s24, s25, s26, s27);
            storeRow(out, sum2, firstRow + 2, mc, lane, m, n, accumulate);
            float sum3 = sumLanes(context, partials, quarters, local, s30, s31, s32, s33, s34, s35, s36, s37);
            storeRow(out, sum3, firstRow + 3, mc, lane, m, n, accumulate);
        }
    }

    /** As {@link #flatGemmF32}, with binary16 weights widened in registers. Same grid. */
    public static void flatGemmF16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                                   int accumulate) {
        float[] xs = context.allocateFloatLocalArray(2 * X_BUFFER);
        float[] partials = context.allocateFloatLocalArray(M_PAD * PARTIAL_STRIDE);
        float[] quarters = context.allocateFloatLocalArray(THREADS);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int firstRow = context.groupIdx * BN + local / LANES * ROWS_PER_WARP;
        // rows past n read row n-1 (always valid) and are never stored: no row guard in the hot loop
        int base0 = Math.min(firstRow + 0, n - 1) * k;
        int base1 = Math.min(firstRow + 1, n - 1) * k;
        int base2 = Math.min(firstRow + 2, n - 1) * k;
        int base3 = Math.min(firstRow + 3, n - 1) * k;
        int chunks = (k + KC - 1) / KC;
        for (int mc = 0; mc < m; mc += M_PAD) {
            stageX(xs, 0, x, mc, 0, m, k, local);
            context.localBarrier();
            float s00 = 0f; float s01 = 0f; float s02 = 0f; float s03 = 0f;
            float s04 = 0f; float s05 = 0f; float s06 = 0f; float s07 = 0f;
            float s10 = 0f; float s11 = 0f; float s12 = 0f; float s13 = 0f;
            float s14 = 0f; float s15 = 0f; float s16 = 0f; float s17 = 0f;
            float s20 = 0f; float s21 = 0f; float s22 = 0f; float s23 = 0f;
            float s24 = 0f; float s25 = 0f; float s26 = 0f; float s27 = 0f;
            float s30 = 0f; float s31 = 0f; float s32 = 0f; float s33 = 0f;
            float s34 = 0f; float s35 = 0f; float s36 = 0f; float s37 = 0f;
            for (int chunk = 0; chunk < chunks; chunk++) {
                int kc = chunk * KC;
                int buffer = (chunk & 1) * X_BUFFER;
                // the next chunk of activations comes into registers while this one is used (zeros past k)
                float next0 = at(x, mc + 0, kc + KC + local, m, k);
                float next1 = at(x, mc + 1, kc + KC + local, m, k);
                float next2 = at(x, mc + 2, kc + KC + local, m, k);
                float next3 = at(x, mc + 3, kc + KC + local, m, k);
                float next4 = at(x, mc + 4, kc + KC + local, m, k);
                float next5 = at(x, mc + 5, kc + KC + local, m, k);
                float next6 = at(x, mc + 6, kc + KC + local, m, k);
                float next7 = at(x, mc + 7, kc + KC + local, m, k);
                for (int step = 0; step < STEPS; step++) {
                    int offset = step * LANES * COLUMNS_PER_STEP + lane;
                    int col = kc + offset;
                    float w00 = weightF16(w, base0, col, k);
                    float w01 = weightF16(w, base0, col + 32, k);
                    float w02 = weightF16(w, base0, col + 64, k);
                    float w03 = weightF16(w, base0, col + 96, k);
                    float w10 = weightF16(w, base1, col, k);
                    float w11 = weightF16(w, base1, col + 32, k);
                    float w12 = weightF16(w, base1, col + 64, k);
                    float w13 = weightF16(w, base1, col + 96, k);
                    float w20 = weightF16(w, base2, col, k);
                    float w21 = weightF16(w, base2, col + 32, k);
                    float w22 = weightF16(w, base2, col + 64, k);
                    float w23 = weightF16(w, base2, col + 96, k);
                    float w30 = weightF16(w, base3, col, k);
                    float w31 = weightF16(w, base3, col + 32, k);
                    float w32 = weightF16(w, base3, col + 64, k);
                    float w33 = weightF16(w, base3, col + 96, k);
                    float x00 = xs[buffer + 0 * KC + offset];
                    float x01 = xs[buffer + 0 * KC + offset + 32];
                    float x02 = xs[buffer + 0 * KC + offset + 64];
                    float x03 = xs[buffer + 0 * KC + offset + 96];
                    float x10 = xs[buffer + 1 * KC + offset];
                    float x11 = xs[buffer + 1 * KC + offset + 32];
                    float x12 = xs[buffer + 1 * KC + offset + 64];
                    float x13 = xs[buffer + 1 * KC + offset + 96];
                    float x20 = xs[buffer + 2 * KC + offset];
                    float x21 = xs[buffer + 2 * KC + offset + 32];
                    float x22 = xs[buffer + 2 * KC + offset + 64];
                    float x23 = xs[buffer + 2 * KC + offset + 96];
                    float x30 = xs[buffer + 3 * KC + offset];
                    float x31 = xs[buffer + 3 * KC + offset + 32];
                    float x32 = xs[buffer + 3 * KC + offset + 64];
                    float x33 = xs[buffer + 3 * KC + offset + 96];
                    float x40 = xs[buffer + 4 * KC + offset];
                    float x41 = xs[buffer + 4 * KC + offset + 32];
                    float x42 = xs[buffer + 4 * KC + offset + 64];
                    float x43 = xs[buffer + 4 * KC + offset + 96];
                    float x50 = xs[buffer + 5 * KC + offset];
                    float x51 = xs[buffer + 5 * KC + offset + 32];
                    float x52 = xs[buffer + 5 * KC + offset + 64];
                    float x53 = xs[buffer + 5 * KC + offset + 96];
                    float x60 = xs[buffer + 6 * KC + offset];
                    float x61 = xs[buffer + 6 * KC + offset + 32];
                    float x62 = xs[buffer + 6 * KC + offset + 64];
                    float x63 = xs[buffer + 6 * KC + offset + 96];
                    float x70 = xs[buffer + 7 * KC + offset];
                    float x71 = xs[buffer + 7 * KC + offset + 32];
                    float x72 = xs[buffer + 7 * KC + offset + 64];
                    float x73 = xs[buffer + 7 * KC + offset + 96];
                    s00 = Math.fma(w03, x03, Math.fma(w02, x02, Math.fma(w01, x01, Math.fma(w00, x00, s00))));
                    s01 = Math.fma(w03, x13, Math.fma(w02, x12, Math.fma(w01, x11, Math.fma(w00, x10, s01))));
                    s02 = Math.fma(w03, x23, Math.fma(w02, x22, Math.fma(w01, x21, Math.fma(w00, x20, s02))));
                    s03 = Math.fma(w03, x33, Math.fma(w02, x32, Math.fma(w01, x31, Math.fma(w00, x30, s03))));
                    s04 = Math.fma(w03, x43, Math.fma(w02, x42, Math.fma(w01, x41, Math.fma(w00, x40, s04))));
                    s05 = Math.fma(w03, x53, Math.fma(w02, x52, Math.fma(w01, x51, Math.fma(w00, x50, s05))));
                    s06 = Math.fma(w03, x63, Math.fma(w02, x62, Math.fma(w01, x61, Math.fma(w00, x60, s06))));
                    s07 = Math.fma(w03, x73, Math.fma(w02, x72, Math.fma(w01, x71, Math.fma(w00, x70, s07))));
                    s10 = Math.fma(w13, x03, Math.fma(w12, x02, Math.fma(w11, x01, Math.fma(w10, x00, s10))));
                    s11 = Math.fma(w13, x13, Math.fma(w12, x12, Math.fma(w11, x11, Math.fma(w10, x10, s11))));
                    s12 = Math.fma(w13, x23, Math.fma(w12, x22, Math.fma(w11, x21, Math.fma(w10, x20, s12))));
                    s13 = Math.fma(w13, x33, Math.fma(w12, x32, Math.fma(w11, x31, Math.fma(w10, x30, s13))));
                    s14 = Math.fma(w13, x43, Math.fma(w12, x42, Math.fma(w11, x41, Math.fma(w10, x40, s14))));
                    s15 = Math.fma(w13, x53, Math.fma(w12, x52, Math.fma(w11, x51, Math.fma(w10, x50, s15))));
                    s16 = Math.fma(w13, x63, Math.fma(w12, x62, Math.fma(w11, x61, Math.fma(w10, x60, s16))));
                    s17 = Math.fma(w13, x73, Math.fma(w12, x72, Math.fma(w11, x71, Math.fma(w10, x70, s17))));
                    s20 = Math.fma(w23, x03, Math.fma(w22, x02, Math.fma(w21, x01, Math.fma(w20, x00, s20))));
                    s21 = Math.fma(w23, x13, Math.fma(w22, x12, Math.fma(w21, x11, Math.fma(w20, x10, s21))));
                    s22 = Math.fma(w23, x23, Math.fma(w22, x22, Math.fma(w21, x21, Math.fma(w20, x20, s22))));
                    s23 = Math.fma(w23, x33, Math.fma(w22, x32, Math.fma(w21, x31, Math.fma(w20, x30, s23))));
                    s24 = Math.fma(w23, x43, Math.fma(w22, x42, Math.fma(w21, x41, Math.fma(w20, x40, s24))));
                    s25 = Math.fma(w23, x53, Math.fma(w22, x52, Math.fma(w21, x51, Math.fma(w20, x50, s25))));
                    s26 = Math.fma(w23, x63, Math.fma(w22, x62, Math.fma(w21, x61, Math.fma(w20, x60, s26))));
                    s27 = Math.fma(w23, x73, Math.fma(w22, x72, Math.fma(w21, x71, Math.fma(w20, x70, s27))));
                    s30 = Math.fma(w33, x03, Math.fma(w32, x02, Math.fma(w31, x01, Math.fma(w30, x00, s30))));
                    s31 = Math.fma(w33, x13, Math.fma(w32, x12, Math.fma(w31, x11, Math.fma(w30, x10, s31))));
                    s32 = Math.fma(w33, x23, Math.fma(w32, x22, Math.fma(w31, x21, Math.fma(w30, x20, s32))));
                    s33 = Math.fma(w33, x33, Math.fma(w32, x32, Math.fma(w31, x31, Math.fma(w30, x30, s33))));
                    s34 = Math.fma(w33, x43, Math.fma(w32, x42, Math.fma(w31, x41, Math.fma(w30, x40, s34))));
                    s35 = Math.fma(w33, x53, Math.fma(w32, x52, Math.fma(w31, x51, Math.fma(w30, x50, s35))));
                    s36 = Math.fma(w33, x63, Math.fma(w32, x62, Math.fma(w31, x61, Math.fma(w30, x60, s36))));
                    s37 = Math.fma(w33, x73, Math.fma(w32, x72, Math.fma(w31, x71, Math.fma(w30, x70, s37))));
                }
                int nextBuffer = X_BUFFER - buffer;
                xs[nextBuffer + 0 * KC + local] = next0;
                xs[nextBuffer + 1 * KC + local] = next1;
                xs[nextBuffer + 2 * KC + local] = next2;
                xs[nextBuffer + 3 * KC + local] = next3;
                xs[nextBuffer + 4 * KC + local] = next4;
                xs[nextBuffer + 5 * KC + local] = next5;
                xs[nextBuffer + 6 * KC + local] = next6;
                xs[nextBuffer + 7 * KC + local] = next7;
                context.localBarrier();
            }
            float sum0 = sumLanes(context, partials, quarters, local, s00, s01, s02, s03, s04, s05, s06, s07);
            storeRow(out, sum0, firstRow + 0, mc, lane, m, n, accumulate);
            float sum1 = sumLanes(context, partials, quarters, local, s10, s11, s12, s13, s14, s15, s16, s17);
            storeRow(out, sum1, firstRow + 1, mc, lane, m, n, accumulate);
            float sum2 = sumLanes(context, partials, quarters, local, s20, s21, s22, s23, s24, s25, s26, s27);
            storeRow(out, sum2, firstRow + 2, mc, lane, m, n, accumulate);
            float sum3 = sumLanes(context, partials, quarters, local, s30, s31, s32, s33, s34, s35, s36, s37);
            storeRow(out, sum3, firstRow + 3, mc, lane, m, n, accumulate);
        }
    }

    /**
     * As {@link #flatGemmF32}, with Q8_0 weights dequantised in registers (scale of element e of a row
     * is the scale of its 32-element block; k must be a multiple of 32, so rows start on block
     * boundaries, and a warp's 32 lanes read one block's 32 quants). Same grid.
     */
    public static void flatGemmQ8(KernelContext context, FloatArray x, Q8_0Array w, FloatArray out, int m, int n, int k,
                                   int accumulate) {
        float[] xs = context.allocateFloatLocalArray(2 * X_BUFFER);
        float[] partials = context.allocateFloatLocalArray(M_PAD * PARTIAL_STRIDE);
        float[] quarters = context.allocateFloatLocalArray(THREADS);
        int local = context.localIdx;
        int lane = local & (LANES - 1);
        int firstRow = context.groupIdx * BN + local / LANES * ROWS_PER_WARP;
        // rows past n read row n-1 (always valid) and are never stored: no row guard in the hot loop
        int base0 = Math.min(firstRow + 0, n - 1) * k;
        int base1 = Math.min(firstRow + 1, n - 1) * k;
        int base2 = Math.min(firstRow + 2, n - 1) * k;
        int base3 = Math.min(firstRow + 3, n - 1) * k;
        int chunks = (k + KC - 1) / KC;
        for (int mc = 0; mc < m; mc += M_PAD) {
            stageX(xs, 0, x, mc, 0, m, k, local);
            context.localBarrier();
            float s00 = 0f; float s01 = 0f; float s02 = 0f; float s03 = 0f;
            float s04 = 0f; float s05 = 0f; float s06 = 0f; float s07 = 0f;
            float s10 = 0f; float s11 = 0f; float s12 = 0f; float s13 = 0f;
            float s14 = 0f; float s15 = 0f; float s16 = 0f; float s17 = 0f;
            float s20 = 0f; float s21 = 0f; float s22 = 0f; float s23 = 0f;
            float s24 = 0f; float s25 = 0f; float s26 = 0f; float s27 = 0f;
            float s30 = 0f; float s31 = 0f; float s32 = 0f; float s33 = 0f;
            float s34 = 0f; float s35 = 0f; float s36 = 0f; float s37 = 0f;
            for (int chunk = 0; chunk < chunks; chunk++) {
                int kc = chunk * KC;
                int buffer = (chunk & 1) * X_BUFFER;
                // the next chunk of activations comes into registers while this one is used (zeros past k)
                float next0 = at(x, mc + 0, kc + KC + local, m, k);
                float next1 = at(x, mc + 1, kc + KC + local, m, k);
                float next2 = at(x, mc + 2, kc + KC + local, m, k);
                float next3 = at(x, mc + 3, kc + KC + local, m, k);
                float next4 = at(x, mc + 4, kc + KC + local, m, k);
                float next5 = at(x, mc + 5, kc + KC + local, m, k);
                float next6 = at(x, mc + 6, kc + KC + local, m, k);
                float next7 = at(x, mc + 7, kc + KC + local, m, k);
                for (int step = 0; step < STEPS; step++) {
                    int offset = step * LANES * COLUMNS_PER_STEP + lane;
                    int col = kc + offset;
                    float w00 = weightQ8(w, base0, col, k);
                    float w01 = weightQ8(w, base0, col + 32, k);
                    float w02 = weightQ8(w, base0, col + 64, k);
                    float w03 = weightQ8(w, base0, col + 96, k);
                    float w10 = weightQ8(w, base1, col, k);
                    float w11 = weightQ8(w, base1, col + 32, k);
                    float w12 = weightQ8(w, base1, col + 64, k);
                    float w13 = weightQ8(w, base1, col + 96, k);
                    float w20 = weightQ8(w, base2, col, k);
                    float w21 = weightQ8(w, base2, col + 32, k);
                    float w22 = weightQ8(w, base2, col + 64, k);
                    float w23 = weightQ8(w, base2, col + 96, k);
                    float w30 = weightQ8(w, base3, col, k);
                    float w31 = weightQ8(w, base3, col + 32, k);
                    float w32 = weightQ8(w, base3, col + 64, k);
                    float w33 = weightQ8(w, base3, col + 96, k);
                    float x00 = xs[buffer + 0 * KC + offset];
                    float x01 = xs[buffer + 0 * KC + offset + 32];
                    float x02 = xs[buffer + 0 * KC + offset + 64];
                    float x03 = xs[buffer + 0 * KC + offset + 96];
                    float x10 = xs[buffer + 1 * KC + offset];
                    float x11 = xs[buffer + 1 * KC + offset + 32];
                    float x12 = xs[buffer + 1 * KC + offset + 64];
                    float x13 = xs[buffer + 1 * KC + offset + 96];
                    float x20 = xs[buffer + 2 * KC + offset];
                    float x21 = xs[buffer + 2 * KC + offset + 32];
                    float x22 = xs[buffer + 2 * KC + offset + 64];
                    float x23 = xs[buffer + 2 * KC + offset + 96];
                    float x30 = xs[buffer + 3 * KC + offset];
                    float x31 = xs[buffer + 3 * KC + offset + 32];
                    float x32 = xs[buffer + 3 * KC + offset + 64];
                    float x33 = xs[buffer + 3 * KC + offset + 96];
                    float x40 = xs[buffer + 4 * KC + offset];
                    float x41 = xs[buffer + 4 * KC + offset + 32];
                    float x42 = xs[buffer + 4 * KC + offset + 64];
                    float x43 = xs[buffer + 4 * KC + offset + 96];
                    float x50 = xs[buffer + 5 * KC + offset];
                    float x51 = xs[buffer + 5 * KC + offset + 32];
                    float x52 = xs[buffer + 5 * KC + offset + 64];
                    float x53 = xs[buffer + 5 * KC + offset + 96];
                    float x60 = xs[buffer + 6 * KC + offset];
                    float x61 = xs[buffer + 6 * KC + offset + 32];
                    float x62 = xs[buffer + 6 * KC + offset + 64];
                    float x63 = xs[buffer + 6 * KC + offset + 96];
                    float x70 = xs[buffer + 7 * KC + offset];
                    float x71 = xs[buffer + 7 * KC + offset + 32];
                    float x72 = xs[buffer + 7 * KC + offset + 64];
                    float x73 = xs[buffer + 7 * KC + offset + 96];
                    s00 = Math.fma(w03, x03, Math.fma(w02, x02, Math.fma(w01, x01, Math.fma(w00, x00, s00))));
                    s01 = Math.fma(w03, x13, Math.fma(w02, x12, Math.fma(w01, x11, Math.fma(w00, x10, s01))));
                    s02 = Math.fma(w03, x23, Math.fma(w02, x22, Math.fma(w01, x21, Math.fma(w00, x20, s02))));
                    s03 = Math.fma(w03, x33, Math.fma(w02, x32, Math.fma(w01, x31, Math.fma(w00, x30, s03))));
                    s04 = Math.fma(w03, x43, Math.fma(w02, x42, Math.fma(w01, x41, Math.fma(w00, x40, s04))));
                    s05 = Math.fma(w03, x53, Math.fma(w02, x52, Math.fma(w01, x51, Math.fma(w00, x50, s05))));
                    s06 = Math.fma(w03, x63, Math.fma(w02, x62, Math.fma(w01, x61, Math.fma(w00, x60, s06))));
                    s07 = Math.fma(w03, x73, Math.fma(w02, x72, Math.fma(w01, x71, Math.fma(w00, x70, s07))));
                    s10 = Math.fma(w13, x03, Math.fma(w12, x02, Math.fma(w11, x01, Math.fma(w10, x00, s10))));
                    s11 = Math.fma(w13, x13, Math.fma(w12, x12, Math.fma(w11, x11, Math.fma(w10, x10, s11))));
                    s12 = Math.fma(w13, x23, Math.fma(w12, x22, Math.fma(w11, x21, Math.fma(w10, x20, s12))));
                    s13 = Math.fma(w13, x33, Math.fma(w12, x32, Math.fma(w11, x31, Math.fma(w10, x30, s13))));
                    s14 = Math.fma(w13, x43, Math.fma(w12, x42, Math.fma(w11, x41, Math.fma(w10, x40, s14))));
                    s15 = Math.fma(w13, x53, Math.fma(w12, x52, Math.fma(w11, x51, Math.fma(w10, x50, s15))));
                    s16 = Math.fma(w13, x63, Math.fma(w12, x62, Math.fma(w11, x61, Math.fma(w10, x60, s16))));
                    s17 = Math.fma(w13, x73, Math.fma(w12, x72, Math.fma(w11, x71, Math.fma(w10, x70, s17))));
                    s20 = Math.fma(w23, x03, Math.fma(w22, x02, Math.fma(w21, x01, Math.fma(w20, x00, s20))));
                    s21 = Math.fma(w23, x13, Math.fma(w22, x12, Math.fma(w21, x11, Math.fma(w20, x10, s21))));
                    s22 = Math.fma(w23, x23, Math.fma(w22, x22, Math.fma(w21, x21, Math.fma(w20, x20, s22))));
                    s23 = Math.fma(w23, x33, Math.fma(w22, x32, Math.fma(w21, x31, Math.fma(w20, x30, s23))));
                    s24 = Math.fma(w23, x43, Math.fma(w22, x42, Math.fma(w21, x41, Math.fma(w20, x40, s24))));
                    s25 = Math.fma(w23, x53, Math.fma(w22, x52, Math.fma(w21, x51, Math.fma(w20, x50, s25))));
                    s26 = Math.fma(w23, x63, Math.fma(w22, x62, Math.fma(w21, x61, Math.fma(w20, x60, s26))));
                    s27 = Math.fma(w23, x73, Math.fma(w22, x72, Math.fma(w21, x71, Math.fma(w20, x70, s27))));
                    s30 = Math.fma(w33, x03, Math.fma(w32, x02, Math.fma(w31, x01, Math.fma(w30, x00, s30))));
                    s31 = Math.fma(w33, x13, Math.fma(w32, x12, Math.fma(w31, x11, Math.fma(w30, x10, s31))));
                    s32 = Math.fma(w33, x23, Math.fma(w32, x22, Math.fma(w31, x21, Math.fma(w30, x20, s32))));
                    s33 = Math.fma(w33, x33, Math.fma(w32, x32, Math.fma(w31, x31, Math.fma(w30, x30, s33))));
                    s34 = Math.fma(w33, x43, Math.fma(w32, x42, Math.fma(w31, x41, Math.fma(w30, x40, s34))));
                    s35 = Math.fma(w33, x53, Math.fma(w32, x52, Math.fma(w31, x51, Math.fma(w30, x50, s35))));
                    s36 = Math.fma(w33, x63, Math.fma(w32, x62, Math.fma(w31, x61, Math.fma(w30, x60, s36))));
                    s37 = Math.fma(w33, x73, Math.fma(w32, x72, Math.fma(w31, x71, Math.fma(w30, x70, s37))));
                }
                int nextBuffer = X_BUFFER - buffer;
                xs[nextBuffer + 0 * KC + local] = next0;
                xs[nextBuffer + 1 * KC + local] = next1;
                xs[nextBuffer + 2 * KC + local] = next2;
                xs[nextBuffer + 3 * KC + local] = next3;
                xs[nextBuffer + 4 * KC + local] = next4;
                xs[nextBuffer + 5 * KC + local] = next5;
                xs[nextBuffer + 6 * KC + local] = next6;
                xs[nextBuffer + 7 * KC + local] = next7;
                context.localBarrier();
            }
            float sum0 = sumLanes(context, partials, quarters, local, s00, s01, s02, s03, s04, s05, s06, s07);
            storeRow(out, sum0, firstRow + 0, mc, lane, m, n, accumulate);
            float sum1 = sumLanes(context, partials, quarters, local, s10, s11, s12, s13, s14, s15, s16, s17);
            storeRow(out, sum1, firstRow + 1, mc, lane, m, n, accumulate);
            float sum2 = sumLanes(context, partials, quarters, local, s20, s21, s22, s23, s24, s25, s26, s27);
            storeRow(out, sum2, firstRow + 2, mc, lane, m, n, accumulate);
            float sum3 = sumLanes(context, partials, quarters, local, s30, s31, s32, s33, s34, s35, s36, s37);
            storeRow(out, sum3, firstRow + 3, mc, lane, m, n, accumulate);
        }
    }

    // ---- helpers (inlined) ------------------------------------------------------------------------

    /** x[row][col] of an rows×cols row-major matrix, or 0 outside it. */
    private static float at(FloatArray x, int row, int col, int rows, int cols) {
        return row < rows && col < cols ? x.get(row * cols + col) : 0f;
    }

    private static float weightF32(FloatArray w, int rowBase, int col, int k) {
        return col < k ? w.get(rowBase + col) : 0f;
    }

    private static float weightF16(HalfFloatArray w, int rowBase, int col, int k) {
        return col < k ? w.getFloat(rowBase + col) : 0f;
    }

    private static float weightQ8(Q8_0Array w, int rowBase, int col, int k) {
        int e = rowBase + col;
        return col < k ? w.getScale(e >>> 5) * w.getQuant(e) : 0f;
    }

    /** Stages activation rows mc..mc+7, columns kc..kc+KC, into {@code xs[buffer..]} ([row][column]; zeros outside X). */
    private static void stageX(float[] xs, int buffer, FloatArray x, int mc, int kc, int m, int k, int local) {
        for (int i = 0; i < M_PAD; i++) {
            xs[buffer + i * KC + local] = at(x, mc + i, kc + local, m, k);
        }
    }

    /**
     * Sums each of v0..v7 over the 32 lanes of every warp; the sum of v_i is returned in lane 4·i of
     * the warp (other lanes get 0). Every work-item of the group must call it (it has barriers).
     */
    private static float sumLanes(KernelContext context, float[] partials, float[] quarters, int local, float v0, float v1,
                                  float v2, float v3, float v4, float v5, float v6, float v7) {
        partials[local] = v0;
        partials[PARTIAL_STRIDE + local] = v1;
        partials[2 * PARTIAL_STRIDE + local] = v2;
        partials[3 * PARTIAL_STRIDE + local] = v3;
        partials[4 * PARTIAL_STRIDE + local] = v4;
        partials[5 * PARTIAL_STRIDE + local] = v5;
        partials[6 * PARTIAL_STRIDE + local] = v6;
        partials[7 * PARTIAL_STRIDE + local] = v7;
        context.localBarrier();
        // lane (i, q) of a warp sums lanes 8q..8q+7 of value i; then lane (i, 0) sums the four quarters
        int lane = local & (LANES - 1);
        int base = (lane >> 2) * PARTIAL_STRIDE + (local - lane) + (lane & 3) * 8;
        float quarter = ((partials[base] + partials[base + 1]) + (partials[base + 2] + partials[base + 3]))
                + ((partials[base + 4] + partials[base + 5]) + (partials[base + 6] + partials[base + 7]));
        quarters[local] = quarter;
        context.localBarrier();
        float total = 0f;
        if ((lane & 3) == 0) {
            total = (quarters[local] + quarters[local + 1]) + (quarters[local + 2] + quarters[local + 3]);
        }
        return total;
    }

    /** Lane 4·i of the warp stores {@code sum} (value i of {@link #sumLanes}) to out[mc + i][row], inside out only. */
    private static void storeRow(FloatArray out, float sum, int row, int mc, int lane, int m, int n, int accumulate) {
        int mRow = mc + (lane >> 2);
        if ((lane & 3) == 0 && mRow < m && row < n) {
            int index = mRow * n + row;
            out.set(index, accumulate != 0 ? out.get(index) + sum : sum);
        }
    }
}
