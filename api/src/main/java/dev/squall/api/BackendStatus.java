package dev.squall.api;

import java.util.List;

/**
 * One backend as discovery saw it.
 *
 * @param backend           the backend
 * @param devices           its usable devices, possibly none
 * @param unavailableReason why it has no devices, or null
 */
public record BackendStatus(Backend backend, List<Device> devices, String unavailableReason) {
    public BackendStatus {
        devices = List.copyOf(devices);
    }

    public boolean available() {
        return !devices.isEmpty();
    }
}
