package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.transformer.NormalisedInput;
import dev.squall.kernels.transformer.QkvStore;
import dev.squall.kernels.vector.Q8Runs;
import dev.squall.kernels.vector.Run8;

/**
 * The two GEMVs of a transformer block that take its RMSNorm in ({@link NormalisedInput}), shaped like
 * {@link FlatGemmByLanes#f16Gemv} and {@link FlatGemmByLanes#q8Gemv}: a group of {@code lanes} neighbouring
 * work-items reads two weight rows at once in runs (8 halves, or 16 Q8_0 quants and their scale), both against
 * the same run of the normalised input from local memory, and the group's two sums meet at the end (by warp
 * shuffles in the binary16 forms, in local memory in the Q8_0 ones: {@link #pairTotals}). Sizes, lanes and flags
 * are meant to be compiled as constants.
 * <ul>
 *   <li>SwiGLU ({@link #f16SwiGlu}, {@link #q8SwiGlu}): the two rows are row j of the gate matrix and row j of the
 *   up matrix; lane 0 writes out[j] = silu(gate)·up.</li>
 *   <li>Q/K/V ({@link #f16Qkv}, {@link #q8Qkv}): the two rows are an adjacent pair (2i, 2i + 1) of the stacked Q,
 *   K and V rows, so with RoPE taken in, a rotated pair's two halves meet in one lane ({@link QkvStore}) at any
 *   lane count.</li>
 * </ul>
 * They replace {@code MatVec}'s fused forms ({@code rmsNormSwiGlu…Spmd}, {@code rmsNormQkv…Spmd}), which take the
 * same arguments in the same order, for binary16 and Q8_0 weights. Those read the input twice, once per matrix
 * (gate, then up), and sum each row's lanes in a tree of barriers.
 */
public final class NormGemvByLanes {

    /** Work-items per work-group. */
    public static final int THREADS = FlatGemmByLanes.THREADS;

    /**
     * Floats of local memory the binary16 forms take for their sums by shuffles ({@link #pairTotals}): two per warp,
     * and at least the warps' sums of the norm ({@link NormalisedInput#firstWindow}).
     */
    static final int SHUFFLE_SCRATCH = 2 * (THREADS / KernelContext.WARP_SIZE);

    private NormGemvByLanes() {
    }

    /**
     * Lanes per row for a binary16 launch over {@code weightRows} weight rows in all (2n for SwiGLU, the Q, K and V
     * rows for Q/K/V) of k columns: {@link FlatGemmByLanes#gemvLanesFor}'s rule, two rows per lane group.
     */
    public static int f16LanesFor(int weightRows, int k) {
        return FlatGemmByLanes.gemvLanes(weightRows, k, 8);
    }

    /** As {@link #f16LanesFor} for Q8_0 weights: runs of 16 columns ({@link FlatGemmByLanes#q8GemvLanesFor}'s rule). */
    public static int q8LanesFor(int weightRows, int k) {
        return FlatGemmByLanes.gemvLanes(weightRows, k, 16);
    }

    /** Global size of a SwiGLU launch over n outputs: one output (a gate row and an up row) per lane group. */
    public static int swiGluGlobalX(int n, int lanes) {
        return FlatGemmByLanes.globalX(n, lanes, 1);
    }

    /** Global size of a Q/K/V launch over qRows + 2·kvRows rows: two rows per lane group. */
    public static int qkvGlobalX(int rows, int lanes) {
        return FlatGemmByLanes.globalX(rows, lanes, 2);
    }

    /**
     * out[j] = silu(g_j)·u_j for g = Wgate·h, u = Wup·h, h = RMSNorm(x) ⊙ normWeight over k columns, j below n;
     * weights row-major binary16 (n×k each). Grid {@link #swiGluGlobalX}, local {@link #THREADS}; lanes from
     * {@link #f16LanesFor}(2n, k), any power of two from 32 to {@link #THREADS}. Any k.
     */
    public static void f16SwiGlu(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                 FloatArray normWeight, FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(SHUFFLE_SCRATCH);
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, 2, 1);
        int row = g.row() / 2; // the group's output: its gate row and its up row
        int w = Math.min(row, n - 1) * k; // groups past n read row n - 1 and never store
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), THREADS, x, normWeight, k, eps, true);
        Dots4 d = Dots4.zero();
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), THREADS, x, normWeight, start, k);
            }
            d = f16Window(wGate, w + start, wUp, w + start, input, Math.min(NormalisedInput.WINDOW_COLS, k - start),
                    g.lane(), lanes, d);
        }
        swiGluStore(context, scratch, d, g, lanes, true, out, row, n, inverse);
    }

    /**
     * {@link #f16SwiGlu} for Q8_0 weights split into quants and scales ({@code Q8_0Array.quants()},
     * {@code scales()}); lanes from {@link #q8LanesFor}(2n, k). k must be a multiple of 32 (rows of whole blocks).
     */
    public static void q8SwiGlu(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, 2, 1);
        int row = g.row() / 2;
        int w = Math.min(row, n - 1) * k;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), THREADS, x, normWeight, k, eps, true);
        Dots4 d = Dots4.zero();
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), THREADS, x, normWeight, start, k);
            }
            d = q8Window(gateQuants, gateScales, w + start, upQuants, upScales, w + start, input,
                    Math.min(NormalisedInput.WINDOW_COLS, k - start), g.lane(), lanes, d);
        }
        swiGluStore(context, scratch, d, g, lanes, false, out, row, n, inverse);
    }

    /**
     * q = Wq·h, k = Wk·h, v = Wv·h for h = RMSNorm(x) ⊙ normWeight over cols columns, the rows stacked (qRows of Q,
     * then kvRows of K and of V; both even, as heads of an even size make them), with RoPE and the KV-cache write
     * taken in when {@code rope} = 1: the arguments and their meaning are {@code MatVec.rmsNormQkvF16Spmd}'s, see
     * {@link QkvStore#store}. Grid {@link #qkvGlobalX}(qRows + 2·kvRows, lanes), local {@link #THREADS}; lanes from
     * {@link #f16LanesFor}(qRows + 2·kvRows, cols), any power of two from 32 to {@link #THREADS}. Any cols.
     */
    public static void f16Qkv(KernelContext context, HalfFloatArray wq, HalfFloatArray wk, HalfFloatArray wv,
                              FloatArray x, FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows,
                              int kvRows, int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                              FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                              int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(SHUFFLE_SCRATCH);
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, 2, 1);
        int row = g.row(); // even: rows row and row + 1 of one matrix
        boolean isQ = row < qRows;
        boolean isK = !isQ && row < qRows + kvRows;
        int w = pairStart(row, qRows, kvRows, isQ, isK) * cols;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), THREADS, x, normWeight, cols, eps, true);
        Dots4 d = Dots4.zero();
        for (int start = 0; start < cols; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), THREADS, x, normWeight, start, cols);
            }
            int width = Math.min(NormalisedInput.WINDOW_COLS, cols - start);
            int a = w + start;
            // a lane group's rows lie in one matrix, so the branch is uniform over the group (and its warps)
            if (isQ) {
                d = f16Window(wq, a, wq, a + cols, input, width, g.lane(), lanes, d);
            } else if (isK) {
                d = f16Window(wk, a, wk, a + cols, input, width, g.lane(), lanes, d);
            } else {
                d = f16Window(wv, a, wv, a + cols, input, width, g.lane(), lanes, d);
            }
        }
        qkvStore(context, scratch, d, g, lanes, true, inverse, q, k, v, qRows, kvRows, keyCache, valueCache,
                rotation, state, headDim, ropeDim, positionStride, headStride, rope);
    }

    /**
     * {@link #f16Qkv} for Q8_0 weights split into quants and scales; lanes from {@link #q8LanesFor}. cols must be a
     * multiple of 32 (rows of whole blocks).
     */
    public static void q8Qkv(KernelContext context, ByteArray wq, HalfFloatArray wqScales, ByteArray wk,
                             HalfFloatArray wkScales, ByteArray wv, HalfFloatArray wvScales, FloatArray x,
                             FloatArray normWeight, FloatArray q, FloatArray k, FloatArray v, int qRows, int kvRows,
                             int cols, float eps, int lanes, FloatArray keyCache, FloatArray valueCache,
                             FloatArray rotation, IntArray state, int headDim, int ropeDim, int positionStride,
                             int headStride, int rope) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, THREADS, lanes, 2, 1);
        int row = g.row();
        boolean isQ = row < qRows;
        boolean isK = !isQ && row < qRows + kvRows;
        int w = pairStart(row, qRows, kvRows, isQ, isK) * cols;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), THREADS, x, normWeight, cols, eps, true);
        Dots4 d = Dots4.zero();
        for (int start = 0; start < cols; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), THREADS, x, normWeight, start, cols);
            }
            int width = Math.min(NormalisedInput.WINDOW_COLS, cols - start);
            int a = w + start;
            if (isQ) {
                d = q8Window(wq, wqScales, a, wq, wqScales, a + cols, input, width, g.lane(), lanes, d);
            } else if (isK) {
                d = q8Window(wk, wkScales, a, wk, wkScales, a + cols, input, width, g.lane(), lanes, d);
            } else {
                d = q8Window(wv, wvScales, a, wv, wvScales, a + cols, input, width, g.lane(), lanes, d);
            }
        }
        qkvStore(context, scratch, d, g, lanes, false, inverse, q, k, v, qRows, kvRows, keyCache, valueCache,
                rotation, state, headDim, ropeDim, positionStride, headStride, rope);
    }

    /**
     * The first of the pair's rows within its matrix; groups past the last row read V's last pair and never store.
     */
    private static int pairStart(int row, int qRows, int kvRows, boolean isQ, boolean isK) {
        return isQ ? row : isK ? row - qRows : Math.min(row - qRows - kvRows, kvRows - 2);
    }

    /**
     * d.r0 plus weight row a's dot product with the window's input, d.r1 plus row b's (a and b: the rows' first
     * column in this window), over width columns: runs of eight per lane, then the last width % 8 one per lane.
     */
    private static Dots4 f16Window(HalfFloatArray wa, int a, HalfFloatArray wb, int b, float[] input, int width,
                                   int lane, int lanes, Dots4 d) {
        float s0 = d.r0();
        float s1 = d.r1();
        for (int c = 8 * lane; c + 7 < width; c += 8 * lanes) {
            Run8 h = Run8.of(input, c);
            s0 = Run8.of(wa, a + c).fmaDot(h, s0);
            s1 = Run8.of(wb, b + c).fmaDot(h, s1);
        }
        for (int t = (width & ~7) + lane; t < width; t += lanes) {
            s0 = Math.fma(wa.getFloat(a + t), input[t], s0);
            s1 = Math.fma(wb.getFloat(b + t), input[t], s1);
        }
        return new Dots4(s0, s1, 0f, 0f);
    }

    /** {@link #f16Window} for Q8_0 rows: runs of 16 columns, half a block (width a multiple of 32). */
    private static Dots4 q8Window(ByteArray qa, HalfFloatArray sa, int a, ByteArray qb, HalfFloatArray sb, int b,
                                  float[] input, int width, int lane, int lanes, Dots4 d) {
        float s0 = d.r0();
        float s1 = d.r1();
        for (int c = 16 * lane; c < width; c += 16 * lanes) {
            Run8 low = Run8.of(input, c);
            Run8 high = Run8.of(input, c + 8);
            s0 = Q8Runs.fma(qa, sa, a + c, low, high, s0);
            s1 = Q8Runs.fma(qb, sb, b + c, low, high, s1);
        }
        return new Dots4(s0, s1, 0f, 0f);
    }

    /**
     * The lane group's two sums (d.r0 and d.r1 of every lane), valid in its lane 0. By warp shuffles when
     * {@code byShuffles} (scratch of {@link #SHUFFLE_SCRATCH} floats): a halving butterfly, in which at lane mask 16
     * lanes 0–15 keep the first sum and add their partner's while lanes 16–31 keep the second, and masks 8 … 1
     * finish each half, so lane 0 holds the warp's first sum and lane 16 its second. At 32 lanes one shuffle hands
     * lane 16's sum to lane 1; a group of more warps adds its warps' sums through local memory (one barrier),
     * lanes 0 and 1 of the group one sum each. Lane 1's sum then goes to lane 0. Otherwise in local memory
     * ({@link FlatGemmByLanes#sumPass}; scratch of {@link FlatGemmByLanes#scratchLength}(2, 1) floats). On an H200
     * shuffles took 4% less time in the binary16 forms and 2–6% more in the Q8_0 ones, which the callers follow
     * (bench/results/2026-12-01-h200-warp-shuffles.md). Every work-item of the work-group must call it, once per
     * launch (the local-memory words are not double-buffered).
     */
    private static Dots4 pairTotals(KernelContext context, float[] scratch, Dots4 d, LaneGroup g, int lanes,
                                    boolean byShuffles) {
        if (!byShuffles) {
            FlatGemmByLanes.sumPass(context, scratch, PassSums.zero().withFirst(d), g, 2, 1);
            boolean reader = g.lane() == 0;
            return new Dots4(reader ? FlatGemmByLanes.groupTotal(scratch, g, 0) : 0f,
                    reader ? FlatGemmByLanes.groupTotal(scratch, g, 1) : 0f, 0f, 0f);
        }
        int lane = g.local() & (KernelContext.WARP_SIZE - 1);
        boolean upper = (lane & 16) != 0;
        float v = (upper ? d.r1() : d.r0()) + context.warpShuffleXor(upper ? d.r0() : d.r1(), 16);
        v += context.warpShuffleXor(v, 8);
        v += context.warpShuffleXor(v, 4);
        v += context.warpShuffleXor(v, 2);
        v += context.warpShuffleXor(v, 1);
        float total;
        if (lanes == KernelContext.WARP_SIZE) {
            total = context.warpShuffleXor(v, lane < 2 ? lane ^ (lane * 16) : 0); // lane 1 takes lane 16's sum
        } else {
            if (lane % 16 == 0) {
                scratch[(g.local() / KernelContext.WARP_SIZE) * 2 + lane / 16] = v;
            }
            context.localBarrier();
            total = 0f;
            if (g.lane() < 2) {
                for (int w = 0; w < lanes / KernelContext.WARP_SIZE; w++) {
                    total += scratch[(g.first() / KernelContext.WARP_SIZE + w) * 2 + g.lane()];
                }
            }
        }
        return new Dots4(total, context.warpShuffleXor(total, 1), 0f, 0f);
    }

    /**
     * The lane group's gate and up sums meet ({@link #pairTotals}), and its lane 0 stores silu(gate)·up (both scaled
     * by the norm).
     */
    static void swiGluStore(KernelContext context, float[] scratch, Dots4 d, LaneGroup g, int lanes, boolean byShuffles,
                            FloatArray out, int row, int n, float inverse) {
        Dots4 totals = pairTotals(context, scratch, d, g, lanes, byShuffles);
        if (g.lane() == 0 && row < n) {
            float gate = inverse * totals.r0();
            float up = inverse * totals.r1();
            out.set(row, (float) (gate / (1.0 + Math.exp(-gate))) * up);
        }
    }

    /**
     * The lane group's pair of sums meet ({@link #pairTotals}), and its lane 0 stores both rows (each the other's
     * rotation partner).
     */
    private static void qkvStore(KernelContext context, float[] scratch, Dots4 d, LaneGroup g, int lanes,
                                 boolean byShuffles, float inverse, FloatArray q, FloatArray k, FloatArray v, int qRows,
                                 int kvRows, FloatArray keyCache, FloatArray valueCache, FloatArray rotation,
                                 IntArray state, int headDim, int ropeDim, int positionStride, int headStride, int rope) {
        Dots4 totals = pairTotals(context, scratch, d, g, lanes, byShuffles);
        int row = g.row();
        if (g.lane() == 0 && row < qRows + 2 * kvRows) {
            float first = inverse * totals.r0();
            float second = inverse * totals.r1();
            QkvStore.store(row, first, second, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state, headDim,
                    ropeDim, positionStride, headStride, rope);
            QkvStore.store(row + 1, second, first, q, k, v, qRows, kvRows, keyCache, valueCache, rotation, state, headDim,
                    ropeDim, positionStride, headStride, rope);
        }
    }
}
