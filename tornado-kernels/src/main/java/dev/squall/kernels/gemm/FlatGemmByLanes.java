package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * Flat GEMM out = X·Wᵀ (+ out) shaped like the GEMV of {@code MatVec}: {@code lanes} neighbouring
 * work-items share {@link #WEIGHT_ROWS} weight rows (output columns) and read them coalesced in runs
 * of eight (one 16-byte load of halves per run), each work-item keeping the products of those rows
 * with {@link #ROWS} activation rows in registers: a run of activations read once serves four
 * weight runs, so the activation reads (from cache) stay a fraction of the weight stream, which is
 * what limits a flat GEMM once the weights stream at full speed. The activations are read from
 * global memory, where neighbouring lanes hit the same cache lines. Unlike {@link FlatGemm} there
 * is no staging and no barrier inside the K loop, so the weight stream never waits; the price is
 * that m above {@link #ROWS} reads the weights again per chunk of rows (mostly from cache). This
 * is the variant for small m on wide GPUs; the benchmark (bench KernelBench) times both.
 */
public final class FlatGemmByLanes {

    /** Work-items per work-group. */
    public static final int THREADS = 256;
    /** Activation rows per pass over the weights. */
    public static final int ROWS = 4;
    /** Weight rows a group of lanes shares. */
    public static final int WEIGHT_ROWS = 4;
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

    /** Global size of a launch: 1D, local {@link #THREADS}, WEIGHT_ROWS · THREADS / lanes weight rows per work-group. */
    public static int globalX(int n, int lanes) {
        int rowsPerGroup = WEIGHT_ROWS * (THREADS / lanes);
        return Math.ceilDiv(n, rowsPerGroup) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j
     * below n: x (m×k) and out (m×n) row-major fp32, w (n×k) row-major binary16. Grid
     * {@link #globalX}; {@code lanes} from {@link #lanesFor} (any power of two from 32 to 256 works).
     */
    public static void f16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                           int accumulate, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(WEIGHT_ROWS * ROWS * THREADS);
        int local = context.localIdx;
        int lane = local & (lanes - 1);
        int row = (context.groupIdx * (THREADS / lanes) + local / lanes) * WEIGHT_ROWS;
        // Weight rows past n read row n - 1 and never store: every work-item takes part in the
        // reductions, whose barriers must not sit under a condition.
        int w0 = Math.min(row, n - 1) * k;
        int w1 = Math.min(row + 1, n - 1) * k;
        int w2 = Math.min(row + 2, n - 1) * k;
        int w3 = Math.min(row + 3, n - 1) * k;
        for (int r0 = 0; r0 < m; r0 += ROWS) {
            // activation rows past m repeat row m - 1 (cached) and are never stored
            int x0 = r0 * k;
            int x1 = Math.min(r0 + 1, m - 1) * k;
            int x2 = Math.min(r0 + 2, m - 1) * k;
            int x3 = Math.min(r0 + 3, m - 1) * k;
            Products4x4 acc = Products4x4.zero();
            // runs of eight columns per lane, then the last k % 8 columns one per lane
            for (int c = 8 * lane; c + 7 < k; c += 8 * lanes) {
                acc = acc.add(Run8.of(w, w0 + c), Run8.of(w, w1 + c), Run8.of(w, w2 + c), Run8.of(w, w3 + c),
                        Run8.of(x, x0 + c), Run8.of(x, x1 + c), Run8.of(x, x2 + c), Run8.of(x, x3 + c));
            }
            for (int t = (k & ~7) + lane; t < k; t += lanes) {
                acc = acc.addColumn(w.getFloat(w0 + t), w.getFloat(w1 + t), w.getFloat(w2 + t), w.getFloat(w3 + t),
                        x.get(x0 + t), x.get(x1 + t), x.get(x2 + t), x.get(x3 + t));
            }
            acc.store(scratch, local, THREADS);
            context.localBarrier();
            for (int stride = lanes / 2; stride > 0; stride >>= 1) {
                if (lane < stride) {
                    for (int v = 0; v < WEIGHT_ROWS * ROWS; v++) {
                        scratch[v * THREADS + local] += scratch[v * THREADS + local + stride];
                    }
                }
                context.localBarrier();
            }
            // Lane v < 16 of the group stores weight row row + v / ROWS, activation row r0 + v % ROWS.
            int v = lane;
            if (v < WEIGHT_ROWS * ROWS && row + v / ROWS < n && r0 + v % ROWS < m) {
                int o = (r0 + v % ROWS) * n + row + v / ROWS;
                float sum = scratch[v * THREADS + local - lane];
                out.set(o, accumulate != 0 ? out.get(o) + sum : sum);
            }
            context.localBarrier(); // the sums are read before the next chunk overwrites them
        }
    }
}
