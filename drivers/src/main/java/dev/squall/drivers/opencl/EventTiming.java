package dev.squall.drivers.opencl;

/**
 * The profiling timestamps of one command, in nanoseconds of the device's clock
 * (CL_PROFILING_COMMAND_QUEUED, _SUBMIT, _START, _END).
 */
public record EventTiming(long queuedNanos, long submitNanos, long startNanos, long endNanos) {

    /** Time the command ran on the device: end minus start. */
    public long durationNanos() {
        return endNanos - startNanos;
    }

    /** Time from enqueue to the end of execution. */
    public long latencyNanos() {
        return endNanos - queuedNanos;
    }
}
