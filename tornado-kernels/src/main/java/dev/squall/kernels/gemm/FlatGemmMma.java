package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * Flat GEMM out = X·Wᵀ (+ out) with binary16 weights on tensor cores
 * ({@link KernelContext#mma16x8x16}), for the m = 8…16 where CUDA cores run out of multiply-adds
 * per weight byte. FlashDecoding++'s layout with the batch on the mma's n = 8 side: A is 16 weight
 * rows by 16 columns, read straight from W; B is 16 columns by 8 activation rows (X row-major is B
 * column-major); D is 16 weight rows by 8 activation rows, so m pads to 8, and a second tile takes
 * rows 8…15. A work-group owns 16 weight rows; its eight warps split the columns, each lane reading
 * eight consecutive columns of two weight rows (one 16-byte load each) and of its activation row:
 * the mma sums over k in any order, so the lane's eight columns stand for the fragment's columns
 * 2q, 2q+1, 2q+8, 2q+9 of two consecutive k-steps, the same for A and B. Activations go in as two
 * binary16 parts, the nearest value and the remainder scaled by 2^11, into two accumulators (the
 * second scaled back at the end), which keeps about 22 bits of each float for activations from about
 * 1e-4 up to binary16's range, ±65504 (beyond it the result is not finite); below 1e-4 the error
 * stays under about 1e-11 absolute. The warps' sums meet in local memory at the end.
 *
 * <p>Measured against alternatives on an H200 in one session (bench flat_gemm): splitting the
 * activations into binary16 pairs in a launch of their own, reading weight pairs as ints, and
 * loading the next span's weights a step ahead (96 registers) were each as fast or 5–30% slower
 * than this plain form (bench/results/2026-11-29-h200-mma.md).
 */
public final class FlatGemmMma {

    /** Work-items per work-group: eight warps. */
    public static final int THREADS = 256;
    /** Weight rows per work-group: the mma's m. */
    public static final int ROWS = 16;
    /** Activation rows per pass over the weights: two mma tiles of n = 8. */
    public static final int BATCH = 16;
    /** Columns a warp covers per step: four lanes of eight. */
    public static final int STEP = 32;
    /** Steps a warp loads before it multiplies (bytes in flight per lane). */
    public static final int UNROLL = 2;

    /** {@link #f16}'s default: the second tile's rows read with the first's, through a select when m ≤ 8. */
    static final int SECOND_ROWS_SELECTED = 0;
    /** The second tile's rows always read with the first's (row m − 1 again when m ≤ 8). */
    static final int SECOND_ROWS_ALWAYS = 1;
    /** The second tile's rows read inside its branch, after the first tile's mmas. */
    static final int SECOND_ROWS_LATE = 2;

    private static final int WARPS = THREADS / KernelContext.WARP_SIZE;
    /** Columns the work-group covers per iteration. */
    private static final int SPAN = WARPS * STEP * UNROLL;

    private FlatGemmMma() {
    }




    /** Global size of {@link #f16}'s launch: 1D, local {@link #THREADS}, {@link #ROWS} weight rows per work-group. */
    public static int globalX(int n) {
        return Math.ceilDiv(n, ROWS) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j
     * below n: x (m×k) and out (m×n) row-major fp32, w (n×k) row-major binary16. Grid {@link #globalX}.
     */
    public static void f16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                           int accumulate) {
        f16SecondRows(context, x, w, out, m, n, k, accumulate, SECOND_ROWS_SELECTED);
    }

    /**
     * {@link #f16} with {@code secondRows}, a compile-time choice of where the second activation tile's
     * rows (m > 8) are read: {@link #SECOND_ROWS_SELECTED} (with the first tile's, or the first tile's
     * registers again when m ≤ 8: a select of two eight-float records, 16 moves per trip),
     * {@link #SECOND_ROWS_ALWAYS} (with the first tile's, row m − 1 again when m ≤ 8) or
     * {@link #SECOND_ROWS_LATE} (inside the second tile's branch, after the first tile's mmas; 62
     * registers instead of 72). Callers pass a constant, so the unchosen forms fold away. On an H200
     * the last two were 11–14% faster on 14336×4096 and 128256×2048 and 5–7% slower on 11008×4096 at
     * m = 1 and 8 (bench/results/2026-11-29-h200-queued-timing.md); m = 16 is not measured yet.
     */
    static void f16SecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                              int k, int accumulate, int secondRows) {
        float[] partials = context.allocateFloatLocalArray(WARPS * THREADS);
        int local = context.localIdx;
        int lane = local & (KernelContext.WARP_SIZE - 1);
        int warp = local / KernelContext.WARP_SIZE;
        int group = lane >> 2; // the lane's rows: weight rows group and group + 8, activation row group
        int quad = lane & 3; // the lane's columns in a step: 8·quad … 8·quad + 7
        int row0 = context.groupIdx * ROWS;
        // weight rows past n read row n - 1 and are never stored (every work-item must reach the mmas)
        int wLow = Math.min(row0 + group, n - 1) * k;
        int wHigh = Math.min(row0 + group + 8, n - 1) * k;
        int full = k / SPAN * SPAN;
        for (int mc = 0; mc < m; mc += BATCH) {
            // activation rows past m repeat row m - 1 and are never stored
            int x0 = Math.min(mc + group, m - 1) * k;
            int x1 = Math.min(mc + 8 + group, m - 1) * k;
            boolean second = mc + 8 < m; // the same for the whole work-group, as the mmas need
            // per tile: products with the nearest values (d) and with the scaled remainders (r)
            MmaAccumulator d0 = MmaAccumulator.zero();
            MmaAccumulator r0 = MmaAccumulator.zero();
            MmaAccumulator d1 = MmaAccumulator.zero();
            MmaAccumulator r1 = MmaAccumulator.zero();
            for (int c0 = 0; c0 < full; c0 += SPAN) {
                int c = c0 + warp * (STEP * UNROLL) + 8 * quad;
                // every load first: the mmas are collectives, which loads do not move across
                HalfPairs a0 = HalfPairs.of(w, wLow + c);
                HalfPairs a1 = HalfPairs.of(w, wHigh + c);
                HalfPairs b0 = HalfPairs.of(w, wLow + c + STEP);
                HalfPairs b1 = HalfPairs.of(w, wHigh + c + STEP);
                Run8 xa = Run8.of(x, x0 + c);
                Run8 xb = Run8.of(x, x0 + c + STEP);
                Run8 ya = secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c)
                        : secondRows == SECOND_ROWS_LATE ? xa : second ? Run8.of(x, x1 + c) : xa;
                Run8 yb = secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c + STEP)
                        : secondRows == SECOND_ROWS_LATE ? xb : second ? Run8.of(x, x1 + c + STEP) : xb;
                d0 = steps(context, a0, a1, HalfPairs.high(xa), d0);
                r0 = steps(context, a0, a1, HalfPairs.low(xa), r0);
                d0 = steps(context, b0, b1, HalfPairs.high(xb), d0);
                r0 = steps(context, b0, b1, HalfPairs.low(xb), r0);
                if (second) {
                    Run8 y0 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c) : ya;
                    Run8 y1 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c + STEP) : yb;
                    d1 = steps(context, a0, a1, HalfPairs.high(y0), d1);
                    r1 = steps(context, a0, a1, HalfPairs.low(y0), r1);
                    d1 = steps(context, b0, b1, HalfPairs.high(y1), d1);
                    r1 = steps(context, b0, b1, HalfPairs.low(y1), r1);
                }
            }
            // the last k % SPAN columns, one step per warp, zeros past k
            for (int c0 = full; c0 < k; c0 += WARPS * STEP) {
                int c = c0 + warp * STEP + 8 * quad;
                HalfPairs t0 = HalfPairs.upTo(w, wLow, c, k);
                HalfPairs t1 = HalfPairs.upTo(w, wHigh, c, k);
                Run8 xa = HalfPairs.floatsUpTo(x, x0, c, k);
                Run8 ya = second ? HalfPairs.floatsUpTo(x, x1, c, k) : xa;
                d0 = steps(context, t0, t1, HalfPairs.high(xa), d0);
                r0 = steps(context, t0, t1, HalfPairs.low(xa), r0);
                if (second) {
                    d1 = steps(context, t0, t1, HalfPairs.high(ya), d1);
                    r1 = steps(context, t0, t1, HalfPairs.low(ya), r1);
                }
            }
            int at = warp * THREADS + lane * 8;
            float back = 1f / HalfPairs.REST_SCALE; // exact: a power of two
            partials[at] = Math.fma(r0.c0(), back, d0.c0());
            partials[at + 1] = Math.fma(r0.c1(), back, d0.c1());
            partials[at + 2] = Math.fma(r0.c2(), back, d0.c2());
            partials[at + 3] = Math.fma(r0.c3(), back, d0.c3());
            partials[at + 4] = Math.fma(r1.c0(), back, d1.c0());
            partials[at + 5] = Math.fma(r1.c1(), back, d1.c1());
            partials[at + 6] = Math.fma(r1.c2(), back, d1.c2());
            partials[at + 7] = Math.fma(r1.c3(), back, d1.c3());
            context.localBarrier();
            // work-item v sums value v % 8 of lane v / 8 over the warps: one output each
            float sum = 0f;
            for (int u = 0; u < WARPS; u++) {
                sum += partials[u * THREADS + local];
            }
            int from = local / 8; // the lane that held it
            int value = local % 8;
            int row = row0 + (from >> 2) + ((value & 2) != 0 ? 8 : 0);
            int i = mc + (value >= 4 ? 8 : 0) + 2 * (from & 3) + (value & 1);
            if (row < n && i < m) {
                int o = i * n + row;
                out.set(o, accumulate != 0 ? out.get(o) + sum : sum);
            }
            context.localBarrier(); // the partials are read before the next pass writes them
        }
    }

    /** The two k-steps of a lane's eight columns: columns 4s … 4s + 3 of the eight are k-step s. */
    private static MmaAccumulator steps(KernelContext context, HalfPairs low, HalfPairs high, HalfPairs xs,
                                        MmaAccumulator d) {
        d = context.mma16x8x16(low.p0(), high.p0(), low.p1(), high.p1(), xs.p0(), xs.p1(), d);
        return context.mma16x8x16(low.p2(), high.p2(), low.p3(), high.p3(), xs.p2(), xs.p3(), d);
    }
}
