package dev.squall.graph;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.types.NativeArray;
import dev.squall.graph.internal.PlanRunner;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one or more task graphs on a device, as many times as asked. Device memory, compiled kernels
 * and resident data live as long as the plan: close it to release them.
 *
 * <pre>{@code
 * try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot())) {
 *     plan.withDevice(Devices.get("java")).execute();
 * }
 * }</pre>
 *
 * Without {@link #withDevice(Device)}, the plan runs on {@link Devices#defaultDevice()}. Plans are
 * not thread-safe.
 */
public final class ExecutionPlan implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionPlan.class);

    private final List<ImmutableTaskGraph> graphs;
    private Device device;
    private GridScheduler scheduler;
    private ProfilerMode profilerMode = ProfilerMode.SILENT;
    private boolean cudaGraph;
    private PlanRunner runner;
    private boolean closed;

    public ExecutionPlan(ImmutableTaskGraph... graphs) {
        if (graphs.length == 0) {
            throw new TaskGraphException("an execution plan needs at least one task graph");
        }
        this.graphs = List.of(graphs);
        long distinct = this.graphs.stream().map(ImmutableTaskGraph::name).distinct().count();
        if (distinct != graphs.length) {
            throw new TaskGraphException("an execution plan's task graphs need distinct names, got "
                    + this.graphs.stream().map(ImmutableTaskGraph::name).toList());
        }
    }

    /** Runs every graph on {@code device}. Must be chosen before the first execution. */
    public ExecutionPlan withDevice(Device device) {
        checkOpen();
        if (runner != null && !runner.device().id().equals(device.id())) {
            throw new TaskGraphException("the plan already ran on '" + runner.device().id()
                    + "'; build a new ExecutionPlan to run on '" + device.id() + "'");
        }
        this.device = java.util.Objects.requireNonNull(device, "device");
        return this;
    }

    /** Launch geometries for tasks, by {@code "graph.task"}. */
    public ExecutionPlan withGridScheduler(GridScheduler scheduler) {
        checkOpen();
        this.scheduler = scheduler;
        return this;
    }

    /**
     * On CUDA devices, captures the launches of the first execution into a CUDA graph and replays it
     * in later executions: one driver call instead of one per kernel. Transfers to the device must
     * come before the first task; per-task kernel times are then reported only for the first
     * execution. On compute capability 9.0 and newer each replayed kernel but the first may start while
     * the one before it finishes (programmatic dependent launch; the kernel waits at entry until that one
     * has finished), which overlaps part of each launch's latency with the kernel before (on an H200, 1.5%
     * of a Llama-3.2-1B step's graph time over its 83 launches). Other devices ignore it.
     */
    public ExecutionPlan withCudaGraph() {
        checkOpen();
        if (runner != null) {
            throw new TaskGraphException("withCudaGraph must be chosen before the plan's first execution");
        }
        this.cudaGraph = true;
        return this;
    }

    public ExecutionPlan withProfiler(ProfilerMode mode) {
        this.profilerMode = java.util.Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** The device the plan runs (or will run) on. */
    public Device device() {
        return runner != null ? runner.device() : device != null ? device : Devices.defaultDevice();
    }

    /** Runs every graph once: transfers as their modes ask, launches in order, then waits. */
    public ExecutionResult execute() {
        checkOpen();
        if (runner == null) {
            Device target = device != null ? device : Devices.defaultDevice();
            PlanRunner fresh = new PlanRunner(graphs, target, cudaGraph);
            try {
                fresh.validate(scheduler);
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
            runner = fresh;
            LOG.debug("plan {} runs on {}", graphs.stream().map(ImmutableTaskGraph::name).toList(), target.id());
        }
        Supplier<ExecutionProfile> profile = runner.execute(scheduler, profilerMode != ProfilerMode.OFF);
        if (profilerMode == ProfilerMode.CONSOLE) {
            System.out.print(profile.get().toTable());
        }
        return new ExecutionResult(runner, profile);
    }

    /**
     * Copies arrays to the device now (for inputs declared {@link DataTransferMode#UNDER_DEMAND}, or
     * any array the plan uses). Before the first execution there is nothing to do: that execution
     * copies every input.
     */
    public List<TransferProfile> transferToDevice(Object... data) {
        checkOpen();
        return runner == null ? List.of() : runner.transferToDevice(data);
    }

    /**
     * Frees the host memory of arrays the plan keeps on the device, keeping their device copies, which later
     * executions go on using: weights uploaded once need no host copy after that (a model's converted
     * weights, say, would otherwise take their size in host memory for as long as the plan runs). Each array
     * must be transferred {@link DataTransferMode#FIRST_EXECUTION} by the plan and by no other step, and the plan
     * must have executed once; afterwards the array keeps its size, but reading or writing it on the host throws
     * {@link IllegalStateException}, and so does copying it for another plan. Refused on the JVM device, whose
     * kernels run on the host arrays themselves.
     */
    public void releaseHostCopies(NativeArray... arrays) {
        checkOpen();
        if (runner == null) {
            throw new TaskGraphException(PlanRunner.RELEASE_BEFORE_EXECUTION);
        }
        runner.releaseHostCopies(arrays);
    }

    /** Releases device memory and kernels; the plan cannot run again. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (runner != null) {
                runner.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new TaskGraphException("the execution plan is closed");
        }
    }
}
