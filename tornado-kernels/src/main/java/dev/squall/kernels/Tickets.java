package dev.squall.kernels;

import dev.squall.api.KernelContext;
import dev.squall.api.types.IntArray;

/**
 * Tickets in global memory, for "the last work-group to finish does the rest" inside one launch
 * (stream-K fix-ups, a split-KV merge run by the last split): every work-group sharing a piece of
 * work takes the piece's ticket when its own part is written ({@link #lastOf}); the one that gets
 * n − 1 of n knows every part is visible and finishes the piece, and the ticket goes back to 0 for the
 * next launch.
 * No work-group ever waits for another, so it is safe whatever the order groups run in.
 *
 * <p>The visibility it relies on: PTX fences with {@code membar.gl} on both sides of the barrier, and
 * the JVM's atomics order the writes before them. OpenCL C 1.2, which the OpenCL backend emits, only
 * promises that {@code barrier(CLK_GLOBAL_MEM_FENCE)} orders memory within the work-group, so on
 * NVIDIA devices the emitter adds the same inline {@code membar.gl} fences, and on other devices
 * OpenCL C 2.0's {@code atomic_work_item_fence} with {@code memory_scope_device} (the kernel is then
 * built as OpenCL C 2.0 or 3.0; a device without device-scope fences is refused the kernel).
 */
public final class Tickets {

    private Tickets() {
    }

    /**
     * Takes ticket {@code index} for the work-group, one of {@code parties} groups sharing it, and
     * returns whether it is the last to arrive (the same answer for every work-item): then every other
     * party's global writes are visible to it, and the ticket is already back at 0 for the next launch.
     * Its own earlier global writes are made visible before it takes the ticket. Call it in uniform
     * control flow; {@code arrival} is a local int array of at least one element.
     */
    public static boolean lastOf(KernelContext c, IntArray tickets, int index, int parties, int[] arrival) {
        c.globalBarrier(); // the group's writes are visible device-wide before its ticket is taken
        if (c.localIdx == 0) {
            arrival[0] = c.atomicAdd(tickets, index, 1);
        }
        c.globalBarrier(); // the count is seen by all, and the writes of the groups before with it
        boolean last = arrival[0] == parties - 1;
        if (last && c.localIdx == 0) {
            tickets.set(index, 0); // every party has taken it: nothing reads it again in this launch
        }
        return last;
    }
}
