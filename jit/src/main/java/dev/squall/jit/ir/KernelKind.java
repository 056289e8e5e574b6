package dev.squall.jit.ir;

/** How a kernel's index space is defined. */
public enum KernelKind {
    /** {@code @Parallel} loops: the index space comes from the loop bounds. */
    PARALLEL_LOOPS,
    /** {@code KernelContext} code: the caller gives the grid. */
    SPMD,
    /** No parallelism: one work-item runs the method. */
    SERIAL
}
