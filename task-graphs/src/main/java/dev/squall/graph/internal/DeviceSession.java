package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.WorkerGrid;
import java.util.List;

/**
 * What an execution plan needs from one device: memory for its arrays, copies, launches and a way
 * to wait. One session per plan; it owns the device memory and compiled kernels of that plan.
 * Operations are asynchronous where the device is; their timings are valid after
 * {@link #synchronize()}.
 */
public interface DeviceSession extends AutoCloseable {

    Device device();

    /** Called at the start of every execution of the plan. */
    default void beginExecution() {
    }

    /**
     * Called before an execution's first copy or launch with every launch it will make, in order, and the
     * scheduler that gives their grids (null: none has one), so a session that issues work ahead of the
     * plan's order can refuse the execution while nothing has run yet.
     */
    default void checkLaunches(List<GraphStep.Launch> launches, GridScheduler scheduler) {
    }

    /** Ensures the device has memory for {@code data}, without copying. */
    void allocate(Object data);

    /** Copies {@code data} from the host to the device (allocating first if needed). */
    Timing copyIn(Object data);

    /** Copies {@code data} from the device back to the host. */
    Timing copyOut(Object data);

    /**
     * As {@link #copyIn(Object)}; with {@code timed} false a backend may skip timing the copy (its time then
     * reads 0). CUDA does: two events per copy cost host time on the path to the next launch.
     */
    default Timing copyIn(Object data, boolean timed) {
        return copyIn(data);
    }

    /** As {@link #copyOut(Object)}, and {@code timed} as in {@link #copyIn(Object, boolean)}. */
    default Timing copyOut(Object data, boolean timed) {
        return copyOut(data);
    }

    /** Compiles (or takes from a cache) and launches a task. */
    LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid);

    /**
     * As {@link #launch(GraphStep.Launch, WorkerGrid)}; with {@code timed} false a backend may skip
     * timing the kernel (its time then reads 0). OpenCL and CUDA do: their timing events cost host time.
     */
    default LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid, boolean timed) {
        return launch(launch, grid);
    }

    /** Waits for everything issued so far. */
    void synchronize();

    /** Frees the device memory and kernels of this session. */
    @Override
    void close();

    /** The duration of an operation; read it only after {@link #synchronize()}. */
    @FunctionalInterface
    interface Timing {
        long nanos();

        static Timing of(long nanos) {
            return () -> nanos;
        }
    }

    /**
     * How a launch went.
     *
     * @param compileNanos time spent compiling in this call (0 when cached)
     * @param kernel       the kernel's run time
     * @param global       global work size used, or null for a loop kernel run as Java
     * @param local        work-group size used, or null
     */
    record LaunchTiming(long compileNanos, Timing kernel, int[] global, int[] local) {
    }
}
