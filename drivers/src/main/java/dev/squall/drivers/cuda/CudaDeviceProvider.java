package dev.squall.drivers.cuda;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceException;
import dev.squall.api.spi.DeviceProvider;
import java.util.List;

/**
 * Discovers CUDA devices through {@link CudaRuntime}. A missing driver, a failing {@code cuInit}
 * or a machine without devices is reported as the reason the backend is unavailable, never thrown.
 */
public final class CudaDeviceProvider implements DeviceProvider {

    private final String library;

    /** The provider {@link java.util.ServiceLoader} makes: the system runtime. */
    public CudaDeviceProvider() {
        this(null);
    }

    /**
     * A provider for one library.
     *
     * @param library a library name or path, or null for the system runtime (which honours
     *                {@code -Dsquall.cuda.library})
     */
    public CudaDeviceProvider(String library) {
        this.library = library;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public Discovery discover() {
        CudaRuntime runtime;
        try {
            runtime = library == null ? CudaRuntime.system() : CudaRuntime.load(library);
        } catch (DeviceException e) {
            return Discovery.unavailable(oneLine(e.getMessage()));
        } catch (RuntimeException | LinkageError e) {
            return Discovery.unavailable("CUDA discovery failed: " + e);
        }
        List<Device> devices = List.copyOf(runtime.devices());
        if (!devices.isEmpty()) {
            return Discovery.of(devices);
        }
        if (!runtime.problems().isEmpty()) {
            return Discovery.unavailable(oneLine("no usable CUDA device: " + String.join("; ", runtime.problems())));
        }
        return Discovery.unavailable("no CUDA devices: cuDeviceGetCount reports 0 (driver "
                + CudaDriverVersion.format(runtime.driverVersion()) + ", " + runtime.library() + ")");
    }

    /** Reasons are shown on one line: the driver's description follows the error's name after "; ". */
    private static String oneLine(String message) {
        return message.replace("\n", "; ");
    }
}
