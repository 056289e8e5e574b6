package dev.squall.drivers.jvm;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutorService;

/**
 * The JVM reference device: loop kernels run as the Java method itself, their outermost
 * {@code @Parallel} loop shared out in chunks over threads ({@link LoopLauncher});
 * {@code KernelContext} kernels run as SPMD work-groups on the JVM ({@link SpmdLauncher}). Every
 * other backend is checked against it. {@code -Dsquall.jvm.threads=N} sets the threads of both
 * (default: the available processors; 1 runs loop kernels exactly as written).
 */
public final class JavaDevice implements Device {

    public static final String ID = "java";
    /** The largest work-group the emulator accepts, as on most GPUs. */
    public static final int MAX_WORK_GROUP_SIZE = 1024;

    /** The system property that sets how many threads the device runs kernels on. */
    public static final String THREADS_PROPERTY = "squall.jvm.threads";

    private final int threads = threads();
    // one pool for both: a plan runs one kernel at a time
    private final ExecutorService pool = JvmThreads.pool(threads);
    private final SpmdLauncher launcher = new SpmdLauncher(threads, pool);
    private final LoopLauncher loopLauncher = new LoopLauncher(threads, pool);

    private static int threads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + value + ": the JVM device's thread count must"
                + " be a whole number of at least 1");
    }

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
        return threads;
    }

    @Override
    public int maxWorkGroupSize() {
        return MAX_WORK_GROUP_SIZE;
    }

    @Override
    public String details() {
        return "Java " + Runtime.version() + "; " + threads + " threads: loop kernels' outermost @Parallel loop in"
                + " chunks, work-groups in parallel (work-items of a group one at a time between barriers)";
    }

    /** What runs loop kernels' chunked copies on this device's threads. */
    public LoopLauncher loopLauncher() {
        return loopLauncher;
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
