package dev.squall.api;

import dev.squall.api.spi.DeviceProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The devices of this machine. Discovery runs once, on first use; backends whose library or
 * hardware is missing are listed with the reason in {@link #status()}.
 */
public final class Devices {

    /** System property naming the device plans use when none is given, e.g. {@code -Dsquall.device=cuda:0}. */
    public static final String DEVICE_PROPERTY = "squall.device";

    private Devices() {
    }

    private static final class Discovered {
        static final List<BackendStatus> STATUS = discoverAll();
    }

    private static List<BackendStatus> discoverAll() {
        Map<Backend, BackendStatus> found = new EnumMap<>(Backend.class);
        for (DeviceProvider provider : ServiceLoader.load(DeviceProvider.class, Devices.class.getClassLoader())) {
            DeviceProvider.Discovery discovery;
            try {
                discovery = provider.discover();
            } catch (RuntimeException | LinkageError e) {
                discovery = DeviceProvider.Discovery.unavailable("discovery failed: " + e);
            }
            found.put(provider.backend(), new BackendStatus(provider.backend(), discovery.devices(),
                    discovery.unavailableReason()));
        }
        List<BackendStatus> all = new ArrayList<>();
        for (Backend backend : Backend.values()) {
            all.add(found.getOrDefault(backend, new BackendStatus(backend, List.of(),
                    "no device provider for the " + backend.prefix() + " backend on the class path")));
        }
        return List.copyOf(all);
    }

    /** Every backend, with its devices or the reason it has none. */
    public static List<BackendStatus> status() {
        return Discovered.STATUS;
    }

    /** Every usable device, the JVM device included. */
    public static List<Device> list() {
        return status().stream().flatMap(s -> s.devices().stream()).toList();
    }

    /**
     * The device with this id ({@code "java"}, {@code "opencl:0:0"}, {@code "cuda:0"}).
     *
     * @throws IllegalArgumentException naming the known ids and why missing backends are missing
     */
    public static Device get(String id) {
        for (Device device : list()) {
            if (device.id().equals(id)) {
                return device;
            }
        }
        throw new IllegalArgumentException("no device '" + id + "'; " + describeChoices());
    }

    /**
     * The fastest accelerator: a GPU before another accelerator before a CPU, then the most global
     * memory. Never the JVM device; running on it is an explicit choice.
     *
     * @throws IllegalStateException when no OpenCL or CUDA device is usable, with the reasons
     */
    public static Device best() {
        return list().stream()
                .filter(d -> d.type() != DeviceType.JVM)
                .min(Comparator.comparing(Device::type)
                        .thenComparing(Comparator.comparingLong(Device::globalMemoryBytes).reversed())
                        .thenComparing(d -> d.backend() == Backend.CUDA ? 0 : 1))
                .orElseThrow(() -> new IllegalStateException("no accelerator found; " + describeChoices()
                        + "; to run on the JVM reference device, choose it explicitly: Devices.get(\"java\")"));
    }

    /** The device named by {@code -Dsquall.device}, else {@link #best()}. */
    public static Device defaultDevice() {
        String id = System.getProperty(DEVICE_PROPERTY);
        return id == null || id.isBlank() ? best() : get(id.strip());
    }

    private static String describeChoices() {
        String known = list().stream().map(Device::id).collect(Collectors.joining(", "));
        String missing = status().stream().filter(s -> !s.available())
                .map(s -> s.backend().prefix() + ": " + s.unavailableReason())
                .collect(Collectors.joining("; "));
        return "devices: [" + known + "]" + (missing.isEmpty() ? "" : "; unavailable: " + missing);
    }
}
