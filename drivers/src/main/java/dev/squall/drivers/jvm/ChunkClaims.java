package dev.squall.drivers.jvm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * Hands out a loop's chunks to the threads running it: the k-th claim gets the chunk starting at
 * {@code base + k · chunk · step}. A claim past the loop's bound ends the claiming thread's run
 * through the loop's own condition; starts past {@link Integer#MAX_VALUE} are clamped to it.
 */
final class ChunkClaims implements IntUnaryOperator {

    private final AtomicInteger next = new AtomicInteger();
    private final long chunkStep;
    private volatile boolean stopped;

    ChunkClaims(int chunk, int step) {
        this.chunkStep = (long) chunk * step;
    }

    @Override
    public int applyAsInt(int base) {
        if (stopped) {
            return Integer.MAX_VALUE;
        }
        long start = base + next.getAndIncrement() * chunkStep;
        return (int) Math.min(start, Integer.MAX_VALUE);
    }

    /** After a thread failed: every later claim is past the bound, so the other threads stop at their chunk's end. */
    void stop() {
        stopped = true;
    }
}
