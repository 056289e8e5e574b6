package dev.squall.graph;

/** When a task graph moves an array between the host and the device. */
public enum DataTransferMode {
    /** Once, on the plan's first execution; the device copy then stays resident. */
    FIRST_EXECUTION,
    /** On every execution. */
    EVERY_EXECUTION,
    /**
     * Only when asked: for {@code transferToHost}, through {@link ExecutionResult#transferToHost(Object...)}
     * after an execution; for {@code transferToDevice}, on the first execution and then through
     * {@link ExecutionPlan#transferToDevice(Object...)}.
     */
    UNDER_DEMAND
}
