package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * Two variants of {@link FlatGemmMma#f16}, timed beside it by the bench: the second activation
 * tile's rows (m > 8) read without the select that, at m <= 8, copies the first tile's registers on
 * every trip ({@code ?:} on records becomes a phi of eight floats each). One reads them always (row
 * m - 1 again), one reads them inside the second tile's branch. In the library's package for its
 * package-private helpers; the bench module only.
 */
public final class FlatGemmMmaVariants {

    private static final int THREADS = FlatGemmMma.THREADS;
    private static final int ROWS = FlatGemmMma.ROWS;
    private static final int BATCH = FlatGemmMma.BATCH;
    private static final int STEP = FlatGemmMma.STEP;
    private static final int UNROLL = FlatGemmMma.UNROLL;
    private static final int WARPS = THREADS / KernelContext.WARP_SIZE;
    private static final int SPAN = WARPS * STEP * UNROLL;

    private FlatGemmMmaVariants() {
    }

    /** The second tile's rows loaded with the first's on every trip (row m - 1 again when m <= 8). */
    public static void f16UnconditionalSecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out,
                                                  int m, int n, int k, int accumulate) {
        body(context, x, w, out, m, n, k, accumulate, false);
    }

    /** The second tile's rows loaded inside its branch, after the first tile's mmas. */
    public static void f16LateSecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m,
                                         int n, int k, int accumulate) {
        body(context, x, w, out, m, n, k, accumulate, true);
    }

    private static void body(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                             int accumulate, boolean late) {
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
                // row m - 1 again when m <= 8: no select, no copies (dead, and dropped, when late)
                Run8 early = Run8.of(x, x1 + c);
                Run8 earlyNext = Run8.of(x, x1 + c + STEP);
                d0 = steps(context, a0, a1, HalfPairs.high(xa), d0);
                r0 = steps(context, a0, a1, HalfPairs.low(xa), r0);
                d0 = steps(context, b0, b1, HalfPairs.high(xb), d0);
                r0 = steps(context, b0, b1, HalfPairs.low(xb), r0);
                if (second) {
                    Run8 ya = late ? Run8.of(x, x1 + c) : early; // late is a constant: the select folds
                    Run8 yb = late ? Run8.of(x, x1 + c + STEP) : earlyNext;
                    d1 = steps(context, a0, a1, HalfPairs.high(ya), d1);
                    r1 = steps(context, a0, a1, HalfPairs.low(ya), r1);
                    d1 = steps(context, b0, b1, HalfPairs.high(yb), d1);
                    r1 = steps(context, b0, b1, HalfPairs.low(yb), r1);
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
