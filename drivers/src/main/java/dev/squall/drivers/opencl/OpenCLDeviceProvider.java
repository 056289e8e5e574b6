package dev.squall.drivers.opencl;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceException;
import dev.squall.api.spi.DeviceProvider;
import java.util.List;

/**
 * Discovers OpenCL devices through {@link OpenCLRuntime}. A missing library or a machine without
 * platforms is reported as the reason the backend is unavailable, never thrown.
 */
public final class OpenCLDeviceProvider implements DeviceProvider {

    /** Reason given when the loader finds no platform. */
    public static final String NO_PLATFORMS = "no OpenCL platforms (is an ICD such as pocl-opencl-icd installed?)";

    private final String library;

    /** The provider {@link java.util.ServiceLoader} makes: the system runtime. */
    public OpenCLDeviceProvider() {
        this(null);
    }

    /**
     * A provider for one library.
     *
     * @param library a library name or path, or null for the system runtime (which honours
     *                {@code -Dsquall.opencl.library})
     */
    public OpenCLDeviceProvider(String library) {
        this.library = library;
    }

    @Override
    public Backend backend() {
        return Backend.OPENCL;
    }

    @Override
    public Discovery discover() {
        OpenCLRuntime runtime;
        try {
            runtime = library == null ? OpenCLRuntime.system() : OpenCLRuntime.load(library);
        } catch (DeviceException e) {
            return Discovery.unavailable(e.getMessage());
        }
        if (runtime.platforms().isEmpty()) {
            return Discovery.unavailable(NO_PLATFORMS);
        }
        List<Device> devices = List.copyOf(runtime.devices());
        if (devices.isEmpty()) {
            return Discovery.unavailable("no usable OpenCL device: " + String.join("; ", runtime.problems()));
        }
        return Discovery.of(devices);
    }
}
