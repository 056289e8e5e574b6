package dev.squall.drivers.cuda;

import dev.squall.api.Backend;
import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.Devices;

/** A child process for {@link CudaChildProcessTest}: prints what {@link Devices} found for CUDA. */
public final class DiscoveryProbe {

    private DiscoveryProbe() {
    }

    public static void main(String[] args) {
        BackendStatus cuda = Devices.status().stream().filter(s -> s.backend() == Backend.CUDA).findFirst()
                .orElseThrow();
        System.out.println("available=" + cuda.available() + " reason=" + cuda.unavailableReason());
        for (Device device : cuda.devices()) {
            System.out.println("device " + device.id() + " " + device.name() + " " + device.getClass().getSimpleName());
        }
    }
}
