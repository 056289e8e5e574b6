package dev.squall.drivers.jvm;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.spi.WorkGroupRuntime;
import dev.squall.api.spi.WorkItemIds;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * One work-group on the JVM, with real barriers and shared local arrays.
 *
 * <p>Work-items run one at a time: each runs until it reaches a barrier or returns, then hands a
 * baton to the next (ascending local id). So a group behaves like a GPU work-group whose
 * work-items are scheduled in the least forgiving legal order: a write to local memory that is not
 * followed by a barrier before another work-item reads it gives a wrong result, every time, rather
 * than only under a lucky race.
 *
 * <p>Work-item 0 runs on the calling thread. If it returns without reaching a barrier, the kernel
 * has no barriers under uniform control flow, and the other work-items also run in place with no
 * thread at all. If it reaches one, the others start as virtual threads and the baton protocol
 * takes over. A work-item that returns while others wait at a barrier is reported as barrier
 * divergence, which OpenCL and CUDA leave undefined.
 */
final class WorkGroupExecution implements WorkGroupRuntime {

    private enum Status { NOT_STARTED, READY, AT_BARRIER, DONE }

    /** Unwinds the work-items of a group that has already failed; never escapes this class. */
    private static final class Abort extends Error {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    private final String kernelName;
    private final MethodHandle spreadKernel;
    private final Object[] args;
    private final int contextIndex;
    private final int[] groupId;
    private final int[] globalSize;
    private final int[] localSize;
    private final int size;
    private final int warpGroupLimit;

    private final Status[] status;
    private final Semaphore[] permits;
    private final List<Thread> started = new ArrayList<>();
    // Work-item 0 runs on the launching thread; the others get a virtual thread on their first turn.
    private final boolean[] hasThread;
    private final List<Object> localArrays = new ArrayList<>();
    private int[] warpExchange;
    private boolean threaded;
    private int running;
    private volatile boolean aborted;
    private Throwable failure;
    private int failingItem = -1;

    WorkGroupExecution(String kernelName, MethodHandle spreadKernel, Object[] args, int contextIndex,
                       int[] groupId, int[] globalSize, int[] localSize, int warpGroupLimit) {
        this.kernelName = kernelName;
        this.warpGroupLimit = warpGroupLimit;
        this.spreadKernel = spreadKernel;
        this.args = args;
        this.contextIndex = contextIndex;
        this.groupId = groupId;
        this.globalSize = globalSize;
        this.localSize = localSize;
        this.size = localSize[0] * localSize[1] * localSize[2];
        this.status = new Status[size];
        this.permits = new Semaphore[size];
        this.hasThread = new boolean[size];
        this.hasThread[0] = true;
        for (int i = 0; i < size; i++) {
            status[i] = Status.NOT_STARTED;
            permits[i] = new Semaphore(0);
        }
    }

    /** Runs every work-item of the group; throws {@link KernelExecutionException} if one failed. */
    void run() {
        synchronized (this) {
            status[0] = Status.READY;
            running = 1;
        }
        runItem(0);
        synchronized (this) {
            while (running > 0) {
                awaitQuietly();
            }
        }
        for (Thread t : startedThreads()) {
            joinQuietly(t);
        }
        if (!threaded && failure == null) {
            // No barrier was reached by work-item 0: the rest run in place, in order.
            for (int i = 1; i < size && failure == null; i++) {
                synchronized (this) {
                    status[i] = Status.READY;
                    running = 1;
                }
                runItem(i);
            }
        }
        if (failure != null) {
            throw failure instanceof KernelExecutionException k ? k
                    : new KernelExecutionException("kernel " + kernelName + ": " + describe(failingItem) + " threw "
                    + failure, failure);
        }
    }

    private void runItem(int item) {
        Object[] itemArgs = args.clone();
        itemArgs[contextIndex] = KernelContext.forWorkItem(ids(item), this);
        try {
            Object ignored = spreadKernel.invokeExact(itemArgs);
            finish(item);
        } catch (Abort abort) {
            finish(item);
        } catch (Throwable t) {
            fail(item, t);
        }
    }

    @Override
    public void barrier(KernelContext workItem, boolean globalFence) {
        int item = workItem.localLinearId();
        int next;
        synchronized (this) {
            checkAborted();
            if (!threaded) {
                if (item != 0) {
                    throw divergence("work-item " + describe(item) + " reached a barrier that work-item "
                            + describe(0) + " returned without reaching");
                }
                if (size == 1) {
                    return;
                }
                threaded = true;
            }
            status[item] = Status.AT_BARRIER;
            next = nextToRun();
        }
        handOff(next);
        permits[item].acquireUninterruptibly();
        checkAborted();
    }

    @Override
    public synchronized Object localArray(KernelContext workItem, int ordinal, Class<?> type, int length) {
        if (ordinal < localArrays.size()) {
            Object existing = localArrays.get(ordinal);
            if (existing.getClass().componentType() != type || java.lang.reflect.Array.getLength(existing) != length) {
                throw new KernelExecutionException("kernel " + kernelName + ": local allocation #" + ordinal + " of "
                        + describe(workItem.localLinearId()) + " asks for " + type + "[" + length
                        + "] but other work-items allocated " + existing.getClass().componentType() + "["
                        + java.lang.reflect.Array.getLength(existing) + "]; every work-item must allocate the same"
                        + " local arrays in the same order");
            }
            return existing;
        }
        Object array = java.lang.reflect.Array.newInstance(type, length);
        localArrays.add(array);
        return array;
    }

    @Override
    public int warpGroupLimit() {
        return warpGroupLimit;
    }

    @Override
    public synchronized int[] warpExchange(KernelContext workItem, int length) {
        if (warpExchange == null) {
            warpExchange = new int[length];
        } else if (warpExchange.length != length) {
            throw new IllegalStateException("warp exchange of " + warpExchange.length + " ints asked for as " + length);
        }
        return warpExchange;
    }

    private void finish(int item) {
        int next;
        synchronized (this) {
            status[item] = Status.DONE;
            running--;
            if (aborted || !threaded) {
                notifyAll();
                return;
            }
            try {
                next = nextToRun();
            } catch (KernelExecutionException divergence) {
                abort(item, divergence);
                return;
            }
            notifyAll();
        }
        handOff(next);
    }

    private void fail(int item, Throwable t) {
        synchronized (this) {
            status[item] = Status.DONE;
            running--;
            abort(item, t);
        }
    }

    /** Records the first failure and wakes every parked work-item so it unwinds. Holds the lock. */
    private void abort(int item, Throwable t) {
        if (failure == null) {
            failure = t;
            failingItem = item;
        }
        aborted = true;
        for (Semaphore permit : permits) {
            permit.release();
        }
        notifyAll();
    }

    /**
     * Chooses the work-item that runs next, completing the barrier when every work-item has reached
     * it. Returns -1 when the group is finished. Holds the lock.
     */
    private int nextToRun() {
        int atBarrier = 0;
        int done = 0;
        for (int i = 0; i < size; i++) {
            switch (status[i]) {
                case NOT_STARTED, READY -> {
                    return i;
                }
                case AT_BARRIER -> atBarrier++;
                case DONE -> done++;
            }
        }
        if (atBarrier == 0) {
            return -1;
        }
        if (done > 0) {
            List<String> waiting = new ArrayList<>();
            List<String> returned = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                (status[i] == Status.DONE ? returned : waiting).add(describe(i));
            }
            throw divergence("work-items " + abbreviate(returned) + " returned while work-items " + abbreviate(waiting)
                    + " wait at a barrier");
        }
        for (int i = 0; i < size; i++) {
            status[i] = Status.READY;
        }
        return 0;
    }

    private void handOff(int next) {
        if (next < 0) {
            return;
        }
        boolean start;
        synchronized (this) {
            start = !hasThread[next];
            if (start) {
                hasThread[next] = true;
                running++;
                Thread t = Thread.ofVirtual().name("squall-work-item-" + next).unstarted(() -> {
                    permits[next].acquireUninterruptibly();
                    if (aborted) {
                        finish(next);
                        return;
                    }
                    runItem(next);
                });
                started.add(t);
                t.start();
            }
        }
        permits[next].release();
    }

    private synchronized List<Thread> startedThreads() {
        return List.copyOf(started);
    }

    private void checkAborted() {
        if (aborted) {
            throw new Abort();
        }
    }

    private KernelExecutionException divergence(String what) {
        return new KernelExecutionException("kernel " + kernelName + ": barrier divergence in work-group ("
                + groupId[0] + "," + groupId[1] + "," + groupId[2] + "): " + what
                + "; every work-item of a group must reach the same barriers");
    }

    private WorkItemIds ids(int item) {
        int lx = item % localSize[0];
        int ly = (item / localSize[0]) % localSize[1];
        int lz = item / (localSize[0] * localSize[1]);
        int[] local = {lx, ly, lz};
        int[] global = new int[3];
        for (int d = 0; d < 3; d++) {
            global[d] = groupId[d] * localSize[d] + local[d];
        }
        return new WorkItemIds(global, local, groupId.clone(), globalSize.clone(), localSize.clone());
    }

    private String describe(int item) {
        int[] local = ids(item).local();
        return "(" + local[0] + "," + local[1] + "," + local[2] + ") of work-group (" + groupId[0] + "," + groupId[1]
                + "," + groupId[2] + ")";
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 4 ? items.toString()
                : items.subList(0, 4) + " and " + (items.size() - 4) + " more";
    }

    private void awaitQuietly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelExecutionException("kernel " + kernelName + " interrupted", e);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
