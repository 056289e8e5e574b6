package dev.squall.drivers.jvm;

import dev.squall.api.Backend;
import dev.squall.api.spi.DeviceProvider;
import java.util.List;

/** Provides the one JVM reference device; it is always available. */
public final class JavaDeviceProvider implements DeviceProvider {

    @Override
    public Backend backend() {
        return Backend.JAVA;
    }

    @Override
    public Discovery discover() {
        return Discovery.of(List.of(new JavaDevice()));
    }
}
