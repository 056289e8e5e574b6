package dev.squall.jit.jvm;

import java.lang.invoke.MethodHandle;

/** How the JVM device runs a loop kernel: its outermost {@code @Parallel} loop shared out in chunks, or as written. */
public sealed interface LoopSplit {

    /**
     * The kernel's copy from {@link ChunkedLoopRewriter}: its parameters, then an
     * {@link java.util.function.IntUnaryOperator} that hands out chunk starts and the chunk length in iterations.
     *
     * @param handle the copy, a static method handle
     * @param step   the loop variable's increment (a positive constant)
     */
    record Chunked(MethodHandle handle, int step) implements LoopSplit {
    }

    /** The kernel runs as written, on the calling thread. */
    record Sequential(String reason) implements LoopSplit {
    }
}
