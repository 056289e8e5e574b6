package dev.squall.graph;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;

/** Small kernels for the task-graph tests. */
final class TestKernels {

    TestKernels() {
    }

    static void add(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    static void scale(FloatArray x, float factor) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            x.set(i, x.get(i) * factor);
        }
    }

    static void increment(FloatArray x) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            x.set(i, x.get(i) + 1f);
        }
    }

    static void addSpmd(KernelContext context, FloatArray a, FloatArray b, FloatArray c) {
        int i = context.globalIdx;
        if (i < c.getSize()) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    /** {@link #addSpmd} promising work-groups of at most 64 (and four of them per compute unit). */
    @LaunchBounds(maxGroupSize = 64, minGroupsPerComputeUnit = 4)
    static void addSpmdBounded(KernelContext context, FloatArray a, FloatArray b, FloatArray c) {
        int i = context.globalIdx;
        if (i < c.getSize()) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    /** Reverses each run of {@code tile} elements through local memory of {@code tile} floats: needs tile specialised. */
    static void reverseTiles(KernelContext context, FloatArray in, FloatArray out, int tile) {
        float[] buffer = context.allocateFloatLocalArray(tile);
        int base = context.groupIdx * tile;
        buffer[context.localIdx] = in.get(base + context.localIdx);
        context.localBarrier();
        out.set(base + context.localIdx, buffer[tile - 1 - context.localIdx]);
    }

    static int notVoid(FloatArray x) {
        return x.getSize();
    }

    void instanceKernel(FloatArray x) {
        x.set(0, 1f);
    }
}
