package dev.squall.jit.corpus;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.spi.MmaSemantics;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.Half;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;

/** KernelContext kernels: ids, local memory, barriers, atomics, 2D and 3D grids. */
public final class SpmdKernels {

    public static final int TILE = 8;

    private SpmdKernels() {
    }

    /** A histogram with global atomics: order-independent, so exact on every backend. */
    public static void histogram(KernelContext ctx, IntArray values, IntArray bins) {
        int i = ctx.globalIdx;
        if (i < values.getSize()) {
            int bin = Math.floorMod(values.get(i), bins.getSize());
            ctx.atomicAdd(bins, bin, 1);
        }
    }

    /** Per-group counts in local memory with local atomics, then one global add per group. */
    public static void localHistogram(KernelContext ctx, IntArray values, IntArray bins) {
        int[] local = ctx.allocateIntLocalArray(16);
        int l = ctx.localIdx;
        if (l < 16) {
            local[l] = 0;
        }
        ctx.localBarrier();
        int i = ctx.globalIdx;
        if (i < values.getSize()) {
            ctx.atomicAdd(local, values.get(i) & 15, 1);
        }
        ctx.localBarrier();
        if (l < 16) {
            ctx.atomicAdd(bins, l, local[l]);
        }
    }

    /** A tiled transpose through local memory: a 2D grid and a barrier. */
    public static void transpose(KernelContext ctx, FloatArray in, FloatArray out, int rows, int cols) {
        float[] tile = ctx.allocateFloatLocalArray(TILE * (TILE + 1));
        int x = ctx.groupIdx * TILE + ctx.localIdx;
        int y = ctx.groupIdy * TILE + ctx.localIdy;
        if (x < cols && y < rows) {
            tile[ctx.localIdy * (TILE + 1) + ctx.localIdx] = in.get(y * cols + x);
        }
        ctx.localBarrier();
        int tx = ctx.groupIdy * TILE + ctx.localIdx;
        int ty = ctx.groupIdx * TILE + ctx.localIdy;
        if (tx < rows && ty < cols) {
            out.set(ty * rows + tx, tile[ctx.localIdx * (TILE + 1) + ctx.localIdy]);
        }
    }

    public static void ids3d(KernelContext ctx, IntArray out) {
        int linear = ctx.globalIdx + ctx.globalGroupSizeX * (ctx.globalIdy + ctx.globalGroupSizeY * ctx.globalIdz);
        out.set(linear, ctx.localIdx + 10 * ctx.localIdy + 100 * ctx.localIdz + 1000 * ctx.groupIdx + 10000 * ctx.groupIdy
                + 100000 * ctx.groupIdz + ctx.localLinearId() * 1000000);
    }

    /** A work-item leaves early; no barrier follows, so that is legal. */
    public static void earlyReturn(KernelContext ctx, FloatArray in, FloatArray out) {
        int i = ctx.globalIdx;
        if (i >= in.getSize()) {
            return;
        }
        float v = in.get(i);
        if (v < 0) {
            out.set(i, 0f);
            return;
        }
        out.set(i, v * v);
    }

    /** A grid-stride loop written by hand, with a global max via atomics on ints. */
    public static void maxAbsBits(KernelContext ctx, FloatArray in, IntArray maxBits) {
        int best = 0;
        for (int i = ctx.globalIdx; i < in.getSize(); i += ctx.globalGroupSizeX) {
            best = Math.max(best, Float.floatToRawIntBits(Math.abs(in.get(i))));
        }
        ctx.atomicMax(maxBits, 0, best);
    }

    /** Float atomics: the sum depends on order, so tests compare it within rounding. */
    public static void floatAtomicSum(KernelContext ctx, FloatArray in, FloatArray total) {
        int i = ctx.globalIdx;
        if (i < in.getSize()) {
            ctx.atomicAdd(total, 0, in.get(i));
        }
    }

    /** Shared-memory neighbour stencil with a halo. */
    public static void stencil(KernelContext ctx, FloatArray in, FloatArray out) {
        float[] tile = ctx.allocateFloatLocalArray(66);
        int l = ctx.localIdx;
        int g = ctx.globalIdx;
        int n = in.getSize();
        tile[l + 1] = g < n ? in.get(g) : 0f;
        if (l == 0) {
            tile[0] = g > 0 && g - 1 < n ? in.get(g - 1) : 0f;
        }
        if (l == ctx.localGroupSizeX - 1) {
            tile[l + 2] = g + 1 < n ? in.get(g + 1) : 0f;
        }
        ctx.localBarrier();
        if (g < n) {
            out.set(g, 0.25f * tile[l] + 0.5f * tile[l + 1] + 0.25f * tile[l + 2]);
        }
    }

    /**
     * Each work-item reads eight consecutive halves of a row-major matrix and eight floats: with
     * {@code cols} known to be a multiple of 8, load combining makes them one 16-byte access, and
     * the floats two (the write between the two halves of {@code x} keeps those apart).
     */
    public static void rowChunks(KernelContext ctx, HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols) {
        int chunks = cols / 8;
        int i = ctx.globalIdx;
        if (i < rows * chunks) {
            int row = i / chunks;
            int c = (i - row * chunks) * 8;
            int base = row * cols + c;
            float w0 = w.getFloat(base);
            float w1 = w.getFloat(base + 1);
            float w2 = w.getFloat(base + 2);
            float w3 = w.getFloat(base + 3);
            float w4 = w.getFloat(base + 4);
            float w5 = w.getFloat(base + 5);
            float w6 = w.getFloat(base + 6);
            float w7 = w.getFloat(base + 7);
            float s = w0 * x.get(c) + w1 * x.get(c + 1) + w2 * x.get(c + 2) + w3 * x.get(c + 3);
            out.set(i, s);
            s += w4 * x.get(c + 4) + w5 * x.get(c + 5) + w6 * x.get(c + 6) + w7 * x.get(c + 7);
            out.set(i, s);
        }
    }

    /**
     * A grid-strided loop over 16-byte chunks of a byte array, read in reverse order, plus an odd
     * tail: the loop variable is a multiple of 16 on every trip (known through the phi), so the
     * sixteen byte loads become one access; the tail's loads stay single.
     */
    public static void byteChunkSums(KernelContext ctx, ByteArray bytes, IntArray out, int n) {
        int lane = ctx.globalIdx;
        int lanes = ctx.globalGroupSizeX;
        int sum = 0;
        int c = lane * 16;
        for (; c + 15 < n; c += lanes * 16) {
            sum += bytes.get(c + 15) - bytes.get(c + 14) + bytes.get(c + 13) - bytes.get(c + 12)
                    + bytes.get(c + 11) - bytes.get(c + 10) + bytes.get(c + 9) - bytes.get(c + 8)
                    + bytes.get(c + 7) - bytes.get(c + 6) + bytes.get(c + 5) - bytes.get(c + 4)
                    + bytes.get(c + 3) - bytes.get(c + 2) + bytes.get(c + 1) - bytes.get(c);
        }
        for (int t = (n & ~15) + lane; t < n; t += lanes) {
            sum += 1000 * bytes.get(t);
        }
        out.set(lane, sum);
    }

    /**
     * Two TF32 tensor-core products per warp, the second accumulating on the first: warp w's A
     * (16×8) at a[w·128], B (8×8) at b[w·64], D (16×8) to out[w·128]; the operands are random floats
     * cut to TF32 here, as the intrinsic asks.
     */
    public static void tf32Products(KernelContext ctx, FloatArray a, FloatArray b, FloatArray out) {
        int lane = ctx.localIdx & 31;
        int warp = ctx.globalIdx / 32;
        int group = lane / 4;
        int quad = lane % 4;
        int at = warp * 128;
        int bt = warp * 64;
        int a0 = Float.floatToRawIntBits(a.get(at + group * 8 + quad)) & MmaSemantics.TF32_MASK;
        int a1 = Float.floatToRawIntBits(a.get(at + (group + 8) * 8 + quad)) & MmaSemantics.TF32_MASK;
        int a2 = Float.floatToRawIntBits(a.get(at + group * 8 + quad + 4)) & MmaSemantics.TF32_MASK;
        int a3 = Float.floatToRawIntBits(a.get(at + (group + 8) * 8 + quad + 4)) & MmaSemantics.TF32_MASK;
        int b0 = Float.floatToRawIntBits(b.get(bt + quad * 8 + group)) & MmaSemantics.TF32_MASK;
        int b1 = Float.floatToRawIntBits(b.get(bt + (quad + 4) * 8 + group)) & MmaSemantics.TF32_MASK;
        MmaAccumulator d = ctx.mma16x8x8Tf32(a0, a1, a2, a3, b0, b1, MmaAccumulator.zero());
        d = ctx.mma16x8x8Tf32(a0, a1, a2, a3, b0, b1, d);
        out.set(at + group * 8 + 2 * quad, d.c0());
        out.set(at + group * 8 + 2 * quad + 1, d.c1());
        out.set(at + (group + 8) * 8 + 2 * quad, d.c2());
        out.set(at + (group + 8) * 8 + 2 * quad + 1, d.c3());
    }

    /**
     * Every warp-wide exchange: each work-item's warp sum and warp max of {@code values}, the warp max
     * of {@code specials} (NaN, ±0, infinities), its partner's value under a lane mask that differs by
     * lane and by a runtime {@code shift}, an int exchanged under a constant mask, and a sum over
     * aligned groups of eight lanes by a loop whose masks are not constants. Work-item g writes
     * {@code out[6·g …]}.
     */
    public static void warpExchanges(KernelContext ctx, FloatArray values, FloatArray specials, IntArray ints,
                                     FloatArray out, int shift) {
        int g = ctx.globalIdx;
        int lane = ctx.localIdx & 31;
        float v = values.get(g);
        float partner = ctx.warpShuffleXor(v, (lane * 7 + shift) & 31);
        int swapped = ctx.warpShuffleXor(ints.get(g), 3);
        float eights = v;
        for (int mask = 4; mask > 0; mask >>= 1) {
            eights = eights + ctx.warpShuffleXor(eights, mask);
        }
        out.set(6 * g, ctx.warpReduceSum(v));
        out.set(6 * g + 1, ctx.warpReduceMax(v));
        out.set(6 * g + 2, ctx.warpReduceMax(specials.get(g)));
        out.set(6 * g + 3, partner);
        out.set(6 * g + 4, swapped);
        out.set(6 * g + 5, eights);
    }

    /** {@link #tf32Products} in work-groups of up to 512 work-items, which its launch bound allows. */
    @LaunchBounds(maxGroupSize = 512)
    public static void tf32ProductsWide(KernelContext ctx, FloatArray a, FloatArray b, FloatArray out) {
        tf32Products(ctx, a, b, out);
    }

    /**
     * A three-stage ring of asynchronous copies per work-item (groups of 64): {@code rounds} chunks of
     * eight halves and four floats each, refilled two rounds ahead, every chunk read back by the
     * work-item that copied it after {@code waitCopies(2)}; then, after {@code waitCopies(0)} and a
     * barrier, one value of the neighbour's last slot. out: one sum per work-item, then the neighbours'
     * values. Reading a slot before its wait would see the previous round's chunk (the JVM and the
     * interpreter land copies only when waited for).
     */
    public static void stagedCopies(KernelContext ctx, HalfFloatArray w, FloatArray x, FloatArray out, int rounds) {
        short[] halves = ctx.allocateShortLocalArray(3 * 64 * 8);
        float[] floats = ctx.allocateFloatLocalArray(3 * 64 * 4);
        int local = ctx.localIdx;
        int base = ctx.globalIdx * rounds;
        for (int s = 0; s < 2; s++) {
            if (s < rounds) {
                ctx.copyAsync(halves, (s * 64 + local) * 8, w, (base + s) * 8);
                ctx.copyAsync(floats, (s * 64 + local) * 4, x, (base + s) * 4);
            }
            ctx.commitCopies();
        }
        float sum = 0f;
        int stage = 0;
        for (int r = 0; r < rounds; r++) {
            int refill = stage == 0 ? 2 : stage - 1;
            if (r + 2 < rounds) {
                ctx.copyAsync(halves, (refill * 64 + local) * 8, w, (base + r + 2) * 8);
                ctx.copyAsync(floats, (refill * 64 + local) * 4, x, (base + r + 2) * 4);
            }
            ctx.commitCopies();
            ctx.waitCopies(2);
            int h = (stage * 64 + local) * 8;
            for (int i = 0; i < 8; i++) {
                sum = sum * 0.5f + Half.toFloat(halves[h + i]) * (r + 1);
            }
            int f = (stage * 64 + local) * 4;
            for (int i = 0; i < 4; i++) {
                sum = sum * 0.5f - floats[f + i];
            }
            stage = stage == 2 ? 0 : stage + 1;
        }
        out.set(ctx.globalIdx, sum);
        ctx.waitCopies(0);
        ctx.localBarrier();
        int last = (rounds - 1) % 3;
        int neighbour = (local + 1) % 64;
        out.set(ctx.globalGroupSizeX + ctx.globalIdx, Half.toFloat(halves[(last * 64 + neighbour) * 8 + local % 8])
                + floats[(last * 64 + neighbour) * 4 + local % 4]);
    }

    /**
     * 64 KB of local floats (more than CUDA's 48 KB of static shared memory, so PTX lays them out in
     * dynamic shared memory behind a small int array): each of 256 work-items copies 16 chunks of four
     * floats into its row, waits, and after a barrier sums the row of work-item 255 − i.
     */
    public static void wideStagedCopies(KernelContext ctx, FloatArray x, FloatArray out) {
        int[] marks = ctx.allocateIntLocalArray(4);
        float[] rows = ctx.allocateFloatLocalArray(256 * 64);
        int local = ctx.localIdx;
        if (local < 4) {
            marks[local] = local + 1;
        }
        for (int c = 0; c < 16; c++) {
            ctx.copyAsync(rows, local * 64 + c * 4, x, (ctx.globalIdx * 16 + c) * 4);
        }
        ctx.commitCopies();
        ctx.waitCopies(0);
        ctx.localBarrier();
        int other = 255 - local;
        float sum = 0f;
        for (int i = 0; i < 64; i++) {
            sum = sum * 0.75f + rows[other * 64 + i];
        }
        out.set(ctx.globalIdx, sum * marks[local % 4]);
    }
}
