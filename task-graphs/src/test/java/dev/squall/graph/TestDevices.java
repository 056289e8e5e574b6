package dev.squall.graph;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.Devices;
import java.util.List;
import java.util.stream.Stream;

/** The devices a device test runs on. */
public final class TestDevices {

    private TestDevices() {
    }

    /**
     * The accelerators to test: every one, or those of the types in {@code -Dsquall.test.types}
     * (e.g. {@code GPU}, so a GPU run does not spend its time on the CPU's OpenCL).
     */
    public static List<Device> accelerators() {
        String types = System.getProperty("squall.test.types", "");
        return Devices.list().stream().filter(d -> d.type() != DeviceType.JVM)
                .filter(d -> types.isBlank() || List.of(types.split(",")).contains(d.type().name())).toList();
    }

    /**
     * The JVM reference device, then the accelerators; with {@code -Dsquall.test.types}, only the
     * devices of those types ({@code JVM} names the reference device).
     */
    public static Stream<Device> all() {
        String types = System.getProperty("squall.test.types", "");
        boolean jvm = types.isBlank() || List.of(types.split(",")).contains(DeviceType.JVM.name());
        return Stream.concat(jvm ? Stream.of(Devices.get("java")) : Stream.empty(), accelerators().stream());
    }
}
