package dev.squall.api.spi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One work-item's asynchronous copies ({@code KernelContext.copyAsync}) for devices that run kernels
 * off the GPU (the JVM, the IR interpreter): the copies not yet committed, and the committed groups
 * oldest first. A copy lands only when a wait reaches its group, as late as a GPU may land it, so a
 * kernel that reads its target too early sees the old values.
 */
public final class CopyGroups {

    private List<Runnable> open = new ArrayList<>();
    private final ArrayDeque<List<Runnable>> committed = new ArrayDeque<>();

    /** Adds a started copy to the open group; {@code land} writes its target. */
    public void start(Runnable land) {
        open.add(land);
    }

    /** {@code KernelContext.commitCopies}: the open copies become one group (possibly empty). */
    public void commit() {
        committed.addLast(open);
        open = new ArrayList<>();
    }

    /** {@code KernelContext.waitCopies}: lands the oldest groups until at most {@code pending} are left. */
    public void waitFor(long pending) {
        while (committed.size() > pending) {
            committed.removeFirst().forEach(Runnable::run);
        }
    }
}
