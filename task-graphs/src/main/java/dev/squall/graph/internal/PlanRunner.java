package dev.squall.graph.internal;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.NativeArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionProfile;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.ImmutableTaskGraph;
import dev.squall.graph.TaskGraphException;
import dev.squall.graph.TaskProfile;
import dev.squall.graph.TransferProfile;
import dev.squall.graph.WorkerGrid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs the graphs of a plan on one device session: the transfers each mode asks for, the launches
 * in program order, a synchronisation at the end, and the checks that keep a reused plan honest.
 */
public final class PlanRunner implements AutoCloseable {

    private final List<ImmutableTaskGraph> graphs;
    private final DeviceSession session;
    /** Every array the plan touches, with the version (free/resize count) it had on first execution. */
    /** The graphs' task names ("graph.task"), fixed with the graphs; checked against the scheduler each run. */
    private final Set<String> taskNames;
    /** Every launch of the graphs, in order (fixed with the graphs). */
    private final List<GraphStep.Launch> launches;
    /** Every copy step with its graph's name, for {@link #checkCopiesHaveHostMemory} (launches left out). */
    private final List<GraphCopy> copies;
    private final Map<Object, Integer> versions = new IdentityHashMap<>();
    private final Map<Object, Integer> sizes = new IdentityHashMap<>();
    private final Map<GraphStep.Launch, Long> argumentBytes = new IdentityHashMap<>();
    private final Map<GraphStep.Launch, Optional<LaunchBounds>> launchBounds = new IdentityHashMap<>();
    /** From the end of the first execution: every array it touched, and its version then. */
    private NativeArray[] trackedArrays;
    private int[] trackedVersions;
    private boolean executedOnce;
    private boolean closed;

    public PlanRunner(List<ImmutableTaskGraph> graphs, Device device) {
        this(graphs, device, false);
    }

    public PlanRunner(List<ImmutableTaskGraph> graphs, Device device, boolean cudaGraph) {
        this.graphs = List.copyOf(graphs);
        this.session = Sessions.open(device, cudaGraph);
        Set<String> names = new LinkedHashSet<>();
        List<GraphStep.Launch> all = new ArrayList<>();
        List<GraphCopy> copySteps = new ArrayList<>();
        for (ImmutableTaskGraph graph : this.graphs) {
            names.addAll(graph.taskNames());
            for (GraphStep step : graph.steps()) {
                if (step instanceof GraphStep.Launch launch) {
                    all.add(launch);
                } else {
                    copySteps.add(new GraphCopy(graph.name(), step));
                }
            }
        }
        this.launches = List.copyOf(all);
        this.copies = List.copyOf(copySteps);
        this.taskNames = Collections.unmodifiableSet(names);
    }

    public Device device() {
        return session.device();
    }

    public boolean executedOnce() {
        return executedOnce;
    }

    /** Checks everything that can be checked before anything runs. */
    public void validate(GridScheduler scheduler) {
        if (scheduler != null) {
            for (String name : scheduler.taskNames()) {
                if (!taskNames.contains(name)) {
                    throw new TaskGraphException("GridScheduler names task '" + name + "', but the plan's tasks are "
                            + taskNames);
                }
            }
        }
        boolean arraysUnchanged = trackedArraysUnchanged();
        // Launches first, so a bad array is named by the task argument it is, when it is one.
        for (GraphStep.Launch launch : launches) {
            checkGrid(launch, scheduler == null ? null : scheduler.get(launch.name()));
            if (arraysUnchanged) {
                continue;
            }
            List<Object> args = launch.args();
            for (int i = 0; i < args.size(); i++) {
                String problem = arrayProblem(args.get(i));
                if (problem != null) {
                    throw new TaskGraphException("argument " + (i + 1) + " of task '" + launch.name() + "'" + problem);
                }
            }
        }
        if (arraysUnchanged) {
            return;
        }
        for (ImmutableTaskGraph graph : graphs) {
            for (GraphStep step : graph.steps()) {
                if (!(step instanceof GraphStep.Launch)) {
                    for (Object data : dataOf(step)) {
                        String problem = arrayProblem(data);
                        if (problem != null) {
                            throw new TaskGraphException("an array transferred by task graph '" + graph.name() + "'"
                                    + problem);
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether every array the plan touched in its first execution still has the version it had then (none
     * freed or resized): one pass over a flat list instead of a map lookup per argument of every task, on
     * the host's path to the next launch.
     */
    private boolean trackedArraysUnchanged() {
        if (trackedArrays == null) {
            return false;
        }
        for (int i = 0; i < trackedArrays.length; i++) {
            if (trackedArrays[i].version() != trackedVersions[i]) {
                return false;
            }
        }
        return true;
    }

    /** Takes the arrays of the first execution, with their versions, for {@link #trackedArraysUnchanged}. */
    private void trackArrays() {
        List<NativeArray> arrays = new ArrayList<>();
        for (Object data : versions.keySet()) {
            if (data instanceof NativeArray array) {
                arrays.add(array);
            }
        }
        trackedArrays = arrays.toArray(NativeArray[]::new);
        trackedVersions = new int[trackedArrays.length];
        for (int i = 0; i < trackedArrays.length; i++) {
            trackedVersions[i] = versions.get(trackedArrays[i]);
        }
    }

    private void checkGrid(GraphStep.Launch launch, WorkerGrid grid) {
        if (launch.kernel().contextIndex() >= 0 && grid == null) {
            throw new TaskGraphException("task '" + launch.name() + "' runs " + launch.kernel().displayName()
                    + ", which takes a KernelContext, but no WorkerGrid was given; use withGridScheduler(new"
                    + " GridScheduler(\"" + launch.name() + "\", new WorkerGrid1D(n)))");
        }
        if (grid == null) {
            return;
        }
        int[] global = grid.globalWork();
        int[] local = grid.localWork();
        if (local == null) {
            if (launch.kernel().contextIndex() >= 0 && session.device().backend() == dev.squall.api.Backend.JAVA) {
                throw new TaskGraphException("task '" + launch.name() + "': the JVM device needs an explicit local"
                        + " work size for KernelContext kernels; call setLocalWork on its " + grid);
            }
            return;
        }
        for (int d = 0; d < 3; d++) {
            if (global[d] % local[d] != 0) {
                throw new TaskGraphException("task '" + launch.name() + "': global size " + global[d]
                        + " in dimension " + "xyz".charAt(d) + " is not a multiple of local size " + local[d] + " ("
                        + grid + ")");
            }
        }
        int max = session.device().maxWorkGroupSize();
        if (grid.localItems() > max) {
            throw new TaskGraphException("task '" + launch.name() + "': work-group of " + grid.localItems()
                    + " work-items exceeds the limit of " + max + " on device '" + session.device().id() + "'");
        }
        LaunchBounds bounds = launchBounds.computeIfAbsent(launch,
                l -> Optional.ofNullable(l.kernel().method().getAnnotation(LaunchBounds.class))).orElse(null);
        if (bounds != null && grid.localItems() > bounds.maxGroupSize()) {
            throw new TaskGraphException("task '" + launch.name() + "': work-group of " + grid.localItems()
                    + " work-items, but " + launch.kernel().displayName() + " declares @LaunchBounds(maxGroupSize = "
                    + bounds.maxGroupSize() + ")");
        }
    }

    /**
     * What is wrong with an array argument, as the end of a message after its role (" (…) was freed…"),
     * or null when nothing is (and for values that are not arrays). The caller names the role only on
     * a problem: this runs for every argument of every execution.
     */
    private String arrayProblem(Object value) {
        if (!(value instanceof NativeArray array)) {
            return null;
        }
        if (array.isFreed()) {
            return " (" + array + ") was freed"
                    + (executedOnce ? " after the plan's first execution; build a new plan for new arrays" : "");
        }
        Integer version = versions.get(array);
        if (version != null && version != array.version()) {
            return " was resized from " + sizes.get(array) + " to " + array.getSize()
                    + " elements after the plan's first execution; the device copy no longer matches, build a new plan";
        }
        return null;
    }

    /**
     * One execution of every graph, in order; kernel and transfer times only when {@code timeKernels} (else
     * 0 where the backend skips timing). Returns the execution's profile, built when first asked for: on a
     * decode loop's path from one execution to the next, building it took about 40 µs (H200 host, Llama
     * step of 83 tasks) while the device waited.
     */
    public Supplier<ExecutionProfile> execute(GridScheduler scheduler, boolean timeKernels) {
        if (closed) {
            throw new TaskGraphException("the execution plan is closed");
        }
        validate(scheduler);
        checkCopiesHaveHostMemory();
        session.beginExecution();
        session.checkLaunches(launches, scheduler);
        long start = System.nanoTime();
        List<PendingTask> tasks = new ArrayList<>();
        List<PendingTransfer> transfers = new ArrayList<>();
        for (ImmutableTaskGraph graph : graphs) {
            for (GraphStep step : graph.steps()) {
                switch (step) {
                    case GraphStep.CopyIn in -> {
                        boolean copy = copiesNow(in);
                        for (Object data : in.data()) {
                            remember(data);
                            if (copy) {
                                transfers.add(new PendingTransfer(graph.name(), "to-device", data, session.copyIn(data, timeKernels)));
                            } else {
                                session.allocate(data);
                            }
                        }
                    }
                    case GraphStep.Launch launch -> {
                        for (Object arg : launch.args()) {
                            if (Arguments.isData(arg)) {
                                remember(arg);
                                session.allocate(arg);
                            }
                        }
                        WorkerGrid grid = scheduler == null ? null : scheduler.get(launch.name());
                        tasks.add(new PendingTask(launch, argumentBytes(launch), session.launch(launch, grid, timeKernels)));
                    }
                    case GraphStep.CopyOut out -> {
                        boolean copy = copiesNow(out);
                        for (Object data : out.data()) {
                            remember(data);
                            if (copy) {
                                transfers.add(new PendingTransfer(graph.name(), "to-host", data, session.copyOut(data, timeKernels)));
                            }
                        }
                    }
                }
            }
        }
        session.synchronize();
        if (!executedOnce) {
            trackArrays();
        }
        executedOnce = true;
        long total = System.nanoTime() - start;
        String deviceId = session.device().id();
        return new Supplier<>() {
            private ExecutionProfile profile;

            @Override
            public synchronized ExecutionProfile get() {
                if (profile == null) {
                    profile = new ExecutionProfile(deviceId, tasks.stream().map(PendingTask::profile).toList(),
                            transfers.stream().map(PendingTransfer::profile).toList(), total);
                }
                return profile;
            }
        };
    }

    /** Copies arrays back on request (for {@link DataTransferMode#UNDER_DEMAND}); returns their profile. */
    public List<TransferProfile> transferToHost(Object... data) {
        return transferOnDemand("to-host", data);
    }

    /** Copies arrays to the device on request; before the first execution there is nothing to do. */
    public List<TransferProfile> transferToDevice(Object... data) {
        return executedOnce ? transferOnDemand("to-device", data) : List.of();
    }

    private List<TransferProfile> transferOnDemand(String direction, Object... data) {
        if (closed) {
            throw new TaskGraphException("the execution plan is closed");
        }
        if (!executedOnce) {
            throw new TaskGraphException("nothing to transfer: the plan has not executed yet");
        }
        // every item checked before any copy is issued: a refusal must not leave a copy still reading host memory
        for (Object item : data) {
            if (!versions.containsKey(item)) {
                throw new TaskGraphException(direction + " of " + (item == null ? "null" : Arguments.describe(item))
                        + ": this array is not used by the plan");
            }
            String problem = arrayProblem(item);
            if (problem != null) {
                throw new TaskGraphException("the requested array" + problem);
            }
            if (item instanceof NativeArray array && array.isHostReleased()) {
                throw new TaskGraphException(direction + " of " + array + ": its host memory was released"
                        + " (releaseHostCopies); the device copy is the only one");
            }
        }
        List<PendingTransfer> pending = new ArrayList<>();
        for (Object item : data) {
            pending.add(new PendingTransfer("on-demand", direction, item,
                    direction.equals("to-host") ? session.copyOut(item) : session.copyIn(item)));
        }
        session.synchronize();
        return pending.stream().map(PendingTransfer::profile).toList();
    }

    /**
     * Refuses, before anything is issued, an execution that would copy an array whose host memory was released
     * (by this plan or another that shares it): only the copies this execution makes are looked at, so a plan's
     * own released weights (copied at its first execution only) cost nothing here.
     */
    private void checkCopiesHaveHostMemory() {
        for (GraphCopy copy : copies) {
            if (!copiesNow(copy.step())) {
                continue;
            }
            for (Object data : dataOf(copy.step())) {
                if (data instanceof NativeArray array && array.isHostReleased()) {
                    throw new TaskGraphException("task graph '" + copy.graph() + "' copies " + array + " "
                            + (copy.step() instanceof GraphStep.CopyIn ? "to the device" : "to the host")
                            + ", but its host memory was released (releaseHostCopies) and only a device copy is"
                            + " left; transfer it FIRST_EXECUTION in a plan that holds it");
                }
            }
        }
    }

    /** Whether this execution makes the copies of {@code step} (a copy step), by its transfer mode. */
    private boolean copiesNow(GraphStep step) {
        return switch (step) {
            case GraphStep.CopyIn in -> in.mode() == DataTransferMode.EVERY_EXECUTION || !executedOnce;
            case GraphStep.CopyOut out -> out.mode() == DataTransferMode.EVERY_EXECUTION
                    || (out.mode() == DataTransferMode.FIRST_EXECUTION && !executedOnce);
            case GraphStep.Launch launch -> false;
        };
    }

    /** A copy step and the name of its graph. */
    private record GraphCopy(String graph, GraphStep step) {
    }

    /** The refusal of {@link #releaseHostCopies} before the plan's first execution. */
    public static final String RELEASE_BEFORE_EXECUTION = "releaseHostCopies before the plan's first execution: the"
            + " arrays are not on the device yet; execute the plan once first";

    /**
     * Frees the host memory of arrays whose device copies this plan keeps ({@link NativeArray#releaseHostMemory}):
     * each must be copied {@link DataTransferMode#FIRST_EXECUTION} by the plan, and by no other step (no copy back,
     * no copy every execution or on demand), and the plan must have executed, so the copy is on the device; the
     * device is waited for first, so no copy still reads the host memory. Not on the JVM device, whose kernels
     * run on the host arrays themselves.
     */
    public void releaseHostCopies(NativeArray... arrays) {
        if (closed) {
            throw new TaskGraphException("the execution plan is closed");
        }
        if (session.device().backend() == Backend.JAVA) {
            throw new TaskGraphException("releaseHostCopies on the JVM device, whose kernels run on the host arrays"
                    + " themselves: there is no device copy to keep");
        }
        if (!executedOnce) {
            throw new TaskGraphException(RELEASE_BEFORE_EXECUTION);
        }
        for (NativeArray array : arrays) {
            String why = notReleasable(array);
            if (why != null) {
                throw new TaskGraphException("releaseHostCopies of " + array + ": " + why);
            }
        }
        session.synchronize();
        for (NativeArray array : arrays) {
            if (!array.isHostReleased()) {
                array.releaseHostMemory();
            }
        }
    }

    /** Why this plan cannot release {@code array}'s host memory, or null when it can. */
    private String notReleasable(NativeArray array) {
        if (array.isFreed()) {
            return "it was freed";
        }
        boolean once = false;
        for (GraphCopy copy : copies) {
            if (dataOf(copy.step()).stream().noneMatch(d -> d == array)) {
                continue;
            }
            if (copy.step() instanceof GraphStep.CopyOut) {
                return "task graph '" + copy.graph() + "' copies it back to the host";
            }
            DataTransferMode mode = ((GraphStep.CopyIn) copy.step()).mode();
            if (mode != DataTransferMode.FIRST_EXECUTION) {
                return "task graph '" + copy.graph() + "' copies it to the device " + mode
                        + ", which needs the host memory again";
            }
            once = true;
        }
        return once ? null : "the plan does not copy it to the device FIRST_EXECUTION, so it keeps no copy of it";
    }

    private void remember(Object data) {
        if (data instanceof NativeArray array && !versions.containsKey(array)) {
            versions.put(array, array.version());
            sizes.put(array, array.getSize());
        } else if (!(data instanceof NativeArray)) {
            versions.putIfAbsent(data, 0);
        }
    }

    private static List<Object> dataOf(GraphStep step) {
        return switch (step) {
            case GraphStep.CopyIn in -> in.data();
            case GraphStep.CopyOut out -> out.data();
            case GraphStep.Launch launch -> launch.args();
        };
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            session.close();
        }
    }

    /** A launch's argument bytes: fixed for the plan's life, since {@link #validate} refuses resized arrays. */
    private long argumentBytes(GraphStep.Launch launch) {
        return argumentBytes.computeIfAbsent(launch,
                l -> l.args().stream().filter(Arguments::isData).mapToLong(Arguments::byteSize).sum());
    }

    private record PendingTask(GraphStep.Launch launch, long bytes, DeviceSession.LaunchTiming timing) {
        TaskProfile profile() {
            return new TaskProfile(launch.name(), launch.kernel().displayName(), timing.compileNanos(),
                    timing.kernel().nanos(), bytes, timing.global(), timing.local());
        }
    }

    /** A transfer, described when it is issued (the array may change after the execution). */
    private record PendingTransfer(String graph, String direction, String data, long bytes, DeviceSession.Timing timing) {
        PendingTransfer(String graph, String direction, Object data, DeviceSession.Timing timing) {
            this(graph, direction, Arguments.describe(data), Arguments.byteSize(data), timing);
        }

        TransferProfile profile() {
            return new TransferProfile(graph, direction, data, bytes, timing.nanos());
        }
    }
}
