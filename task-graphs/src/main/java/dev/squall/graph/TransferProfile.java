package dev.squall.graph;

/**
 * One array moved between host and device in one execution.
 *
 * @param direction  {@code "to-device"} or {@code "to-host"}
 * @param data       the array, described (e.g. {@code FloatArray[1024]})
 * @param bytes      bytes moved
 * @param nanos      time of the copy (0 on the JVM device, whose copies are no-ops)
 */
public record TransferProfile(String graph, String direction, String data, long bytes, long nanos) {
}
