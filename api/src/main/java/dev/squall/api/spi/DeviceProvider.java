package dev.squall.api.spi;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import java.util.List;

/**
 * Discovers the devices of one backend. Registered through {@link java.util.ServiceLoader}; the
 * drivers module provides the JVM, OpenCL and CUDA providers.
 */
public interface DeviceProvider {

    Backend backend();

    /** Finds the devices now; never throws for a missing library, it reports why instead. */
    Discovery discover();

    /**
     * What discovery found.
     *
     * @param devices           devices that can run kernels
     * @param unavailableReason why the backend has no devices, or null when it has some
     */
    record Discovery(List<Device> devices, String unavailableReason) {
        public Discovery {
            devices = List.copyOf(devices);
        }

        public static Discovery of(List<Device> devices) {
            return new Discovery(devices, devices.isEmpty() ? "no devices found" : null);
        }

        public static Discovery unavailable(String reason) {
            return new Discovery(List.of(), reason);
        }
    }
}
