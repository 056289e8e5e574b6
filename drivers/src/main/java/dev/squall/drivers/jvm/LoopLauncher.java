package dev.squall.drivers.jvm;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a loop kernel's chunked copy (see {@code ChunkedLoopRewriter}) on several threads: the
 * calling thread and up to {@code parallelism − 1} pool threads each run the copy, claiming chunks
 * of the outermost {@code @Parallel} loop from one shared {@link ChunkClaims} until none is left.
 */
public final class LoopLauncher {

    /** Chunks per thread when the trip count is known: enough to even out uneven iterations. */
    static final int CHUNKS_PER_THREAD = 4;
    /** Iterations per chunk when only the device knows the trip count (a bound read from an array). */
    static final int CHUNK_WITHOUT_TRIP_COUNT = 16;

    private final int parallelism;
    private final ExecutorService pool;

    public LoopLauncher(int parallelism) {
        this(parallelism, JvmThreads.pool(parallelism));
    }

    /** Runs copies on {@code pool}, which has at least {@code parallelism} threads. */
    public LoopLauncher(int parallelism, ExecutorService pool) {
        this.parallelism = Math.max(1, parallelism);
        this.pool = pool;
    }

    public int parallelism() {
        return parallelism;
    }

    /** The iterations per chunk for a loop of {@code tripCount} iterations (negative: unknown). */
    public int chunk(long tripCount) {
        if (tripCount < 0) {
            return CHUNK_WITHOUT_TRIP_COUNT;
        }
        return (int) Math.clamp((tripCount + (long) parallelism * CHUNKS_PER_THREAD - 1)
                / ((long) parallelism * CHUNKS_PER_THREAD), 1, Integer.MAX_VALUE);
    }

    /** The threads a loop of {@code tripCount} iterations (negative: unknown) is run on; 1 means as written. */
    public int threads(long tripCount) {
        if (tripCount < 0) {
            return parallelism;
        }
        return (int) Math.min(parallelism, (tripCount + chunk(tripCount) - 1) / chunk(tripCount));
    }

    /**
     * Runs {@code chunked} with {@code args} on {@link #threads(long)} threads. A failure stops the
     * other threads at their chunk's end and is rethrown as the kernel threw it.
     *
     * @param chunked   the copy: the kernel's parameters, then the claims and the chunk length
     * @param step      the loop variable's increment
     * @param tripCount the loop's iterations, negative when unknown
     */
    public void launch(MethodHandle chunked, Object[] args, int step, long tripCount) throws Throwable {
        launch(chunked, args, step, threads(tripCount), chunk(tripCount));
    }

    /**
     * Runs {@code chunked} on {@code threads} threads (the calling one and {@code threads − 1} of the
     * pool, which has {@link #parallelism()}) in chunks of {@code chunk} iterations.
     */
    public void launch(MethodHandle chunked, Object[] args, int step, int threads, int chunk) throws Throwable {
        if (threads < 1 || threads > parallelism || chunk < 1) {
            throw new IllegalArgumentException("cannot run on " + threads + " of " + parallelism + " threads in chunks of "
                    + chunk);
        }
        ChunkClaims claims = new ChunkClaims(chunk, step);
        Object[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = claims;
        all[args.length + 1] = chunk;
        MethodHandle spread = chunked.asSpreader(Object[].class, all.length);
        List<Future<?>> helpers = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            helpers.add(pool.submit(() -> {
                try {
                    spread.invoke(all);
                } catch (Throwable e) {
                    claims.stop();
                    throw new ExecutionException(e);
                }
                return null;
            }));
        }
        Throwable failure = null;
        try {
            spread.invoke(all);
        } catch (Throwable e) {
            claims.stop();
            failure = e;
        }
        // every helper is waited for, even when interrupted: none may go on writing after launch returns
        boolean interrupted = false;
        for (Future<?> helper : helpers) {
            while (true) {
                try {
                    helper.get();
                    break;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof ExecutionException inner ? inner.getCause() : e.getCause();
                    if (failure == null) {
                        failure = cause;
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    claims.stop();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
