package dev.squall.kernels.gemm;

import dev.squall.kernels.vector.HalfPairs;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.Tickets;
import dev.squall.kernels.vector.Run8;

/**
 * Tiled GEMM out = X·Wᵀ (+ out) on tensor cores for the m where {@link FlatGemmMma} runs out of
 * reuse (m above 16, up to prefill): x (m×k) and out (m×n) row-major fp32, w (n×k) row-major
 * binary16. {@link FlatGemmMma} gives each work-group 16 weight rows and reads them again for every
 * 16 activation rows, so at m = 64 it reads the weights four times. Here a work-group owns a tile
 * of {@code 32 · rowWarps} weight rows by {@code 32 · (8 / rowWarps)} activation rows and walks k in
 * chunks of {@link #DEPTH} columns through a ring of chunks in local memory:
 * <ul>
 * <li>a launch of its own, {@link #split}, first turns x into binary16 pairs (the nearest value and
 *     the remainder scaled by 2^11, as {@link FlatGemmMma} makes them, about 22 bits of each float),
 *     laid out in the order the mma fragments take them, once for all work-groups;</li>
 * <li>both operands of a chunk go into the ring by {@link KernelContext#copyAsync} ({@code cp.async}
 *     on CUDA), two chunks ahead of their mmas, so the bytes in flight wait in local memory;</li>
 * <li>each warp multiplies 32 weight rows (two mma tiles) by 32 activation rows (four tiles of 8),
 *     each fragment read once from local memory ({@code ld.shared.v4}, lane after lane: no bank
 *     conflicts) for two or four mmas.</li>
 * </ul>
 * The four kernels differ in tile shape and work-groups per compute unit; {@link TiledGemmForm}
 * holds their launch sizes and chooses among them.
 *
 * <p>With few tiles (n = 4096 gives 32 at m ≤ 64) the k range is split over {@code splits}
 * work-groups per tile ({@link #splitsFor}): each writes its sums to {@code parts} and takes the
 * tile's ticket ({@link Tickets}); the last adds all parts in split order, so the result does not
 * depend on which work-group finishes last.
 *
 * <p>Columns run through the ring when k is a multiple of 8 (the 16-byte copies need it) and a split
 * holds whole chunks; the rest (a split's last partial chunk, or every column when k is not a
 * multiple of 8) go straight from global memory into registers, 32 columns per step.
 *
 * <p>On an H200 (bench/results/2026-11-30-h200-tiled-gemm.md), with the form {@link TiledGemmForm#choose}
 * picks: 1.09–2.45× faster than {@link FlatGemmMma#f16} at m = 64 on all five flat shapes and at m = 32
 * on four of them, 0.37–0.90× cuBLAS (fp16 activations), 81–86% of the copy bandwidth on 128256×2048 at
 * m = 16–32. A first form read the fp32 activations itself, one chunk ahead into registers, and split
 * and stored them into the ring in every work-group (one launch, 166 registers). With {@code split}'s
 * 5–10 µs counted (it then stored two bytes at a time) it was 3–10% faster on n = 4096 and up to 14%
 * slower elsewhere, and its registers kept it to one work-group per compute unit, which cost it another
 * 10–25% where tiles are many.
 */
public final class TiledGemmMma {

    /** Work-items per work-group: eight warps. */
    public static final int THREADS = 256;
    /** Columns per chunk of the ring. */
    public static final int DEPTH = 64;
    /** {@link #f16}'s warps along the weight rows (two along the activation rows): 128 × 64 tiles. */
    public static final int WIDE_ROW_WARPS = 4;
    /** {@link #f16Narrow}'s warps along the weight rows (one along the activation rows): 256 × 32 tiles. */
    public static final int NARROW_ROW_WARPS = 8;
    /** The most splits {@link #splitsFor} gives. */
    public static final int MAX_SPLITS = 16;

    private static final int WARPS = THREADS / KernelContext.WARP_SIZE;
    /** Weight and activation rows per warp: two 16-row mma tiles by four 8-row ones. */
    private static final int WARP_ROWS = 32;
    /**
     * A split's fixed cost in chunks for {@link #splitsFor}: the ring's prologue, the parts written and
     * read back, the ticket.
     */
    private static final int SPLIT_COST_CHUNKS = 2;

    private TiledGemmMma() {
    }

    /** Weight rows per work-group of the form with {@code rowWarps} warps along them. */
    public static int rows(int rowWarps) {
        return rowWarps * WARP_ROWS;
    }

    /** Activation rows per work-group of the form with {@code rowWarps} warps along the weight rows. */
    public static int batch(int rowWarps) {
        return WARPS / rowWarps * WARP_ROWS;
    }

    /** Output tiles (each split {@code splits} ways) of a form. */
    public static int tiles(int m, int n, int rowWarps) {
        return Math.ceilDiv(n, rows(rowWarps)) * Math.ceilDiv(m, batch(rowWarps));
    }

    /** Global size of a launch: 1D, local {@link #THREADS}, one work-group per tile and split. */
    public static int globalX(int m, int n, int splits, int rowWarps) {
        return tiles(m, n, rowWarps) * splits * THREADS;
    }

    /**
     * Floats {@code parts} needs (one when splits is 1: it is then never touched); {@link #splitsFor}
     * never picks splits whose parts exceed 2^31 − 1 floats.
     */
    public static long partsLength(int m, int n, int splits) {
        return splits == 1 ? 1 : (long) splits * m * n;
    }

    /** Ints {@code tickets} needs: one per tile, zero before the first launch and left zero by each. */
    public static int ticketsLength(int m, int n, int rowWarps) {
        return tiles(m, n, rowWarps);
    }

    /** Local memory of a form: the ring and one int for the ticket. */
    public static int localBytes(int rowWarps, int stages) {
        return stages * (weightHalves(rowWarps) + pairHalves(rowWarps)) * 2 + 16;
    }

    /**
     * Splits of k per tile for a device of {@code computeUnits}, each running {@code groupsPerUnit}
     * work-groups at once: the fewest that minimise waves × (chunks per split + a split's fixed cost),
     * at most {@link #MAX_SPLITS} and at most one per chunk. n = 4096, k = 4096 at m ≤ 64 on 132 units
     * gives 4 (128 work-groups, one wave); n = 128256 gives 1. On an H200 halving or doubling the pick
     * was slower on every shape timed (bench/results/2026-11-30-h200-tiled-gemm.md).
     */
    public static int splitsFor(int m, int n, int k, int rowWarps, int computeUnits, int groupsPerUnit) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("a product needs m, n, k ≥ 1, got " + m + ", " + n + ", " + k);
        }
        if (pairsLength(m, k) > Integer.MAX_VALUE || (long) m * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TiledGemmMma indexes with 32-bit ints: m·n (" + (long) m * n
                    + ") and the pairs of x (" + pairsLength(m, k) + " halves) must stay below 2^31");
        }
        int tiles = tiles(m, n, rowWarps);
        int chunks = Math.ceilDiv(k, DEPTH);
        long wave = (long) Math.max(1, computeUnits) * Math.max(1, groupsPerUnit);
        int best = 1;
        long bestCost = Long.MAX_VALUE;
        for (int s = 1; s <= Math.min(MAX_SPLITS, chunks); s++) {
            if (s > 1 && partsLength(m, n, s) > Integer.MAX_VALUE) {
                break; // the parts of more splits would outgrow 32-bit indexing
            }
            long waves = Math.ceilDiv((long) tiles * s, wave);
            long cost = waves * (Math.ceilDiv(chunks, s) + SPLIT_COST_CHUNKS);
            if (cost < bestCost) {
                bestCost = cost;
                best = s;
            }
        }
        return best;
    }

    /**
     * Splits x (m×k, row-major fp32) into the binary16 pairs {@link #f16} reads ({@link #pairsLength}
     * halves): each float's nearest binary16 value and its remainder scaled by 2^11, in runs of eight
     * columns in the order a warp's lanes take them as mma fragments (row groups of 8 by column blocks
     * of 32, {@code 256} halves each; the remainders after all nearest values), rows padded to a
     * multiple of 8 and columns to a multiple of 32 with zeros. One work-item per run; grid
     * {@link #splitGlobalX}, local {@link #THREADS}.
     */
    public static void split(KernelContext context, FloatArray x, HalfFloatArray pairs, int m, int k) {
        int rows = (m + 7) / 8 * 8;
        int columns = (k + 31) / 32 * 32;
        int runs = rows * columns / 8;
        int p = context.globalIdx;
        if (p < runs) {
            int lane = p & (KernelContext.WARP_SIZE - 1);
            int block = p / KernelContext.WARP_SIZE;
            int blocks = columns / 32;
            int rowGroup = block / blocks;
            int row = 8 * rowGroup + (lane >> 2);
            int column = 32 * (block - rowGroup * blocks) + 8 * (lane & 3);
            Run8 v = row >= m ? Run8.zero()
                    : column + 8 <= k ? Run8.of(x, row * k + column) : HalfPairs.floatsUpTo(x, row * k, column, k);
            HalfPairs.high(v).store(pairs, p * 8);
            HalfPairs.low(v).store(pairs, rows * columns + p * 8);
        }
    }

    /** Halves {@link #split}'s output holds for m rows of k columns. */
    public static long pairsLength(int m, int k) {
        return 2L * Math.ceilDiv(m, 8) * 8 * Math.ceilDiv(k, 32) * 32;
    }

    /** Global size of {@link #split}'s launch: one work-item per run of eight columns, whole work-groups. */
    public static int splitGlobalX(int m, int k) {
        return Math.ceilDiv(Math.ceilDiv(m, 8) * Math.ceilDiv(k, 32) * KernelContext.WARP_SIZE, THREADS) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j below
     * n, with x given as {@link #split}'s {@code pairs}, in tiles of 128 weight rows by 64 activation
     * rows, one work-group per compute unit (156 registers, a ring of three chunks: 96 KB); grid
     * {@code TiledGemmForm.WIDE.globalX(m, n, splits)}. {@code parts} ({@link #partsLength}) and
     * {@code tickets} ({@link TiledGemmForm#ticketsLength}) serve splits above 1. {@link TiledGemmForm#choose}
     * says which of the four kernels to run.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = 1)
    public static void f16(KernelContext context, HalfFloatArray pairs, HalfFloatArray w, FloatArray out, int m, int n,
                           int k, int accumulate, int splits, FloatArray parts, IntArray tickets) {
        f16Form(context, pairs, w, out, m, n, k, accumulate, splits, parts, tickets, WIDE_ROW_WARPS, 3);
    }

    /**
     * {@link #f16} with tiles of 256 weight rows by 32 activation rows (120 KB of ring), for m up to 32;
     * grid {@code TiledGemmForm.NARROW.globalX(m, n, splits)}.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = 1)
    public static void f16Narrow(KernelContext context, HalfFloatArray pairs, HalfFloatArray w, FloatArray out, int m,
                                 int n, int k, int accumulate, int splits, FloatArray parts, IntArray tickets) {
        f16Form(context, pairs, w, out, m, n, k, accumulate, splits, parts, tickets, NARROW_ROW_WARPS, 3);
    }

    /**
     * {@link #f16} bounded to 128 registers, two work-groups per compute unit (2 × 96 KB of ring): for
     * many tiles, where the second group's warps hide the first's waits; grid
     * {@code TiledGemmForm.WIDE_TWO_GROUPS.globalX(m, n, splits)}.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = 2)
    public static void f16TwoGroups(KernelContext context, HalfFloatArray pairs, HalfFloatArray w, FloatArray out,
                                    int m, int n, int k, int accumulate, int splits, FloatArray parts,
                                    IntArray tickets) {
        f16Form(context, pairs, w, out, m, n, k, accumulate, splits, parts, tickets, WIDE_ROW_WARPS, 3);
    }

    /**
     * {@link #f16Narrow} bounded to 128 registers with a ring of two chunks, two work-groups per compute
     * unit (2 × 80 KB); grid {@code TiledGemmForm.NARROW_TWO_GROUPS.globalX(m, n, splits)}.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = 2)
    public static void f16NarrowTwoGroups(KernelContext context, HalfFloatArray pairs, HalfFloatArray w, FloatArray out,
                                          int m, int n, int k, int accumulate, int splits, FloatArray parts,
                                          IntArray tickets) {
        f16Form(context, pairs, w, out, m, n, k, accumulate, splits, parts, tickets, NARROW_ROW_WARPS, 2);
    }

    /** Halves of one chunk of activation pairs in the ring: the tile's rows by DEPTH columns, nearest values and remainders. */
    private static int pairHalves(int rowWarps) {
        return 2 * batch(rowWarps) * DEPTH;
    }

    /** Halves of one chunk of weights in the ring: the tile's rows by {@link #DEPTH} columns. */
    private static int weightHalves(int rowWarps) {
        return rows(rowWarps) * DEPTH;
    }

    /**
     * The kernel for {@code rowWarps} warps along the weight rows (4 or 8) and a ring of {@code stages}
     * chunks (at least 2), both compile-time constants of the caller: {@link #localBytes} of local
     * memory. Both operands of a chunk go into the ring by {@link KernelContext#copyAsync}, each 16-byte
     * piece to where the lane that reads it as an mma fragment finds it next to its neighbours'
     * ({@code ld.shared.v4}, no bank conflicts).
     */
    private static void f16Form(KernelContext context, HalfFloatArray pairs, HalfFloatArray w, FloatArray out, int m,
                                int n, int k, int accumulate, int splits, FloatArray parts, IntArray tickets,
                                int rowWarps, int stages) {
        int wChunk = weightHalves(rowWarps);
        int aChunk = pairHalves(rowWarps);
        short[] weights = context.allocateShortLocalArray(stages * wChunk);
        short[] activations = context.allocateShortLocalArray(stages * aChunk);
        int[] arrival = context.allocateIntLocalArray(1);
        int actWarps = WARPS / rowWarps;
        int rows = rows(rowWarps);
        int batch = batch(rowWarps);
        int rest = aChunk / 2; // a chunk's remainders follow its nearest values
        int local = context.localIdx;
        int lane = local & (KernelContext.WARP_SIZE - 1);
        int warp = local / KernelContext.WARP_SIZE;
        int rowWarp = warp % rowWarps;
        int actWarp = warp / rowWarps;
        int group = lane >> 2;
        int quad = lane & 3;
        // the work-group's tile and split: neighbouring groups share a split's activation columns
        int nBlocks = (n + rows - 1) / rows;
        int g = context.groupIdx;
        int nBlock = g % nBlocks;
        int split = g / nBlocks % splits;
        int mBlock = g / nBlocks / splits;
        int row0 = nBlock * rows;
        int mc = mBlock * batch;
        // the split's columns: whole chunks, the first chunks % splits splits one more
        int chunks = (k + DEPTH - 1) / DEPTH;
        int q = chunks / splits;
        int r = chunks - q * splits;
        int kLo = Math.min((split * q + Math.min(split, r)) * DEPTH, k);
        int kHi = Math.min(kLo + (q + (split < r ? 1 : 0)) * DEPTH, k);
        int ringEnd = k % 8 == 0 ? Math.max(kLo, Math.min(kHi, k / DEPTH * DEPTH)) : kLo;
        int count = (ringEnd - kLo) / DEPTH;
        // the pairs' layout (see split): blocks of 8 rows by 32 columns, remainders after all nearest values
        int pairBlocks = (k + 31) / 32;
        int lastGroup = (m + 7) / 8 - 1; // row groups past it repeat it: never stored
        int pairRest = (lastGroup + 1) * 8 * pairBlocks * 32;

        // what this work-item copies per chunk: weight pieces local + 256·i (8 columns of one row) for i
        // below rowWarps, and activation pieces local + 256·i (8 columns of one row group's lane) below actWarps
        int half = (local >> 5) & 1; // the chunk's first or second 32 columns
        int wRow = row0 + 16 * (local >> 7) + 8 * ((local >> 6) & 1) + group; // + 32·i
        // weight rows past n read row n − 1: never stored
        int w0 = Math.min(wRow, n - 1) * k + 32 * half + 8 * quad;
        int w1 = Math.min(wRow + 32, n - 1) * k + 32 * half + 8 * quad;
        int w2 = Math.min(wRow + 64, n - 1) * k + 32 * half + 8 * quad;
        int w3 = Math.min(wRow + 96, n - 1) * k + 32 * half + 8 * quad;
        int w4 = Math.min(wRow + 128, n - 1) * k + 32 * half + 8 * quad;
        int w5 = Math.min(wRow + 160, n - 1) * k + 32 * half + 8 * quad;
        int w6 = Math.min(wRow + 192, n - 1) * k + 32 * half + 8 * quad;
        int w7 = Math.min(wRow + 224, n - 1) * k + 32 * half + 8 * quad;
        int xGroup = mc / 8 + (local >> 6); // + 4·i
        int a0 = (Math.min(xGroup, lastGroup) * pairBlocks + half) * 32 * 8 + lane * 8;
        int a1 = (Math.min(xGroup + 4, lastGroup) * pairBlocks + half) * 32 * 8 + lane * 8;
        int mine = local * 8;
        // what this warp reads: weight tiles 2·rowWarp and 2·rowWarp + 1, activation tiles 4·actWarp … + 3
        int readW = 2 * rowWarp * 2 * 2 * KernelContext.WARP_SIZE * 8 + lane * 8;
        int readA = 4 * actWarp * 2 * KernelContext.WARP_SIZE * 8 + lane * 8;

        TileSums t0 = TileSums.zero();
        TileSums t1 = TileSums.zero();
        TileSums t2 = TileSums.zero();
        TileSums t3 = TileSums.zero();
        // the column tiles that hold an activation row for some warp (the same for the whole work-group,
        // as the mmas need; a warp of the second half may still multiply only repeated rows)
        boolean live1 = mc + 8 < m;
        boolean live2 = mc + 16 < m;
        boolean live3 = mc + 24 < m;

        for (int p = 0; p + 1 < stages; p++) { // the ring's first stages − 1 chunks
            if (p < count) {
                int c = kLo + p * DEPTH;
                copyWeights(context, weights, p * wChunk + mine, w, c, w0, w1, w2, w3, w4, w5, w6, w7, rowWarps);
                copyPairs(context, activations, p * aChunk + mine, rest, pairs, c / 32 * 32 * 8, a0, a1, pairRest,
                        actWarps);
            }
            context.commitCopies(); // empty groups too: chunk t's group is always the t-th
        }
        int slot = 0; // the ring slot of chunk t
        int fill = stages - 1; // the slot of chunk t + stages − 1, read last in the iteration before
        for (int t = 0; t < count; t++) {
            context.waitCopies(stages - 2); // this work-item's copies of chunk t have landed
            context.localBarrier(); // everyone's have, and everyone is done reading slot `fill`
            int c = kLo + t * DEPTH;
            if (t + stages - 1 < count) {
                int cAhead = c + (stages - 1) * DEPTH;
                copyWeights(context, weights, fill * wChunk + mine, w, cAhead, w0, w1, w2, w3, w4, w5, w6, w7,
                        rowWarps);
                copyPairs(context, activations, fill * aChunk + mine, rest, pairs, cAhead / 32 * 32 * 8, a0, a1,
                        pairRest, actWarps);
            }
            context.commitCopies();
            for (int j = 0; j < 2; j++) { // the chunk's two halves of 32 columns, two k-steps each
                int wAt = slot * wChunk + readW + j * KernelContext.WARP_SIZE * 8;
                int aAt = slot * aChunk + readA + j * KernelContext.WARP_SIZE * 8;
                HalfPairs low0 = HalfPairs.ofLocal(weights, wAt);
                HalfPairs high0 = HalfPairs.ofLocal(weights, wAt + 2 * KernelContext.WARP_SIZE * 8);
                HalfPairs low1 = HalfPairs.ofLocal(weights, wAt + 4 * KernelContext.WARP_SIZE * 8);
                HalfPairs high1 = HalfPairs.ofLocal(weights, wAt + 6 * KernelContext.WARP_SIZE * 8);
                t0 = t0.plus(context, low0, high0, low1, high1, HalfPairs.ofLocal(activations, aAt),
                        HalfPairs.ofLocal(activations, aAt + rest));
                if (live1) { // column tile 1: two pieces of 32 lanes on
                    int at = aAt + 2 * KernelContext.WARP_SIZE * 8;
                    t1 = t1.plus(context, low0, high0, low1, high1, HalfPairs.ofLocal(activations, at),
                            HalfPairs.ofLocal(activations, at + rest));
                }
                if (live2) {
                    int at = aAt + 4 * KernelContext.WARP_SIZE * 8;
                    t2 = t2.plus(context, low0, high0, low1, high1, HalfPairs.ofLocal(activations, at),
                            HalfPairs.ofLocal(activations, at + rest));
                }
                if (live3) {
                    int at = aAt + 6 * KernelContext.WARP_SIZE * 8;
                    t3 = t3.plus(context, low0, high0, low1, high1, HalfPairs.ofLocal(activations, at),
                            HalfPairs.ofLocal(activations, at + rest));
                }
            }
            slot = slot + 1 == stages ? 0 : slot + 1;
            fill = fill + 1 == stages ? 0 : fill + 1;
        }

        // the columns outside the ring, 32 per step, straight into registers: weights with zeros from
        // kHi on, pairs as split padded them (zeros past k; a split's kHi below k is a whole block)
        int wRead = row0 + rowWarp * WARP_ROWS + group;
        int wLow0 = Math.min(wRead, n - 1) * k;
        int wHigh0 = Math.min(wRead + 8, n - 1) * k;
        int wLow1 = Math.min(wRead + 16, n - 1) * k;
        int wHigh1 = Math.min(wRead + 24, n - 1) * k;
        int readGroup = mc / 8 + 4 * actWarp;
        int xa = Math.min(readGroup, lastGroup) * pairBlocks * 32 * 8 + lane * 8;
        int xb = Math.min(readGroup + 1, lastGroup) * pairBlocks * 32 * 8 + lane * 8;
        int xc = Math.min(readGroup + 2, lastGroup) * pairBlocks * 32 * 8 + lane * 8;
        int xd = Math.min(readGroup + 3, lastGroup) * pairBlocks * 32 * 8 + lane * 8;
        for (int c0 = ringEnd; c0 < kHi; c0 += 32) {
            int c = c0 + 8 * quad;
            int block = c0 / 32 * 32 * 8;
            HalfPairs low0 = HalfPairs.upTo(w, wLow0, c, kHi);
            HalfPairs high0 = HalfPairs.upTo(w, wHigh0, c, kHi);
            HalfPairs low1 = HalfPairs.upTo(w, wLow1, c, kHi);
            HalfPairs high1 = HalfPairs.upTo(w, wHigh1, c, kHi);
            t0 = t0.plus(context, low0, high0, low1, high1, HalfPairs.of(pairs, xa + block),
                    HalfPairs.of(pairs, xa + block + pairRest));
            if (live1) {
                t1 = t1.plus(context, low0, high0, low1, high1, HalfPairs.of(pairs, xb + block),
                        HalfPairs.of(pairs, xb + block + pairRest));
            }
            if (live2) {
                t2 = t2.plus(context, low0, high0, low1, high1, HalfPairs.of(pairs, xc + block),
                        HalfPairs.of(pairs, xc + block + pairRest));
            }
            if (live3) {
                t3 = t3.plus(context, low0, high0, low1, high1, HalfPairs.of(pairs, xd + block),
                        HalfPairs.of(pairs, xd + block + pairRest));
            }
        }
        finish(context, arrival, out, parts, tickets, t0, t1, t2, t3, mBlock * nBlocks + nBlock, split, splits,
                mc + actWarp * WARP_ROWS + 2 * quad, wRead, m, n, accumulate);
    }

    /**
     * Starts the copies of one chunk's activation pairs: this work-item's pieces of nearest values
     * ({@code pairs[block + a0]}, and {@code a1} with actWarps 2) to {@code to}, {@code to + 2048}, and
     * their remainders {@code pairRest} halves on in pairs, {@code rest} on in the ring.
     */
    private static void copyPairs(KernelContext context, short[] activations, int to, int rest, HalfFloatArray pairs,
                                  int block, int a0, int a1, int pairRest, int actWarps) {
        context.copyAsync(activations, to, pairs, block + a0);
        context.copyAsync(activations, to + rest, pairs, block + a0 + pairRest);
        if (actWarps > 1) {
            int piece = THREADS * 8;
            context.copyAsync(activations, to + piece, pairs, block + a1);
            context.copyAsync(activations, to + piece + rest, pairs, block + a1 + pairRest);
        }
    }

    /**
     * Writes a work-item's sums: to out when the tile has one split; else to its split's part, and when
     * its work-group is the tile's last ({@code ticket}), every split's part in split order to out.
     * {@code i0} and {@code wRead} are the lane's first activation and weight row.
     */
    private static void finish(KernelContext context, int[] arrival, FloatArray out, FloatArray parts,
                               IntArray tickets, TileSums t0, TileSums t1, TileSums t2, TileSums t3, int ticket,
                               int split, int splits, int i0, int wRead, int m, int n, int accumulate) {
        Run8 v0 = values(t0);
        Run8 v1 = values(t1);
        Run8 v2 = values(t2);
        Run8 v3 = values(t3);
        if (splits == 1) {
            emit(out, 0, v0, i0, wRead, m, n, accumulate);
            emit(out, 0, v1, i0 + 8, wRead, m, n, accumulate);
            emit(out, 0, v2, i0 + 16, wRead, m, n, accumulate);
            emit(out, 0, v3, i0 + 24, wRead, m, n, accumulate);
        } else {
            int part = split * m * n;
            emit(parts, part, v0, i0, wRead, m, n, 0);
            emit(parts, part, v1, i0 + 8, wRead, m, n, 0);
            emit(parts, part, v2, i0 + 16, wRead, m, n, 0);
            emit(parts, part, v3, i0 + 24, wRead, m, n, 0);
            if (Tickets.lastOf(context, tickets, ticket, splits, arrival)) {
                // every split's part in split order (so the sum does not depend on who came last), the 32
                // values of a split loaded together: one wait on memory per split, not per value
                Run8 s0 = Run8.zero();
                Run8 s1 = s0;
                Run8 s2 = s0;
                Run8 s3 = s0;
                for (int s = 0; s < splits; s++) {
                    int at = s * m * n;
                    s0 = s0.plus(load(parts, at, i0, wRead, m, n));
                    s1 = s1.plus(load(parts, at, i0 + 8, wRead, m, n));
                    s2 = s2.plus(load(parts, at, i0 + 16, wRead, m, n));
                    s3 = s3.plus(load(parts, at, i0 + 24, wRead, m, n));
                }
                emit(out, 0, s0, i0, wRead, m, n, accumulate);
                emit(out, 0, s1, i0 + 8, wRead, m, n, accumulate);
                emit(out, 0, s2, i0 + 16, wRead, m, n, accumulate);
                emit(out, 0, s3, i0 + 24, wRead, m, n, accumulate);
            }
        }
    }

    /** Starts the copies of one chunk's weights: this work-item's pieces at {@code to}, {@code to + 2048}, …. */
    private static void copyWeights(KernelContext context, short[] weights, int to, HalfFloatArray w, int c, int w0,
                                    int w1, int w2, int w3, int w4, int w5, int w6, int w7, int rowWarps) {
        int piece = THREADS * 8;
        context.copyAsync(weights, to, w, w0 + c);
        context.copyAsync(weights, to + piece, w, w1 + c);
        context.copyAsync(weights, to + 2 * piece, w, w2 + c);
        context.copyAsync(weights, to + 3 * piece, w, w3 + c);
        if (rowWarps == 8) {
            context.copyAsync(weights, to + 4 * piece, w, w4 + c);
            context.copyAsync(weights, to + 5 * piece, w, w5 + c);
            context.copyAsync(weights, to + 6 * piece, w, w6 + c);
            context.copyAsync(weights, to + 7 * piece, w, w7 + c);
        }
    }

    /**
     * A column tile's eight values of this lane: weight tile 0's c0…c3, then tile 1's (an mma tile's c0, c1
     * are row {@code group}, activation rows 2·quad and 2·quad + 1; c2, c3 the same of row group + 8).
     */
    private static Run8 values(TileSums t) {
        float back = 1f / HalfPairs.REST_SCALE; // exact: a power of two
        MmaAccumulator d0 = t.d0();
        MmaAccumulator r0 = t.r0();
        MmaAccumulator d1 = t.d1();
        MmaAccumulator r1 = t.r1();
        return new Run8(Math.fma(r0.c0(), back, d0.c0()), Math.fma(r0.c1(), back, d0.c1()),
                Math.fma(r0.c2(), back, d0.c2()), Math.fma(r0.c3(), back, d0.c3()), Math.fma(r1.c0(), back, d1.c0()),
                Math.fma(r1.c1(), back, d1.c1()), Math.fma(r1.c2(), back, d1.c2()), Math.fma(r1.c3(), back, d1.c3()));
    }

    /**
     * Writes a lane's eight values of a column tile ({@link #values}) to {@code dst[offset + i·n + row]} (added
     * to what is there when {@code accumulate != 0}): weight rows {@code row}, {@code row + 8}, {@code row + 16},
     * {@code row + 24}, activation rows i and i + 1, each below n and m.
     */
    private static void emit(FloatArray dst, int offset, Run8 v, int i, int row, int m, int n, int accumulate) {
        emitValue(dst, offset, v.v0(), i, row, m, n, accumulate);
        emitValue(dst, offset, v.v1(), i + 1, row, m, n, accumulate);
        emitValue(dst, offset, v.v2(), i, row + 8, m, n, accumulate);
        emitValue(dst, offset, v.v3(), i + 1, row + 8, m, n, accumulate);
        emitValue(dst, offset, v.v4(), i, row + 16, m, n, accumulate);
        emitValue(dst, offset, v.v5(), i + 1, row + 16, m, n, accumulate);
        emitValue(dst, offset, v.v6(), i, row + 24, m, n, accumulate);
        emitValue(dst, offset, v.v7(), i + 1, row + 24, m, n, accumulate);
    }

    private static void emitValue(FloatArray dst, int offset, float v, int i, int row, int m, int n, int accumulate) {
        if (i < m && row < n) {
            int o = offset + i * n + row;
            dst.set(o, accumulate != 0 ? dst.get(o) + v : v);
        }
    }

    /** The eight values {@link #emit} writes at the same place (zeros outside m × n). */
    private static Run8 load(FloatArray src, int offset, int i, int row, int m, int n) {
        return new Run8(valueAt(src, offset, i, row, m, n), valueAt(src, offset, i + 1, row, m, n),
                valueAt(src, offset, i, row + 8, m, n), valueAt(src, offset, i + 1, row + 8, m, n),
                valueAt(src, offset, i, row + 16, m, n), valueAt(src, offset, i + 1, row + 16, m, n),
                valueAt(src, offset, i, row + 24, m, n), valueAt(src, offset, i + 1, row + 24, m, n));
    }

    private static float valueAt(FloatArray src, int offset, int i, int row, int m, int n) {
        return i < m && row < n ? src.get(offset + i * n + row) : 0f;
    }
}
