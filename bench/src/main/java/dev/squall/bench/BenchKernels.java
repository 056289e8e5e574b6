package dev.squall.bench;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.kernels.vector.Run8;

/**
 * The kernels the device benchmark times: a copy (the bandwidth probe) and a one-element kernel (the
 * overhead probe); the kernel that keeps the GPU busy while a timed launch is issued; and the read
 * floor KernelBench sets beside each memory-bound row.
 */
public final class BenchKernels {

    private BenchKernels() {
    }

    public static void copy(FloatArray src, FloatArray dst) {
        for (@Parallel int i = 0; i < dst.getSize(); i++) {
            dst.set(i, src.get(i));
        }
    }

    public static void touch(FloatArray x) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            x.set(i, x.get(i) + 1f);
        }
    }

    /**
     * A chain of {@code iterations} dependent multiply-adds per element: hundreds of microseconds of GPU
     * time for one element and 100000 iterations, during which the host issues the timed launches
     * behind it, so their events time the GPU's work and not the host's launch latency.
     */
    public static void spin(FloatArray x, int iterations) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float v = x.get(i);
            for (int k = 0; k < iterations; k++) {
                v = v * 0.999f + 0.001f;
            }
            x.set(i, v);
        }
    }

    /** Work-items of a {@link #readUpFront} work-group. */
    static final int READ_THREADS = 256;
    /** 16-byte pieces each of its work-items reads. */
    static final int READ_PIECES = 4;
    /** Bytes one {@link #readUpFront} work-group reads. */
    static final int READ_GROUP_BYTES = READ_THREADS * READ_PIECES * 16;

    /**
     * The read floor: the least a kernel can take to read {@code src} once. Each work-item loads its
     * {@link #READ_PIECES} 16-byte pieces (runs of eight binary16 values at multiples of 8, which the JIT
     * makes one access each) before it uses any, as many at once as a work-item can have in flight
     * without a loop; pieces past the end ({@code pieces} = src's length / 8) read the last one again.
     * Work-item {@code groupIdx % READ_THREADS} of each group stores its own pieces' sum in
     * {@code sink[groupIdx]} (so the check sees, over the groups, that every work-item of a group reads
     * where it should); every other work-item's sum is stored only if it is an impossible value, so its
     * loads stay but nothing more is written. (In CUDA C, four pieces at once
     * read as fast as eight or sixteen from 8 MB to 268 MB on an H200:
     * bench/results/2026-11-30-h200-decode-floor.md.)
     */
    public static void readUpFront(KernelContext c, HalfFloatArray src, FloatArray sink, int pieces) {
        int first = c.groupIdx * (READ_PIECES * READ_THREADS) + c.localIdx;
        Run8 a = Run8.of(src, 8 * Math.min(first, pieces - 1));
        Run8 b = Run8.of(src, 8 * Math.min(first + READ_THREADS, pieces - 1));
        Run8 d = Run8.of(src, 8 * Math.min(first + 2 * READ_THREADS, pieces - 1));
        Run8 e = Run8.of(src, 8 * Math.min(first + 3 * READ_THREADS, pieces - 1));
        float sum = total(a) + total(b) + total(d) + total(e);
        if (c.localIdx == c.groupIdx % READ_THREADS || sum == IMPOSSIBLE_SUM) {
            sink.set(c.groupIdx, sum);
        }
    }

    /** Beyond any sum of 32 binary16 values (at most 32 · 65504 in size). */
    static final float IMPOSSIBLE_SUM = -3.0e38f;

    private static float total(Run8 r) {
        return ((r.v0() + r.v1()) + (r.v2() + r.v3())) + ((r.v4() + r.v5()) + (r.v6() + r.v7()));
    }
}
