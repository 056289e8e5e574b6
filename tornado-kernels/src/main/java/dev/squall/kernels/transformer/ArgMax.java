package dev.squall.kernels.transformer;

import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.Tickets;

/**
 * The index of the largest of n values (greedy decoding's next token) on the device, so that a
 * decoding step reads back two ints instead of the vocabulary's logits. The answer is the host's
 * ({@code SamplingRules.argmax}): the lowest index among equal maxima (−0 and +0 are equal), and a
 * NaN anywhere is reported, by its lowest index, rather than skipped.
 *
 * <p>The work-group form (one launch) reads each value once, {@link #LOADS} loads in flight per work-item,
 * and reduces per group and then, in the last group to finish, over the groups.
 *
 * <p>Both forms write {@code result[0]} = the index of the maximum (n when n = 0 or every value is
 * NaN) and {@code result[1]} = the lowest index holding NaN, or −1 when there is none.
 */
public final class ArgMax {

    /** Work-items per work-group of {@link #argmaxSpmd}: a power of two, the length of its local arrays. */
    public static final int GROUP_SIZE = 256;
    /**
     * Values each work-item of {@link #argmaxSpmd} loads at once, before comparing any: a work-item's loads
     * are then in flight together, not one memory round trip each (on an H200, Nsight Compute, 128k values:
     * eight per work-item one after another took 12.8 µs, four at once over twice the groups 9.6 µs).
     */
    public static final int LOADS = 4;
    /**
     * Work-groups {@link #argmaxSpmd} is launched with at most (its grid is {@link #globalSize}): one batch of
     * {@link #LOADS} per work-item up to 512k values; the last group's pass over the groups' results takes
     * two per work-item.
     */
    public static final int MAX_GROUPS = 512;

    private ArgMax() {
    }

    /** {@link #argmaxSpmd}'s grid for n values: {@link #LOADS} values per work-item, at most {@link #MAX_GROUPS} groups. */
    public static int globalSize(int n) {
        int groups = Math.clamp(Math.ceilDiv(n, LOADS * GROUP_SIZE), 1, MAX_GROUPS);
        return groups * GROUP_SIZE;
    }

    /** One work-item scans every value (the JVM's and small CPUs' form). */
    public static void argmax(FloatArray values, int n, IntArray result) {
        int best = n;
        float bestValue = 0f;
        int nan = -1;
        for (int i = 0; i < n; i++) {
            float v = values.get(i);
            if (v != v) {
                if (nan < 0) {
                    nan = i;
                }
            } else if (best == n || v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        result.set(0, best);
        result.set(1, nan);
    }

    /**
     * One launch: each work-item takes every (global size)-th value, each group reduces its work-items'
     * candidates and writes them to {@code groupValue}/{@code groupIndex}/{@code groupNaN} (one slot per
     * group), and the last group to finish ({@link Tickets}) reduces those. Grid {@link #globalSize}
     * with groups of {@link #GROUP_SIZE}; the group arrays hold at least the launch's group count;
     * {@code tickets} is one int, 0 before the first launch and left at 0.
     */
    public static void argmaxSpmd(KernelContext c, FloatArray values, int n, FloatArray groupValue, IntArray groupIndex,
                                  IntArray groupNaN, IntArray tickets, IntArray result) {
        float[] bestValues = c.allocateFloatLocalArray(GROUP_SIZE);
        int[] bestIndices = c.allocateIntLocalArray(GROUP_SIZE);
        int[] nans = c.allocateIntLocalArray(GROUP_SIZE);
        int[] arrival = c.allocateIntLocalArray(1);
        int local = c.localIdx;
        int groups = c.globalGroupSizeX / GROUP_SIZE;
        // n stands for "none" in both indices, so a minimum picks the lowest real one
        int best = n;
        float bestValue = 0f;
        int nan = n;
        int step = c.globalGroupSizeX;
        for (int first = c.globalIdx; first < n; first += LOADS * step) {
            // LOADS values, step apart, loaded before any is compared (out-of-range ones read as NaN, never used)
            float v0 = values.get(first);
            float v1 = first + step < n ? values.get(first + step) : Float.NaN;
            float v2 = first + 2 * step < n ? values.get(first + 2 * step) : Float.NaN;
            float v3 = first + 3 * step < n ? values.get(first + 3 * step) : Float.NaN;
            for (int j = 0; j < LOADS; j++) { // increasing index: the first of equal values stays
                float v = j == 0 ? v0 : j == 1 ? v1 : j == 2 ? v2 : v3;
                int i = first + j * step;
                if (i < n) {
                    if (v != v) {
                        nan = Math.min(nan, i);
                    } else if (best == n || v > bestValue) {
                        best = i;
                        bestValue = v;
                    }
                }
            }
        }
        reduceGroup(c, bestValues, bestIndices, nans, local, bestValue, best, nan, n);
        if (local == 0) {
            groupValue.set(c.groupIdx, bestValues[0]);
            groupIndex.set(c.groupIdx, bestIndices[0]);
            groupNaN.set(c.groupIdx, nans[0]);
        }
        if (Tickets.lastOf(c, tickets, 0, groups, arrival)) {
            best = n;
            bestValue = 0f;
            nan = n;
            for (int g = local; g < groups; g += GROUP_SIZE) {
                int index = groupIndex.get(g);
                float v = groupValue.get(g);
                if (better(v, index, bestValue, best, n)) {
                    best = index;
                    bestValue = v;
                }
                nan = Math.min(nan, groupNaN.get(g));
            }
            reduceGroup(c, bestValues, bestIndices, nans, local, bestValue, best, nan, n);
            if (local == 0) {
                result.set(0, bestIndices[0]);
                result.set(1, nans[0] == n ? -1 : nans[0]);
            }
        }
    }

    /** Whether candidate (value, index) beats (bestValue, best): a real index, and larger, or equal and lower. */
    private static boolean better(float value, int index, float bestValue, int best, int n) {
        return index < n && (best == n || value > bestValue || (value == bestValue && index < best));
    }

    /** The group's best candidate and lowest NaN index end in slot 0 of the local arrays (tree order, log₂ steps). */
    private static void reduceGroup(KernelContext c, float[] bestValues, int[] bestIndices, int[] nans, int local,
                                    float bestValue, int best, int nan, int n) {
        bestValues[local] = bestValue;
        bestIndices[local] = best;
        nans[local] = nan;
        for (int stride = GROUP_SIZE / 2; stride > 0; stride >>= 1) {
            c.localBarrier();
            if (local < stride) {
                int other = local + stride;
                if (better(bestValues[other], bestIndices[other], bestValues[local], bestIndices[local], n)) {
                    bestValues[local] = bestValues[other];
                    bestIndices[local] = bestIndices[other];
                }
                nans[local] = Math.min(nans[local], nans[other]);
            }
        }
        c.localBarrier();
    }
}
