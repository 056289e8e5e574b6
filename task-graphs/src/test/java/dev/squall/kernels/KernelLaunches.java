package dev.squall.kernels;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.types.NativeArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * One kernel launch through a task graph, as the kernel tests do it: every array argument copied
 * to the device and back each time, one execution, the plan closed.
 */
public final class KernelLaunches {

    private KernelLaunches() {
    }

    /** The kernel {@code owner.name} (kernel names are not overloaded). */
    public static Method kernel(Class<?> owner, String name) {
        return Arrays.stream(owner.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(owner.getSimpleName() + "." + name + " does not exist"));
    }

    /** Runs {@code kernel} once with {@code args} as given; {@code grid} null for a loop kernel. */
    public static void run(Device device, Method kernel, WorkerGrid grid, Object... args) {
        runSpecialized(device, kernel, grid, new int[0], args);
    }

    /**
     * {@link #run} with the parameters at {@code constants} (indices into {@code args}) compiled as constants, as a
     * model compiles its sizes ({@code TaskGraph.specialize}).
     */
    public static void runSpecialized(Device device, Method kernel, WorkerGrid grid, int[] constants, Object... args) {
        Object[] arrays = Arrays.stream(args).filter(a -> a instanceof NativeArray).toArray();
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays)
                .task("k", kernel, args)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, arrays);
        if (constants.length > 0) {
            graph.specialize("k", constants);
        }
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            if (grid != null) {
                plan.withGridScheduler(new GridScheduler("g.k", grid));
            }
            plan.execute();
        }
    }

    /** Runs the SPMD kernel {@code owner.name} once over {@code grid}, a fresh KernelContext before {@code args}. */
    public static void runSpmd(Device device, Class<?> owner, String name, WorkerGrid grid, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = new KernelContext();
        System.arraycopy(args, 0, all, 1, args.length);
        run(device, kernel(owner, name), grid, all);
    }

}
