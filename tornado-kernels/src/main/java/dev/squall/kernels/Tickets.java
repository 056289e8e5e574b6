package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.types.IntArray;

/**
 * Tickets in global memory, for "the last work-group to finish does the rest" inside one launch
 * (stream-K fix-ups, a split-KV merge run by the last split): every work-group sharing a piece of
 * work takes the piece's ticket when its own part is written; the one that gets n − 1 of n knows
 * every part is visible and finishes the piece, then puts the ticket back to 0 for the next launch.
 * No work-group ever waits for another, so it is safe whatever the order groups run in.
 *
 * <p>The visibility it relies on: PTX fences with {@code membar.gl} on both sides of the barrier, and
 * the JVM's atomics order the writes before them. OpenCL C 1.2, which the OpenCL backend emits, only
 * promises that {@code barrier(CLK_GLOBAL_MEM_FENCE)} orders memory within the work-group; NVIDIA's
 * OpenCL (tested on an H200) and PoCL on a CPU (coherent caches) make the writes visible to other
 * groups in practice, but another OpenCL device need not.
 */
public final class Tickets {

    private Tickets() {
    }

    /**
     * Takes ticket {@code index} for the work-group: its earlier global writes are made visible
     * first, and the returned count (of groups that took the ticket before it) is the same for every
     * work-item, as are the other groups' writes seen after it. Call it in uniform control flow;
     * {@code arrival} is a local int array of at least one element.
     */
    public static int take(KernelContext c, IntArray tickets, int index, int[] arrival) {
        c.globalBarrier(); // the group's writes are visible device-wide before its ticket is taken
        if (c.localIdx == 0) {
            arrival[0] = c.atomicAdd(tickets, index, 1);
        }
        c.globalBarrier(); // the count is seen by all, and the writes of the groups before with it
        return arrival[0];
    }
}
