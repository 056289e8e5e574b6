package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.Reduce;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;

/**
 * Sums, two ways: a {@code @Reduce} loop that the compiler turns into a tree reduction, and the
 * tree written by hand in local memory, one partial sum per work-group.
 */
public final class Reductions {

    /** Work-group size of the local-memory reductions: a power of two, the length of their local array. */
    public static final int GROUP_SIZE = 256;

    private Reductions() {
    }

    /** result[0] += Σ input[i]. */
    public static void sum(FloatArray input, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < input.getSize(); i++) {
            result.set(0, result.get(0) + input.get(i));
        }
    }

    /** result[0] += Σ input[i], on integers (exact on every backend). */
    public static void sumInt(IntArray input, @Reduce IntArray result) {
        for (@Parallel int i = 0; i < input.getSize(); i++) {
            result.set(0, result.get(0) + input.get(i));
        }
    }

    /** result[0] = max(result[0], max input[i]). */
    public static void max(FloatArray input, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < input.getSize(); i++) {
            result.set(0, Math.max(result.get(0), input.get(i)));
        }
    }

    /**
     * partialSums[group] = Σ of the group's slice of input. Work-groups of {@link #GROUP_SIZE}
     * work-items; the global size may exceed the input (the excess adds zeros).
     */
    public static void sumLocal(KernelContext context, FloatArray input, FloatArray partialSums) {
        float[] scratch = context.allocateFloatLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int global = context.globalIdx;
        scratch[local] = global < input.getSize() ? input.get(global) : 0f;
        context.localBarrier();
        // Halve the active work-items each step; the barrier publishes each level before the next reads it.
        for (int stride = context.localGroupSizeX / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] += scratch[local + stride];
            }
            context.localBarrier();
        }
        if (local == 0) {
            partialSums.set(context.groupIdx, scratch[0]);
        }
    }

    /** The integer version of {@link #sumLocal}: exact, so any missing barrier shows up. */
    public static void sumIntLocal(KernelContext context, IntArray input, IntArray partialSums) {
        int[] scratch = context.allocateIntLocalArray(GROUP_SIZE);
        int local = context.localIdx;
        int global = context.globalIdx;
        scratch[local] = global < input.getSize() ? input.get(global) : 0;
        context.localBarrier();
        for (int stride = context.localGroupSizeX / 2; stride > 0; stride >>= 1) {
            if (local < stride) {
                scratch[local] += scratch[local + stride];
            }
            context.localBarrier();
        }
        if (local == 0) {
            partialSums.set(context.groupIdx, scratch[0]);
        }
    }

    /** result[0] = Σ partialSums[i]: the finishing step after {@link #sumLocal}. */
    public static void sumPartials(FloatArray partialSums, FloatArray result) {
        float total = 0f;
        for (int i = 0; i < partialSums.getSize(); i++) {
            total += partialSums.get(i);
        }
        result.set(0, total);
    }
}
