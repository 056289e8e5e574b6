package dev.squall.drivers.cuda;

/**
 * Device memory as {@code cuMemGetInfo} reports it.
 *
 * @param freeBytes  memory not in use by anyone
 * @param totalBytes all of the device's memory
 */
public record MemoryInfo(long freeBytes, long totalBytes) {

    public long usedBytes() {
        return totalBytes - freeBytes;
    }
}
