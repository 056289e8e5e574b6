package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * Flat GEMM out = X·Wᵀ (+ out) shaped like the GEMV of {@code MatVec}: {@code lanes} neighbouring
 * work-items share a weight row (an output column) and read it coalesced, each keeping the
 * products with {@link #ROWS} activation rows in registers; the activations are read from global
 * memory, where neighbouring lanes hit the same cache lines. Unlike {@link FlatGemm} there is no
 * staging and no barrier inside the K loop, so the weight stream never waits; the price is that
 * m above {@link #ROWS} reads the weights again per chunk of rows (mostly from cache: a
 * work-group's rows are a few tens of kilobytes). This is the variant for small m on wide
 * GPUs; the benchmark (bench KernelBench) times both.
 */
public final class FlatGemmByLanes {

    /** Work-items per work-group. */
    public static final int THREADS = 256;
    /** Activation rows per pass over the weights. */
    public static final int ROWS = 4;
    /** Columns each lane covers at most (in runs of eight) before {@link #lanesFor} gives a row more lanes. */
    public static final int COLUMNS_PER_LANE = 64;

    private FlatGemmByLanes() {
    }

    /** Lanes per weight row for rows of {@code k} columns: a power of two from 32 to {@link #THREADS}. */
    public static int lanesFor(int k) {
        int lanes = 32;
        while (lanes < THREADS && (long) lanes * COLUMNS_PER_LANE < k) {
            lanes <<= 1;
        }
        return lanes;
    }

    /** Global size of a launch: 1D, local {@link #THREADS}, THREADS / lanes weight rows per work-group. */
    public static int globalX(int n, int lanes) {
        int rowsPerGroup = THREADS / lanes;
        return Math.ceilDiv(n, rowsPerGroup) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j
     * below n: x (m×k) and out (m×n) row-major fp32, w (n×k) row-major binary16. Grid
     * {@link #globalX}; {@code lanes} from {@link #lanesFor} (any power of two from 32 to 256 works).
     */
    public static void f16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                           int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(ROWS * THREADS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = context.groupIdx * (THREADS / lanes) + local / lanes;
        // Work-items past the last weight row read row n - 1 and never store: every work-item takes
        // part in the reductions, whose barriers must not sit under a condition.
        int base = Math.min(row, n - 1) * k;
        for (int r0 = 0; r0 < m; r0 += ROWS) {
            // rows past m repeat row m - 1 (cached) and are never stored
            int x0 = r0 * k;
            int x1 = Math.min(r0 + 1, m - 1) * k;
            int x2 = Math.min(r0 + 2, m - 1) * k;
            int x3 = Math.min(r0 + 3, m - 1) * k;
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            float b0 = 0f;
            float b1 = 0f;
            float b2 = 0f;
            float b3 = 0f;
            // runs of eight columns per lane (one 16-byte load of weights when k is a multiple of
            // 8), two runs per trip into independent sums, then the last k % 8 columns one per lane
            int span = 8 * lanes;
            int c = 8 * lane;
            for (; c + span + 7 < k; c += 2 * span) {
                Run8 wa = Run8.of(w, base + c);
                Run8 wb = Run8.of(w, base + c + span);
                a0 += wa.dot(Run8.of(x, x0 + c));
                a1 += wa.dot(Run8.of(x, x1 + c));
                a2 += wa.dot(Run8.of(x, x2 + c));
                a3 += wa.dot(Run8.of(x, x3 + c));
                b0 += wb.dot(Run8.of(x, x0 + c + span));
                b1 += wb.dot(Run8.of(x, x1 + c + span));
                b2 += wb.dot(Run8.of(x, x2 + c + span));
                b3 += wb.dot(Run8.of(x, x3 + c + span));
            }
            if (c + 7 < k) {
                Run8 wa = Run8.of(w, base + c);
                a0 += wa.dot(Run8.of(x, x0 + c));
                a1 += wa.dot(Run8.of(x, x1 + c));
                a2 += wa.dot(Run8.of(x, x2 + c));
                a3 += wa.dot(Run8.of(x, x3 + c));
            }
            for (int t = (k & ~7) + lane; t < k; t += lanes) {
                float w0 = w.getFloat(base + t);
                a0 = Math.fma(w0, x.get(x0 + t), a0);
                a1 = Math.fma(w0, x.get(x1 + t), a1);
                a2 = Math.fma(w0, x.get(x2 + t), a2);
                a3 = Math.fma(w0, x.get(x3 + t), a3);
            }
            scratch[local] = a0 + b0;
            scratch[THREADS + local] = a1 + b1;
            scratch[2 * THREADS + local] = a2 + b2;
            scratch[3 * THREADS + local] = a3 + b3;
            context.localBarrier();
            for (int stride = lanes / 2; stride > 0; stride >>= 1) {
                if (lane < stride) {
                    scratch[local] += scratch[local + stride];
                    scratch[THREADS + local] += scratch[THREADS + local + stride];
                    scratch[2 * THREADS + local] += scratch[2 * THREADS + local + stride];
                    scratch[3 * THREADS + local] += scratch[3 * THREADS + local + stride];
                }
                context.localBarrier();
            }
            // Lane j < ROWS of the row stores activation row r0 + j: four stores in parallel.
            if (lane < ROWS && row < n && r0 + lane < m) {
                int o = (r0 + lane) * n + row;
                float sum = scratch[lane * THREADS + local - lane];
                out.set(o, accumulate != 0 ? out.get(o) + sum : sum);
            }
            context.localBarrier(); // the sums are read before the next chunk overwrites them
        }
    }
}
