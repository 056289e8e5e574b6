package dev.squall.graph;

/**
 * Times and bytes of one task in one execution.
 *
 * @param name           {@code graph.task}
 * @param kernel         {@code Class.method}
 * @param compileNanos   time spent compiling the kernel in this execution (0 once cached)
 * @param kernelNanos    time the kernel ran, from device events where the device has them
 * @param argumentBytes  bytes of the array arguments (the data the task can touch)
 * @param globalWork     the launch's global size, or null for a loop kernel run as Java
 * @param localWork      the launch's work-group size, or null
 */
public record TaskProfile(String name, String kernel, long compileNanos, long kernelNanos, long argumentBytes,
                          int[] globalWork, int[] localWork) {
}
