package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.LaunchBounds;
import dev.squall.drivers.jvm.JavaDevice;
import dev.squall.graph.WorkerGrid;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * The JVM device: host memory is device memory, so copies are no-ops (still recorded by the plan);
 * loop kernels run as the Java method itself and {@code KernelContext} kernels as SPMD work-groups.
 */
final class JavaSession implements DeviceSession {

    private final JavaDevice device;
    private final Map<KernelReference, MethodHandle> handles = new HashMap<>();

    JavaSession(JavaDevice device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void allocate(Object data) {
        // the host array is the device array
    }

    @Override
    public Timing copyIn(Object data) {
        return Timing.of(0);
    }

    @Override
    public Timing copyOut(Object data) {
        return Timing.of(0);
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid) {
        MethodHandle handle = handles.get(launch.kernel());
        long compileNanos = 0;
        if (handle == null) {
            long startCompile = System.nanoTime();
            handle = launch.kernel().handle();
            handles.put(launch.kernel(), handle);
            compileNanos = System.nanoTime() - startCompile;
        }
        Object[] args = launch.args().toArray();
        int contextIndex = launch.kernel().contextIndex();
        long start = System.nanoTime();
        if (contextIndex >= 0) {
            int[] global = grid.globalWork();
            int[] local = grid.localWork();
            // PlanRunner has already refused work-groups larger than the kernel's @LaunchBounds
            LaunchBounds bounds = launch.kernel().method().getAnnotation(LaunchBounds.class);
            device.launcher().launch(launch.kernel().displayName(), handle, args, contextIndex, global, local,
                    KernelContext.warpGroupLimit(bounds));
            return new LaunchTiming(compileNanos, Timing.of(System.nanoTime() - start), global, local);
        }
        try {
            handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw new KernelExecutionException("kernel " + launch.kernel().displayName() + " (task '" + launch.name()
                    + "') threw " + e, e);
        } catch (Throwable t) {
            throw new KernelExecutionException("kernel " + launch.kernel().displayName() + " failed", t);
        }
        return new LaunchTiming(compileNanos, Timing.of(System.nanoTime() - start), null, null);
    }

    @Override
    public void synchronize() {
        // everything ran synchronously
    }

    @Override
    public void close() {
        handles.clear();
    }
}
