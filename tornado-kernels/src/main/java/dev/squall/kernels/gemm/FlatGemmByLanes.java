package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Q8Runs;
import dev.squall.kernels.vector.Run8;

/**
 * Flat GEMM out = X·Wᵀ (+ out) on CUDA cores for two activation rows ({@link #f16}) and the GEMV
 * ({@link #f16Gemv}, one row; {@link #q8Gemv} for Q8_0 weights), shaped like the GEMV of {@code MatVec}:
 * {@code lanes} neighbouring work-items share {@link #WEIGHT_ROWS} weight rows (output columns) and read
 * them coalesced in runs of eight (one 16-byte load of halves per run), each work-item keeping the products of those rows
 * with a pass of activation rows in registers ({@link #ROWS} in f16, one in f16Gemv). The activation
 * runs come from cache (neighbouring lanes hit the same lines). There is no staging and no barrier
 * inside the k loop, and the forms need 32–40 registers, so six or more work-groups fit a compute unit
 * and many weight loads are in flight; m above a pass reads the weights again per pass.
 *
 * <p>The lanes' sums meet in local memory once per pass: each lane stores its weightRows·rows sums,
 * then every lane adds one value over a stride of the group's lanes (the sums' rows are padded by
 * 32 / values floats, so that the lanes of a warp, reading different values, hit different banks),
 * and the first weightRows·rows lanes add those parts and store the outputs ({@link #sumPass}).
 * {@link NormGemvByLanes}' binary16 forms meet their two sums by warp shuffles instead.
 *
 * <p>Measured on an H200 (bench/results/2026-11-30-h200-flat-gemm-lanes.md): at m = 2, with 64
 * lanes, it took 4–16% less time than {@link FlatGemmMma#f16} on all five issue shapes, within 4% of
 * the GEMV at m = 1 (14336×4096: 0.0337–0.0344 ms, 82–85% of copy in two calls). Four weight rows × two activation rows (48
 * registers) was as fast on three shapes but needs 32 lanes on some and 64 or 256 on others. Four or
 * eight activation rows per pass ({@link #f16Form}'s other tunables, 56–106 registers) lost to
 * FlatGemmMma at every m they were timed at (4, 8, 16), and so did two passes of this form at m = 3
 * and 4 (the second pass reads the weights from memory again).
 */
public final class FlatGemmByLanes {

    /** Work-items per work-group. */
    public static final int THREADS = 256;
    /** Activation rows per pass over the weights. */
    public static final int ROWS = 2;
    /** Weight rows a group of lanes shares. */
    public static final int WEIGHT_ROWS = 2;

    private FlatGemmByLanes() {
    }

    /**
     * Lanes per weight row for rows of {@code k} columns: 32 up to k = 2048, 64 above. On an H200 64
     * lanes were the fastest or within 0.6% of it on all five issue shapes at m = 2, and 32 tied with
     * 64 at k = 2048 (256 lanes were slower at k = 11008).
     */
    public static int lanesFor(int k) {
        return k > 2048 ? 64 : 32;
    }

    /**
     * Work-items {@link #f16Gemv}'s launch should have at least before its rows get more lanes (2^18,
     * about what an H200 holds at once: 132 compute units × 2048).
     */
    public static final int GEMV_WORK_ITEMS = 1 << 18;

    /**
     * Lanes per weight row for {@link #f16Gemv} over n rows of k columns: the fewest (a power of two from 32
     * to 256) that give the launch {@link #GEMV_WORK_ITEMS}, but never so many that a lane has fewer than
     * two runs of eight columns. On an H200 (nine shapes, every lane count timed in one call) this choice
     * was within 5% of the fastest count on every shape, where other counts were up to 73% slower (32 lanes
     * on 2048×8192); on 11008×4096, where all four counts lay within 5%, another call had 32 lanes 7%
     * faster than the 64 chosen (bench/results/2026-11-30-h200-flat-gemm-lanes.md).
     */
    public static int gemvLanesFor(int n, int k) {
        return gemvLanes(n, k, 8);
    }

    /**
     * The fewest lanes (a power of two from 32 to {@link #THREADS}) that give a GEMV over n rows
     * {@link #GEMV_WORK_ITEMS}, doubling only while each lane keeps two runs of {@code runColumns} columns.
     */
    static int gemvLanes(int n, int k, int runColumns) {
        int lanes = 32;
        while (lanes < THREADS && (long) Math.ceilDiv(n, WEIGHT_ROWS) * lanes < GEMV_WORK_ITEMS
                && 4L * runColumns * lanes <= k) {
            lanes *= 2;
        }
        return lanes;
    }

    /** Global size of {@link #f16}'s launch: 1D, local {@link #THREADS}, {@link #WEIGHT_ROWS} weight rows per lane group. */
    public static int globalX(int n, int lanes) {
        return globalX(n, lanes, WEIGHT_ROWS);
    }

    /** Global size of a launch of {@link #f16Form} whose lane groups share {@code weightRows} weight rows. */
    public static int globalX(int n, int lanes, int weightRows) {
        return Math.ceilDiv(n, weightRows * (THREADS / lanes)) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j
     * below n: x (m×k) and out (m×n) row-major fp32, w (n×k) row-major binary16. Grid
     * {@link #globalX}; {@code lanes} from {@link #lanesFor} (any power of two from 32 to 256 works).
     */
    public static void f16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                           int accumulate, int lanes) {
        f16Form(context, x, w, out, m, n, k, accumulate, lanes, WEIGHT_ROWS, ROWS);
    }

    /**
     * The GEMV (m = 1; a larger m takes a pass per row): {@link #f16} with one activation row per pass,
     * 32 registers. Same arguments and grid as {@link #f16}; {@code lanes} from {@link #gemvLanesFor}. On an
     * H200 it took less time than {@code MatVec.matVecF16Spmd} on all nine shapes timed, the five issue
     * shapes and four of a Llama-3.2-1B step (bench/results/2026-11-30-h200-flat-gemm-lanes.md).
     */
    public static void f16Gemv(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                               int k, int accumulate, int lanes) {
        f16Form(context, x, w, out, m, n, k, accumulate, lanes, WEIGHT_ROWS, 1);
    }

    /**
     * Lanes per weight row for {@link #q8Gemv} over n rows of k columns: as {@link #gemvLanesFor}, but a lane's
     * runs are 16 columns (half a Q8_0 block), so the lanes double only while each keeps two runs. On an H200
     * (five Llama-3.2-1B shapes, every lane count timed in one call) it was the fastest count or within 2% of it
     * (bench/results/2026-12-01-h200-q8-fused-norms.md).
     */
    public static int q8GemvLanesFor(int n, int k) {
        return gemvLanes(n, k, 16);
    }

    /**
     * The GEMV with Q8_0 weights split into their quants and scales ({@code Q8_0Array.quants()},
     * {@code scales()}): out[i][j] = Σ_p x[i][p]·d[j][p / 32]·q[j][p] (+ out when {@code accumulate != 0}), a
     * pass per activation row. Each lane reads runs of 16 columns of {@link #WEIGHT_ROWS} weight rows (one
     * 16-byte load of quants and one scale per row) against one run of activations (four 16-byte loads), so two
     * rows share every activation load, where {@code MatVec.matVecQ8Spmd} loads 64 bytes of activations per 16
     * bytes of weights for one row. k must be a multiple of 32 (rows of whole blocks). Grid {@link #globalX};
     * {@code lanes} from {@link #q8GemvLanesFor}. On an H200 with its sizes as constants it took 16–42% less time
     * than {@code MatVec.matVecQ8Spmd} on five Llama-3.2-1B shapes (2048×2048 7.4 → 5.7 µs, 128256×2048 156 → 90 µs;
     * bench/results/2026-12-01-h200-q8-fused-norms.md).
     */
    public static void q8Gemv(KernelContext context, FloatArray x, ByteArray quants, HalfFloatArray scales,
                              FloatArray out, int m, int n, int k, int accumulate, int lanes) {
        q8Form(context, x, quants, scales, out, m, n, k, accumulate, lanes, WEIGHT_ROWS);
    }

    /**
     * {@link #q8Gemv} with {@code weightRows} (2 or 4, a compile-time constant of the caller) weight rows per lane
     * group, launched with {@link #globalX(int, int, int)}.
     */
    static void q8Form(KernelContext context, FloatArray x, ByteArray quants, HalfFloatArray scales, FloatArray out,
                       int m, int n, int k, int accumulate, int lanes, int weightRows) {
        float[] scratch = context.allocateFloatLocalArray(scratchLength(weightRows, 1));
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, weightRows, 1);
        int row = g.row();
        // rows past n read row n - 1 and never store (every work-item takes part in the reduction)
        int w0 = Math.min(row, n - 1) * k;
        int w1 = Math.min(row + 1, n - 1) * k;
        int w2 = Math.min(row + 2, n - 1) * k;
        int w3 = Math.min(row + 3, n - 1) * k;
        for (int r0 = 0; r0 < m; r0++) {
            int xr = r0 * k;
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int c = 16 * g.lane(); c < k; c += 16 * lanes) {
                Run8 low = Run8.of(x, xr + c);
                Run8 high = Run8.of(x, xr + c + 8);
                s0 = Q8Runs.fma(quants, scales, w0 + c, low, high, s0);
                s1 = Q8Runs.fma(quants, scales, w1 + c, low, high, s1);
                if (weightRows == 4) {
                    s2 = Q8Runs.fma(quants, scales, w2 + c, low, high, s2);
                    s3 = Q8Runs.fma(quants, scales, w3 + c, low, high, s3);
                }
            }
            PassSums sums = PassSums.zero().withFirst(new Dots4(s0, s1, s2, s3));
            finishPass(context, scratch, sums, out, g, r0, m, n, accumulate, weightRows, 1);
        }
    }

    /**
     * Floats of local memory {@link #f16Form} and {@link #q8Form} take for v = weightRows·rows sums: padded sums
     * (rows of {@link LaneGroup#stride}), then one part per lane.
     */
    static int scratchLength(int weightRows, int rows) {
        int values = weightRows * rows;
        return values * LaneGroup.stride(THREADS, values) + THREADS;
    }

    /**
     * The kernel with {@code weightRows} (2 or 4) weight rows per lane group and {@code rows} (1, 2, 4
     * or 8) activation rows per pass, launched with {@link #globalX(int, int, int)}. Callers pass both as
     * compile-time constants, so the local memory it takes ({@link #scratchLength}) folds to a constant.
     */
    static void f16Form(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                        int accumulate, int lanes, int weightRows, int rows) {
        float[] scratch = context.allocateFloatLocalArray(scratchLength(weightRows, rows));
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, weightRows, rows);
        int lane = g.lane();
        int row = g.row();
        // Weight rows past n read row n - 1 and never store: every work-item takes part in the
        // reductions, whose barriers must not sit under a condition.
        int w0 = Math.min(row, n - 1) * k;
        int w1 = Math.min(row + 1, n - 1) * k;
        int w2 = Math.min(row + 2, n - 1) * k;
        int w3 = Math.min(row + 3, n - 1) * k;
        for (int r0 = 0; r0 < m; r0 += rows) {
            ActivationRows xs = ActivationRows.from(r0, m, k);
            PassSums sums = PassSums.zero();
            // runs of eight columns per lane, then the last k % 8 columns one per lane; with two
            // weight rows, rows 2 and 3 are never read
            for (int c = 8 * lane; c + 7 < k; c += 8 * lanes) {
                Run8 a = Run8.of(w, w0 + c);
                Run8 b = Run8.of(w, w1 + c);
                Run8 e = weightRows == 4 ? Run8.of(w, w2 + c) : a;
                Run8 f = weightRows == 4 ? Run8.of(w, w3 + c) : b;
                sums = sums.plus(a, b, e, f, x, xs, c, weightRows, rows);
            }
            for (int t = (k & ~7) + lane; t < k; t += lanes) {
                float a = w.getFloat(w0 + t);
                float b = w.getFloat(w1 + t);
                float e = weightRows == 4 ? w.getFloat(w2 + t) : a;
                float f = weightRows == 4 ? w.getFloat(w3 + t) : b;
                sums = sums.plusColumn(a, b, e, f, x, xs, t, weightRows, rows);
            }
            finishPass(context, scratch, sums, out, g, r0, m, n, accumulate, weightRows, rows);
            // no barrier here: the next pass overwrites the sums (read before finishPass's second barrier)
            // and writes the parts only after its own first barrier, once every lane has read these
        }
    }

    /**
     * The end of a pass: the lane group's sums meet ({@link #sumPass}), and its first weightRows·rows lanes store
     * the outputs. Every work-item of the work-group must call it: it holds two barriers. (Meeting them by warp
     * shuffles instead, as {@code NormGemvByLanes}' binary16 forms do, took 2–5% more time on the GEMVs of a
     * Llama-3.2-1B step on an H200: bench/results/2026-12-01-h200-warp-shuffles.md.)
     */
    private static void finishPass(KernelContext context, float[] scratch, PassSums sums, FloatArray out, LaneGroup g,
                                   int r0, int m, int n, int accumulate, int weightRows, int rows) {
        sumPass(context, scratch, sums, g, weightRows, rows);
        int lane = g.lane();
        if (lane < g.values()) {
            float total = groupTotal(scratch, g, lane);
            int wr = lane % weightRows; // value v = weightRows·(activation row) + weight row
            int o = (r0 + lane / weightRows) * n + g.row() + wr;
            if (g.row() + wr < n && r0 + lane / weightRows < m) {
                out.set(o, accumulate != 0 ? out.get(o) + total : total);
            }
        }
    }

    /**
     * The lane group's sums meet in one step (padded rows, so that a warp's lanes hit different banks): after
     * it, {@link #groupTotal} gives any of the group's values to any of its lanes. Every work-item of the
     * work-group must call it: it holds two barriers.
     */
    static void sumPass(KernelContext context, float[] scratch, PassSums sums, LaneGroup g, int weightRows, int rows) {
        int values = g.values();
        int stride = g.stride();
        sums.store(scratch, g.local(), stride, weightRows, rows);
        context.localBarrier();
        // lane p·values + v adds value v of lanes p, p + parts, p + 2·parts, …
        float sum = 0f;
        int from = g.value() * stride + g.first() + g.part();
        for (int j = 0; j < values; j++) {
            sum += scratch[from + j * g.parts()];
        }
        scratch[values * stride + g.local()] = sum;
        context.localBarrier();
    }

    /** Value v (weightRows·(activation row) + weight row) of the lane group, summed over its lanes by {@link #sumPass}. */
    static float groupTotal(float[] scratch, LaneGroup g, int value) {
        float total = 0f;
        for (int p = 0; p < g.parts(); p++) {
            total += scratch[g.values() * g.stride() + g.first() + p * g.values() + value];
        }
        return total;
    }
}
