package dev.squall.graph;

/** What an execution plan does with its profile. */
public enum ProfilerMode {
    /** Collect it into each {@link ExecutionResult} (the default). */
    SILENT,
    /** Collect it and also print it as a table after each execution. */
    CONSOLE,
    /**
     * Time no kernels: the profile's kernel times read 0 (the total is still timed). On OpenCL, launches
     * then go without an event each, and on CUDA copies and launches both (their transfer times read 0
     * too; OpenCL's transfers are still timed), which saves host time per step in hot loops such as
     * token-by-token decoding; the JVM runs as with {@link #SILENT}.
     */
    OFF
}
