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
 * Flat GEMM out = X·Wᵀ (+ out) with binary16 weights on tensor cores
 * ({@link KernelContext#mma16x8x16}), for the m = 8…16 where CUDA cores run out of multiply-adds
 * per weight byte. FlashDecoding++'s layout with the batch on the mma's n = 8 side: A is 16 weight
 * rows by 16 columns, read straight from W; B is 16 columns by 8 activation rows (X row-major is B
 * column-major); D is 16 weight rows by 8 activation rows, so m pads to 8, and a second tile takes
 * rows 8…15. A work-group owns 16 weight rows; its eight warps split the columns in trips of
 * {@link #UNROLL} steps of 32 ({@link #STREAM_UNROLL} in the stream-K form), each lane reading per
 * step eight consecutive columns of two weight rows (one 16-byte load each) and of its activation row:
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
    /**
     * Steps {@link #f16}'s warps load before they multiply (bytes in flight per lane): four 32-column
     * steps of two weight rows, 4 KB per warp per trip.
     */
    public static final int UNROLL = 4;
    /** {@link #f16Stream}'s steps per trip (a chunk of its stream is one group span of 512 columns). */
    static final int STREAM_UNROLL = 2;

    /** {@link #f16}'s default: the second tile's rows read with the first's, through a select when m ≤ 8. */
    static final int SECOND_ROWS_SELECTED = 0;
    /** The second tile's rows always read with the first's (row m − 1 again when m ≤ 8). */
    static final int SECOND_ROWS_ALWAYS = 1;
    /** The second tile's rows read inside its branch, after the first tile's mmas. */
    static final int SECOND_ROWS_LATE = 2;

    /** {@link #f16Stream}'s work-groups per compute unit: its registers (bounded to 64) allow four. */
    public static final int STREAM_GROUPS_PER_UNIT = 4;
    /** The most work-groups {@link #streamGroups} gives (more would only grow the parts). */
    public static final int MAX_STREAM_GROUPS = 4096;

    private static final int WARPS = THREADS / KernelContext.WARP_SIZE;
    /** Values of a 16 × 16 output tile: one per work-item of an eight-warp group, eight per lane of a warp. */
    static final int VALUES = ROWS * BATCH;

    private FlatGemmMma() {
    }

    /** Global size of {@link #f16}'s launch: 1D, local {@link #THREADS}, {@link #ROWS} weight rows per work-group. */
    public static int globalX(int n) {
        return Math.ceilDiv(n, ROWS) * THREADS;
    }

    /**
     * out[i][j] = Σ_p x[i][p]·w[j][p] (+ out[i][j] when {@code accumulate != 0}) for i below m, j
     * below n: x (m×k) and out (m×n) row-major fp32, w (n×k) row-major binary16. Grid {@link #globalX}.
     *
     * <p>Each warp loads {@link #UNROLL} = 4 steps (4 KB of weights) per trip, so a warp makes half the
     * trips it did with two, each waiting on memory once; that takes 128 registers, two work-groups
     * per compute unit. The second activation tile's rows (m ≥ 9) are read with the first's
     * ({@link #SECOND_ROWS_SELECTED}). On an H200 this took 2–27% less time than two steps per trip on
     * all five shapes at m = 1…64 (7–23% at m ≤ 16), and was as fast as or faster than sixteen warps per
     * work-group and faster than stream-K with four steps
     * (bench/results/2026-11-30-h200-flat-gemm-trips.md). Reading only the first tile's rows up to m =
     * 8 ({@link #SECOND_ROWS_LATE}) is 0–4% faster there but 2–14% slower at m = 16, and one kernel
     * holding both forms behind a branch on m ran its m ≥ 9 form as slowly as the late one, so f16
     * keeps the one form.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = 2)
    public static void f16(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n, int k,
                           int accumulate) {
        f16SecondRows(context, x, w, out, m, n, k, accumulate, SECOND_ROWS_SELECTED, UNROLL);
    }

    /**
     * {@link #f16} with {@code secondRows}, a compile-time choice of where the second activation tile's
     * rows (m > 8) are read: {@link #SECOND_ROWS_SELECTED} (with the first tile's, or the first tile's
     * registers again when m ≤ 8: a select of two eight-float records, 16 moves per trip),
     * {@link #SECOND_ROWS_ALWAYS} (with the first tile's, row m − 1 again when m ≤ 8) or
     * {@link #SECOND_ROWS_LATE} (inside the second tile's branch, after the first tile's mmas), and
     * {@code unroll} (2 or 4) steps per trip. Callers pass constants, so the unchosen forms fold away.
     * With two steps per trip (the form before four, 72 registers) the last two were 10–16% faster on
     * 14336×4096 and 128256×2048 and up to 6% slower on 11008×4096 at m ≤ 8, and 12–33% slower on three
     * of the five shapes at m = 9…16 (bench/results/2026-11-30-h200-stream-k.md).
     */
    static void f16SecondRows(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                              int k, int accumulate, int secondRows, int unroll) {
        float[] partials = context.allocateFloatLocalArray(WARPS * VALUES);
        f16Form(context, partials, x, w, out, m, n, k, accumulate, secondRows, WARPS, unroll);
    }

    /**
     * {@link #f16SecondRows} for work-groups of {@code warps} warps ({@code warps · 32} work-items, the
     * grid {@code ceil(n / 16) · warps · 32}) that each load {@code unroll} steps (2 or 4) per trip;
     * {@code partials} holds {@code warps · }{@link #VALUES} floats. Every tunable is a compile-time
     * constant of the caller. {@code warps} must be at least 8: the first {@link #VALUES} work-items
     * hold the tile's outputs, one each (fewer warps would leave outputs unwritten).
     */
    static void f16Form(KernelContext context, float[] partials, FloatArray x, HalfFloatArray w, FloatArray out,
                        int m, int n, int k, int accumulate, int secondRows, int warps, int unroll) {
        short[] unstaged = context.allocateShortLocalArray(8); // never used without stages: compiled away
        f16StagedForm(context, partials, unstaged, x, w, out, m, n, k, accumulate, secondRows, warps, unroll, 0);
    }

    /**
     * {@link #f16Form} with the weights of each trip copied into local memory {@code stages − 1} trips
     * before their mmas ({@link KernelContext#copyAsync}: {@code cp.async} on CUDA), a ring of
     * {@code stages} trips per warp in {@code staged} ({@code stages · 2 · unroll · warps · 32 · 8}
     * halves), so the bytes in flight wait in local memory, not in registers; {@code stages} 0 is
     * {@link #f16Form}. Each lane
     * reads back only what it copied, so the ring needs no barrier. The copies need 16-byte alignment:
     * when k is not a multiple of 8 every column goes through the (slower) tail loop instead.
     */
    static void f16StagedForm(KernelContext context, float[] partials, short[] staged, FloatArray x, HalfFloatArray w,
                              FloatArray out, int m, int n, int k, int accumulate, int secondRows, int warps,
                              int unroll, int stages) {
        int local = context.localIdx;
        int row0 = context.groupIdx * ROWS;
        int span = span(warps, unroll);
        for (int mc = 0; mc < m; mc += BATCH) {
            int full = stages > 0 && k % 8 != 0 ? 0 : k / span * span;
            float sum = tile(context, partials, staged, x, w, m, n, k, row0, mc, 0, full, full, secondRows, false,
                    warps, unroll, stages);
            int row = row0 + outputRow(local);
            int i = mc + outputColumn(local);
            if (holdsOutput(local, warps) && row < n && i < m) {
                int o = i * n + row;
                out.set(o, accumulate != 0 ? out.get(o) + sum : sum);
            }
        }
    }

    /**
     * {@link #f16} as a stream-K launch: a fixed grid of {@code groups} work-groups (see
     * {@link #streamGroups}, which fills the device once) shares out the n / 16 row blocks × k / 512
     * column chunks evenly, so no wave of work-groups runs part-empty and a small n still spreads over
     * every compute unit. A work-group that covers only part of a row block's chunks writes its sums
     * to {@code parts} ({@link #streamPartsLength}) and takes a ticket ({@code tickets},
     * {@link #streamTicketsLength} ints, zero before the first launch and left zero by every launch);
     * the last to arrive adds every part in work-group order, so the result does not depend on timing.
     * It reads the second activation tile's rows late ({@link #SECOND_ROWS_LATE}: 64 registers, four
     * groups per compute unit). On an H200 it was 9–15% faster than {@link #f16} with two steps per
     * trip on 4096×11008, 14336×4096 and 128256×2048 and 3–6% slower on 4096×4096 and 11008×4096, m =
     * 1, 8 and 16 (bench/results/2026-11-30-h200-stream-k.md); {@link #f16} with four steps per trip is
     * faster than it on all five shapes at m = 1…16, and faster than stream-K with four steps
     * (bench/results/2026-11-30-h200-flat-gemm-trips.md). Grid: {@code groups · THREADS} work-items,
     * local {@link #THREADS}.
     */
    @LaunchBounds(maxGroupSize = THREADS, minGroupsPerComputeUnit = STREAM_GROUPS_PER_UNIT)
    public static void f16Stream(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                                 int k, int accumulate, FloatArray parts, IntArray tickets) {
        f16StreamForm(context, x, w, out, m, n, k, accumulate, parts, tickets, SECOND_ROWS_LATE, false, STREAM_UNROLL);
    }

    /**
     * {@link #f16Stream} with {@link #f16SecondRows}'s compile-time choice {@code secondRows}, and with
     * {@code ahead} (compile-time too) each span's weights loaded one trip before their mmas (16 more
     * registers, twice the weight bytes in flight per warp), and {@code unroll} steps (2 or 4, compile-time)
     * per trip, a chunk being one group span of {@code 8 · 32 · unroll} columns.
     */
    static void f16StreamForm(KernelContext context, FloatArray x, HalfFloatArray w, FloatArray out, int m, int n,
                              int k, int accumulate, FloatArray parts, IntArray tickets, int secondRows,
                              boolean ahead, int unroll) {
        float[] partials = context.allocateFloatLocalArray(WARPS * VALUES);
        int[] arrival = context.allocateIntLocalArray(1);
        short[] unstaged = context.allocateShortLocalArray(8); // never used without stages: compiled away
        int local = context.localIdx;
        int groups = context.globalGroupSizeX / THREADS;
        int g = context.groupIdx;
        int span = span(WARPS, unroll);
        int chunks = (k + span - 1) / span; // the last k % span columns a chunk of their own
        int units = (n + ROWS - 1) / ROWS * chunks;
        // group h takes units from h·q + min(h, r): the first r groups one more (q, r: one division here, none later)
        int q = units / groups;
        int r = units - q * groups;
        int u = g * q + Math.min(g, r);
        int end = u + q + (g < r ? 1 : 0);
        while (u < end) {
            int block = u / chunks;
            int cLo = u - block * chunks;
            int cHi = Math.min(chunks, cLo + end - u);
            for (int mc = 0; mc < m; mc += BATCH) {
                int full = k / span * span;
                float sum = tile(context, partials, unstaged, x, w, m, n, k, block * ROWS, mc, cLo * span,
                        Math.min(cHi * span, full), cHi * span > full ? full : k, secondRows, ahead, WARPS, unroll,
                        0); // the last chunk holds the tail
                int row = block * ROWS + outputRow(local);
                int i = mc + outputColumn(local);
                int o = i * n + row;
                if (cLo == 0 && cHi == chunks) { // the whole block: the same for the whole work-group
                    if (row < n && i < m) {
                        out.set(o, accumulate != 0 ? out.get(o) + sum : sum);
                    }
                } else {
                    int passes = (m + BATCH - 1) / BATCH;
                    int pass = mc / BATCH;
                    int ticket = block * passes + pass;
                    parts.set(partIndex(g, cLo, pass, passes, local), sum);
                    // the groups that share the block, in order: g's neighbours while their units reach into
                    // it (groups without units, when there are more groups than units, come after all others)
                    int blockStart = block * chunks;
                    int first = g;
                    while (first > 0 && first * q + Math.min(first, r) > blockStart) {
                        first--; // group first - 1 ends where first starts, inside the block
                    }
                    int last = g;
                    while (last + 1 < groups && (last + 1) * q + Math.min(last + 1, r) < blockStart + chunks) {
                        last++;
                    }
                    if (Tickets.lastOf(context, tickets, ticket, last - first + 1, arrival)) { // all parts visible
                        float total = 0f;
                        for (int h = first; h <= last; h++) {
                            int hLo = Math.max(h * q + Math.min(h, r) - blockStart, 0);
                            total += parts.get(partIndex(h, hLo, pass, passes, local));
                        }
                        if (row < n && i < m) {
                            out.set(o, accumulate != 0 ? out.get(o) + total : total);
                        }
                    }
                }
            }
            u += cHi - cLo;
        }
    }

    /** Work-groups for {@link #f16Stream}: as many as run at once on {@code computeUnits}. */
    public static int streamGroups(int computeUnits) {
        return Math.min(MAX_STREAM_GROUPS, STREAM_GROUPS_PER_UNIT * Math.max(1, computeUnits));
    }

    /** Floats {@link #f16Stream}'s {@code parts} needs for {@code groups} work-groups and m activation rows. */
    public static long streamPartsLength(int groups, int m) {
        return (long) groups * 2 * Math.ceilDiv(m, BATCH) * THREADS;
    }

    /** Ints {@link #f16Stream}'s {@code tickets} needs for n weight rows and m activation rows. */
    public static int streamTicketsLength(int n, int m) {
        return Math.ceilDiv(n, ROWS) * Math.ceilDiv(m, BATCH);
    }

    /**
     * Where work-group g keeps its part of a block for a pass: slot 0 when its units start inside the
     * block (cLo > 0, its first block), slot 1 when they start at the block's first chunk (its last
     * block); a group has at most one of each.
     */
    private static int partIndex(int g, int cLo, int pass, int passes, int local) {
        return ((g * 2 + (cLo > 0 ? 0 : 1)) * passes + pass) * THREADS + local;
    }

    /**
     * Starts the copies of one trip's weights into the ring (see {@link #f16StagedForm}): the lane's
     * {@code 2 · unroll} chunks of eight halves (steps 0 … unroll − 1 of rows wLow and wHigh at column
     * c) to {@code to}, {@code to + slot}, …, in the order the trip reads them.
     */
    private static void stageTrip(KernelContext context, short[] staged, HalfFloatArray w, int wLow, int wHigh, int c,
                                  int to, int slot, int unroll) {
        context.copyAsync(staged, to, w, wLow + c);
        context.copyAsync(staged, to + slot, w, wHigh + c);
        context.copyAsync(staged, to + 2 * slot, w, wLow + c + STEP);
        context.copyAsync(staged, to + 3 * slot, w, wHigh + c + STEP);
        if (unroll == 4) {
            context.copyAsync(staged, to + 4 * slot, w, wLow + c + 2 * STEP);
            context.copyAsync(staged, to + 5 * slot, w, wHigh + c + 2 * STEP);
            context.copyAsync(staged, to + 6 * slot, w, wLow + c + 3 * STEP);
            context.copyAsync(staged, to + 7 * slot, w, wHigh + c + 3 * STEP);
        }
    }

    /** Columns a work-group of {@code warps} warps covers per trip of {@code unroll} steps. */
    private static int span(int warps, int unroll) {
        return warps * STEP * unroll;
    }

    /**
     * Whether work-item {@code local} holds one of the tile's {@link #VALUES} outputs: all of an
     * eight-warp group (decided when the kernel is compiled), the first VALUES of a larger one.
     */
    private static boolean holdsOutput(int local, int warps) {
        return warps * KernelContext.WARP_SIZE == VALUES || local < VALUES;
    }

    /** The weight row (within the block) of the output work-item v writes: lane v / 8 held it. */
    private static int outputRow(int v) {
        return (v / 8 >> 2) + ((v % 8 & 2) != 0 ? 8 : 0);
    }

    /** The activation row (within the pass) of the output work-item v writes. */
    private static int outputColumn(int v) {
        int value = v % 8;
        return (value >= 4 ? 8 : 0) + 2 * (v / 8 & 3) + (value & 1);
    }

    /**
     * The products of weight rows row0 … row0 + 15 and activation rows mc … mc + 15 over whole spans
     * of columns from spanStart to spanEnd and then the columns from tailStart to k (a tail shorter
     * than a span, or none when tailStart = k); returns work-item v's one value of them (see
     * {@link #outputRow}, {@link #outputColumn}) once the warps' sums met in local memory.
     */
    private static float tile(KernelContext context, float[] partials, short[] staged, FloatArray x, HalfFloatArray w,
                              int m, int n, int k, int row0, int mc, int spanStart, int spanEnd, int tailStart,
                              int secondRows, boolean ahead, int warps, int unroll, int stages) {
        int local = context.localIdx;
        int lane = local & (KernelContext.WARP_SIZE - 1);
        int warp = local / KernelContext.WARP_SIZE;
        int group = lane >> 2; // the lane's rows: weight rows group and group + 8, activation row group
        int quad = lane & 3; // the lane's columns in a step: 8·quad … 8·quad + 7
        // weight rows past n read row n - 1 and are never stored (every work-item must reach the mmas)
        int wLow = Math.min(row0 + group, n - 1) * k;
        int wHigh = Math.min(row0 + group + 8, n - 1) * k;
        // activation rows past m repeat row m - 1 and are never stored
        int x0 = Math.min(mc + group, m - 1) * k;
        int x1 = Math.min(mc + 8 + group, m - 1) * k;
        boolean second = mc + 8 < m; // the same for the whole work-group, as the mmas need
        // per tile: products with the nearest values (d) and with the scaled remainders (r)
        MmaAccumulator d0 = MmaAccumulator.zero();
        MmaAccumulator r0 = MmaAccumulator.zero();
        MmaAccumulator d1 = MmaAccumulator.zero();
        MmaAccumulator r1 = MmaAccumulator.zero();
        int lanes = warp * (STEP * unroll) + 8 * quad; // the lane's first column in a span
        int span = span(warps, unroll);
        // with ahead, the weights of the loop's next span, loaded one trip early (zeros before a loop of no trips)
        HalfPairs na0 = HalfPairs.zero();
        HalfPairs na1 = HalfPairs.zero();
        HalfPairs nb0 = HalfPairs.zero();
        HalfPairs nb1 = HalfPairs.zero();
        if (ahead && spanStart < spanEnd) {
            na0 = HalfPairs.of(w, wLow + spanStart + lanes);
            na1 = HalfPairs.of(w, wHigh + spanStart + lanes);
            nb0 = HalfPairs.of(w, wLow + spanStart + lanes + STEP);
            nb1 = HalfPairs.of(w, wHigh + spanStart + lanes + STEP);
        }
        // with stages: the ring's slot (one chunk of every lane), a trip's chunks, and the trips before the loop
        int slot = warps * KernelContext.WARP_SIZE * 8;
        int tripHalves = 2 * unroll * slot;
        int mine = local * 8;
        if (stages > 0) { // a constant: without stages the prologue's loop is gone, not just never entered
            for (int p = 0; p + 1 < stages; p++) {
                if (spanStart + p * span < spanEnd) {
                    stageTrip(context, staged, w, wLow, wHigh, spanStart + p * span + lanes, p * tripHalves + mine,
                            slot, unroll);
                }
                context.commitCopies(); // empty groups too, so that every trip's group is stages − 1 back
            }
        }
        int ring = 0; // the ring's stage this trip reads
        for (int c0 = spanStart; c0 < spanEnd; c0 += span) {
            int c = c0 + lanes;
            int from = ring * tripHalves + mine;
            if (stages > 0) {
                // refill the stage the last trip read (this lane's own reads, long done) stages − 1 trips ahead
                int refill = ring == 0 ? stages - 1 : ring - 1;
                if (c0 + (stages - 1) * span < spanEnd) {
                    stageTrip(context, staged, w, wLow, wHigh, c + (stages - 1) * span, refill * tripHalves + mine,
                            slot, unroll);
                }
                context.commitCopies();
                context.waitCopies(stages - 1);
                ring = ring + 1 == stages ? 0 : ring + 1;
            }
            // every load first: the mmas are collectives, which loads do not move across
            HalfPairs a0 = stages > 0 ? HalfPairs.ofLocal(staged, from) : ahead ? na0 : HalfPairs.of(w, wLow + c);
            HalfPairs a1 = stages > 0 ? HalfPairs.ofLocal(staged, from + slot) : ahead ? na1 : HalfPairs.of(w, wHigh + c);
            HalfPairs b0 = stages > 0 ? HalfPairs.ofLocal(staged, from + 2 * slot)
                    : ahead ? nb0 : HalfPairs.of(w, wLow + c + STEP);
            HalfPairs b1 = stages > 0 ? HalfPairs.ofLocal(staged, from + 3 * slot)
                    : ahead ? nb1 : HalfPairs.of(w, wHigh + c + STEP);
            if (ahead) {
                // the next span's, or this one's again on the last trip (cached; keeps every address inside w)
                int next = Math.min(c0 + span, spanEnd - span) + lanes;
                na0 = HalfPairs.of(w, wLow + next);
                na1 = HalfPairs.of(w, wHigh + next);
                nb0 = HalfPairs.of(w, wLow + next + STEP);
                nb1 = HalfPairs.of(w, wHigh + next + STEP);
            }
            // with unroll = 4, steps 2 and 3 (otherwise step 0's registers again, never used)
            boolean four = unroll == 4;
            HalfPairs e0 = !four ? a0 : stages > 0 ? HalfPairs.ofLocal(staged, from + 4 * slot)
                    : HalfPairs.of(w, wLow + c + 2 * STEP);
            HalfPairs e1 = !four ? a1 : stages > 0 ? HalfPairs.ofLocal(staged, from + 5 * slot)
                    : HalfPairs.of(w, wHigh + c + 2 * STEP);
            HalfPairs f0 = !four ? a0 : stages > 0 ? HalfPairs.ofLocal(staged, from + 6 * slot)
                    : HalfPairs.of(w, wLow + c + 3 * STEP);
            HalfPairs f1 = !four ? a1 : stages > 0 ? HalfPairs.ofLocal(staged, from + 7 * slot)
                    : HalfPairs.of(w, wHigh + c + 3 * STEP);
            Run8 xa = Run8.of(x, x0 + c);
            Run8 xb = Run8.of(x, x0 + c + STEP);
            Run8 xe = four ? Run8.of(x, x0 + c + 2 * STEP) : xa;
            Run8 xf = four ? Run8.of(x, x0 + c + 3 * STEP) : xa;
            Run8 ya = secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c)
                    : secondRows == SECOND_ROWS_LATE ? xa : second ? Run8.of(x, x1 + c) : xa;
            Run8 yb = secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c + STEP)
                    : secondRows == SECOND_ROWS_LATE ? xb : second ? Run8.of(x, x1 + c + STEP) : xb;
            Run8 ye = !four ? xa : secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c + 2 * STEP)
                    : secondRows == SECOND_ROWS_LATE ? xe : second ? Run8.of(x, x1 + c + 2 * STEP) : xe;
            Run8 yf = !four ? xa : secondRows == SECOND_ROWS_ALWAYS ? Run8.of(x, x1 + c + 3 * STEP)
                    : secondRows == SECOND_ROWS_LATE ? xf : second ? Run8.of(x, x1 + c + 3 * STEP) : xf;
            d0 = steps(context, a0, a1, HalfPairs.high(xa), d0);
            r0 = steps(context, a0, a1, HalfPairs.low(xa), r0);
            d0 = steps(context, b0, b1, HalfPairs.high(xb), d0);
            r0 = steps(context, b0, b1, HalfPairs.low(xb), r0);
            if (four) {
                d0 = steps(context, e0, e1, HalfPairs.high(xe), d0);
                r0 = steps(context, e0, e1, HalfPairs.low(xe), r0);
                d0 = steps(context, f0, f1, HalfPairs.high(xf), d0);
                r0 = steps(context, f0, f1, HalfPairs.low(xf), r0);
            }
            if (second) {
                Run8 y0 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c) : ya;
                Run8 y1 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c + STEP) : yb;
                d1 = steps(context, a0, a1, HalfPairs.high(y0), d1);
                r1 = steps(context, a0, a1, HalfPairs.low(y0), r1);
                d1 = steps(context, b0, b1, HalfPairs.high(y1), d1);
                r1 = steps(context, b0, b1, HalfPairs.low(y1), r1);
                if (four) {
                    Run8 y2 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c + 2 * STEP) : ye;
                    Run8 y3 = secondRows == SECOND_ROWS_LATE ? Run8.of(x, x1 + c + 3 * STEP) : yf;
                    d1 = steps(context, e0, e1, HalfPairs.high(y2), d1);
                    r1 = steps(context, e0, e1, HalfPairs.low(y2), r1);
                    d1 = steps(context, f0, f1, HalfPairs.high(y3), d1);
                    r1 = steps(context, f0, f1, HalfPairs.low(y3), r1);
                }
            }
        }
        // the tail: the last k % span columns, one step per warp, zeros past k
        for (int c0 = tailStart; c0 < k; c0 += warps * STEP) {
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
        int at = warp * VALUES + lane * 8;
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
        // work-item v < VALUES sums value v % 8 of lane v / 8 over the warps: one output each
        float sum = 0f;
        if (holdsOutput(local, warps)) {
            for (int u = 0; u < warps; u++) {
                sum += partials[u * VALUES + local];
            }
        }
        context.localBarrier(); // the partials are read before the next tile writes them
        return sum;
    }

    /** The two k-steps of a lane's eight columns: columns 4s … 4s + 3 of the eight are k-step s. */
    static MmaAccumulator steps(KernelContext context, HalfPairs low, HalfPairs high, HalfPairs xs,
                                        MmaAccumulator d) {
        d = context.mma16x8x16(low.p0(), high.p0(), low.p1(), high.p1(), xs.p0(), xs.p1(), d);
        return context.mma16x8x16(low.p2(), high.p2(), low.p3(), high.p3(), xs.p2(), xs.p3(), d);
    }
}
