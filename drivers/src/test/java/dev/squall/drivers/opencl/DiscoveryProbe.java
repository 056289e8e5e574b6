package dev.squall.drivers.opencl;

import dev.squall.api.spi.DeviceProvider;

/** A child process for {@link OpenCLDiscoveryTest}: prints what OpenCL discovery found. */
public final class DiscoveryProbe {

    private DiscoveryProbe() {
    }

    public static void main(String[] args) {
        DeviceProvider.Discovery discovery = new OpenCLDeviceProvider().discover();
        System.out.println("devices=" + discovery.devices().size() + " reason=" + discovery.unavailableReason());
    }
}
