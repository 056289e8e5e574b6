package dev.squall.drivers.jvm;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@code KernelContext} kernel over an N-D range on the JVM: work-groups in parallel on a
 * pool of platform threads, the work-items of each group as described in {@link WorkGroupExecution}.
 */
public final class SpmdLauncher {

    private final int parallelism;
    private final ExecutorService pool;

    public SpmdLauncher(int parallelism) {
        this(parallelism, JvmThreads.pool(parallelism));
    }

    /** Runs work-groups on {@code pool}, which has at least {@code parallelism} threads. */
    public SpmdLauncher(int parallelism, ExecutorService pool) {
        this.parallelism = Math.max(1, parallelism);
        this.pool = pool;
    }

    /**
     * Runs {@code kernel} once per work-item.
     *
     * @param kernelName   for messages, such as {@code Kernels.matmul}
     * @param kernel       a static method handle
     * @param args         its arguments; the one at {@code contextIndex} is replaced per work-item
     * @param contextIndex position of the {@code KernelContext} parameter
     * @param globalSize   global work size, 3 dimensions
     * @param localSize    work-group size, 3 dimensions, dividing {@code globalSize}
     */
    public void launch(String kernelName, MethodHandle kernel, Object[] args, int contextIndex, int[] globalSize,
                       int[] localSize) {
        launch(kernelName, kernel, args, contextIndex, globalSize, localSize, KernelContext.MAX_WARP_GROUP_SIZE);
    }

    /**
     * {@link #launch(String, MethodHandle, Object[], int, int[], int[])} for a kernel whose warp-wide
     * operations allow work-groups of up to {@code warpGroupLimit} work-items
     * ({@link KernelContext#warpGroupLimit}).
     */
    public void launch(String kernelName, MethodHandle kernel, Object[] args, int contextIndex, int[] globalSize,
                       int[] localSize, int warpGroupLimit) {
        checkGeometry(kernelName, globalSize, localSize);
        MethodHandle spread = kernel.asType(kernel.type().generic()).asSpreader(Object[].class, args.length);
        int[] groups = new int[3];
        for (int d = 0; d < 3; d++) {
            groups[d] = globalSize[d] / localSize[d];
        }
        long groupCount = (long) groups[0] * groups[1] * groups[2];
        AtomicLong nextGroup = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            long g;
            while (failure.get() == null && (g = nextGroup.getAndIncrement()) < groupCount) {
                int[] groupId = {(int) (g % groups[0]), (int) (g / groups[0] % groups[1]),
                        (int) (g / ((long) groups[0] * groups[1]))};
                try {
                    new WorkGroupExecution(kernelName, spread, args, contextIndex, groupId, globalSize, localSize,
                            warpGroupLimit).run();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int workers = (int) Math.min(parallelism, groupCount);
        if (workers <= 1) {
            worker.run();
        } else {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(worker));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KernelExecutionException("kernel " + kernelName + " interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    failure.compareAndSet(null, new KernelExecutionException("kernel " + kernelName + " failed", e.getCause()));
                }
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void checkGeometry(String kernelName, int[] globalSize, int[] localSize) {
        if (globalSize.length != 3 || localSize.length != 3) {
            throw new IllegalArgumentException("kernel " + kernelName + ": sizes need 3 dimensions");
        }
        long items = 1;
        for (int d = 0; d < 3; d++) {
            if (globalSize[d] <= 0 || localSize[d] <= 0) {
                throw new IllegalArgumentException("kernel " + kernelName + ": sizes must be positive, got global "
                        + java.util.Arrays.toString(globalSize) + " local " + java.util.Arrays.toString(localSize));
            }
            if (globalSize[d] % localSize[d] != 0) {
                throw new IllegalArgumentException("kernel " + kernelName + ": global size " + globalSize[d]
                        + " in dimension " + "xyz".charAt(d) + " is not a multiple of local size " + localSize[d]);
            }
            items *= localSize[d];
        }
        if (items > JavaDevice.MAX_WORK_GROUP_SIZE) {
            throw new IllegalArgumentException("kernel " + kernelName + ": work-group of " + items
                    + " work-items exceeds the JVM device's limit of " + JavaDevice.MAX_WORK_GROUP_SIZE);
        }
    }
}
