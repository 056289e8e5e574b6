package dev.squall.graph;

/** What an execution plan does with its profile. */
public enum ProfilerMode {
    /** Collect it into each {@link ExecutionResult} (the default). */
    SILENT,
    /** Collect it and also print it as a table after each execution. */
    CONSOLE
}
