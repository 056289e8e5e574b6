package dev.squall.graph;

/** What an execution plan does with its profile. */
public enum ProfilerMode {
    /** Collect it into each {@link ExecutionResult} (the default). */
    SILENT,
    /** Collect it and also print it as a table after each execution. */
    CONSOLE,
    /**
     * Time no kernels: the profile's kernel times read 0 (transfers and the total are still timed).
     * On OpenCL, launches then go without an event each, which saves host time per launch in hot
     * loops such as token-by-token decoding; other backends run as with {@link #SILENT}.
     */
    OFF
}
