package dev.squall.api;

/** What kind of processor a device is; {@link Devices#best()} prefers them in this order. */
public enum DeviceType {
    GPU,
    ACCELERATOR,
    CPU,
    /** The JVM reference device. */
    JVM
}
