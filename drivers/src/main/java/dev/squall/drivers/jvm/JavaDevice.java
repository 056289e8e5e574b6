package dev.squall.drivers.jvm;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import java.lang.management.ManagementFactory;

/**
 * The JVM reference device: loop kernels run as the Java method itself (their sequential meaning);
 * {@code KernelContext} kernels run as SPMD work-groups on the JVM ({@link SpmdLauncher}). Every
 * other backend is checked against it.
 */
public final class JavaDevice implements Device {

    public static final String ID = "java";
    /** The largest work-group the emulator accepts, as on most GPUs. */
    public static final int MAX_WORK_GROUP_SIZE = 1024;

    private final SpmdLauncher launcher = new SpmdLauncher(Runtime.getRuntime().availableProcessors());

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Backend backend() {
        return Backend.JAVA;
    }

    @Override
    public DeviceType type() {
        return DeviceType.JVM;
    }

    @Override
    public String name() {
        return "JVM " + Runtime.version().feature() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("os.arch") + ")";
    }

    @Override
    public long globalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Local arrays are Java arrays on the heap; the JVM imposes no separate limit. */
    @Override
    public long localMemoryBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public int computeUnits() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public int maxWorkGroupSize() {
        return MAX_WORK_GROUP_SIZE;
    }

    @Override
    public String details() {
        return "Java " + Runtime.version() + "; work-groups run in parallel, work-items of a group one at a time"
                + " between barriers";
    }

    /** The SPMD emulator this device runs {@code KernelContext} kernels with. */
    public SpmdLauncher launcher() {
        return launcher;
    }

    @Override
    public String toString() {
        return ID;
    }
}
