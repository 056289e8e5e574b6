package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.api.types.NativeArray;
import dev.squall.drivers.cuda.CudaBuffer;
import dev.squall.drivers.cuda.CudaContext;
import dev.squall.drivers.cuda.CudaDevice;
import dev.squall.drivers.cuda.CudaEvent;
import dev.squall.drivers.cuda.CudaFunction;
import dev.squall.drivers.cuda.CudaGraphExec;
import dev.squall.drivers.cuda.CudaModule;
import dev.squall.drivers.cuda.KernelArgs;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraphException;
import dev.squall.graph.WorkerGrid;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.KernelCompiler;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.launch.ArgumentValues;
import dev.squall.jit.launch.LaunchPlanner;
import dev.squall.jit.launch.LaunchStep;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs plans on an NVIDIA GPU through the CUDA driver: one primary context and stream per plan,
 * device buffers kept resident, kernels compiled to PTX (with math in software) and loaded once
 * (cubins cached on disk by the driver), timings from CUDA events. With CUDA graphs on, the
 * launches of the first execution are captured into a graph that later executions replay in one
 * call, which is what decode loops of many small kernels need. The replay is launched at an
 * execution's first task, so the device runs it while the host goes through the plan's other tasks.
 */
final class CudaSession implements DeviceSession {

    private final CudaDevice device;
    private final CudaContext context;
    private final PtxTarget target;
    private final boolean useGraph;
    private final Map<Object, CudaBuffer> buffers = new IdentityHashMap<>();
    private final Map<String, CudaBuffer> hiddenBuffers = new HashMap<>();
    private final Map<String, CudaModule> modules = new HashMap<>();
    private final Map<String, CudaFunction> functions = new HashMap<>();
    private final List<CudaEvent[]> pendingEvents = new ArrayList<>();
    private final List<long[]> pendingDurations = new ArrayList<>();
    private final ArrayDeque<CudaEvent> freeEvents = new ArrayDeque<>();
    private final LaunchCache<PreparedLaunch> prepared = new LaunchCache<>();
    /** Argument blocks of prepared launches: they live as long as the session. */
    private final Arena argumentArena = Arena.ofShared();
    /** In graph mode: the launches of the first execution, replayed into the graph. */
    private final List<KernelLaunch> recorded = new ArrayList<>();
    /** The first driver (CUDA 12.3, as cuDriverGetVersion reports it) whose captured graphs keep overlapped launches. */
    private static final int PROGRAMMATIC_EDGES_DRIVER = 12030;
    private CudaGraphExec graph;
    private boolean launchedThisExecution;
    /** In graph mode, from the second execution on: whether this execution's graph has been launched. */
    private boolean graphLaunched;
    private int execution;

    CudaSession(CudaDevice device, boolean useGraph) {
        this.device = device;
        this.context = CudaContext.create(device);
        this.target = new PtxTarget(device.computeCapability().major() * 10 + device.computeCapability().minor(),
                device.ptxIsaVersion().toString());
        this.useGraph = useGraph;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void beginExecution() {
        execution++;
        launchedThisExecution = false;
        graphLaunched = false;
    }

    /**
     * A replayed graph goes out at the first task, so a launch whose grid changed since the capture is
     * refused here, before anything of the execution runs, rather than after the old graph has run.
     */
    @Override
    public void checkLaunches(List<GraphStep.Launch> launches, GridScheduler scheduler) {
        if (useGraph && graph != null) {
            for (GraphStep.Launch launch : launches) {
                if (!prepared.holds(launch, scheduler == null ? null : scheduler.get(launch.name()))) {
                    throw gridChanged(launch);
                }
            }
        }
    }

    private static TaskGraphException gridChanged(GraphStep.Launch launch) {
        return new TaskGraphException("task '" + launch.name() + "': its grid changed after the CUDA graph was"
                + " captured; the graph replays the first execution's launches, so build a new plan for a new grid");
    }

    @Override
    public void allocate(Object data) {
        buffer(data);
    }

    private CudaBuffer buffer(Object data) {
        return buffers.computeIfAbsent(data, d -> context.allocate(Math.max(1, Arguments.byteSize(d))));
    }

    @Override
    public Timing copyIn(Object data) {
        return copyIn(data, true);
    }

    @Override
    public Timing copyIn(Object data, boolean timed) {
        if (useGraph && launchedThisExecution) {
            throw new TaskGraphException("with CUDA graphs, copies to the device must come before the first task of"
                    + " an execution; move transferToDevice of " + Arguments.describe(data) + " to the start");
        }
        CudaBuffer b = buffer(data);
        MemorySegment host = hostSegment(data);
        CudaEvent start = timed ? recordEvent() : null;
        if (host.isNative()) {
            b.writeAsync(host, 0);
        } else {
            b.write(host);
        }
        return timed ? track(start) : UNTIMED;
    }

    @Override
    public Timing copyOut(Object data) {
        return copyOut(data, true);
    }

    @Override
    public Timing copyOut(Object data, boolean timed) {
        CudaBuffer b = buffer(data);
        MemorySegment host = hostSegment(data);
        CudaEvent start = timed ? recordEvent() : null;
        if (host.isNative()) {
            b.readAsync(host, 0);
        } else {
            b.read(host);
        }
        return timed ? track(start) : UNTIMED;
    }

    /** The time of an operation that was not timed. */
    private static final Timing UNTIMED = () -> 0;

    /** A launch worked out once: its kernel launches with their argument blocks, ready to issue. */
    private record PreparedLaunch(long compileNanos, List<KernelLaunch> launches, LaunchStep main) {
    }

    /** One kernel launch, ready to issue normally or overlapping the kernel before it on the stream. */
    @FunctionalInterface
    private interface KernelLaunch {
        void issue(boolean afterPrevious);
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid) {
        return launch(launch, grid, true);
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid, boolean timed) {
        launchedThisExecution = true;
        boolean[] fresh = {false};
        PreparedLaunch p = prepared.get(launch, grid, () -> {
            fresh[0] = true;
            return prepare(launch, grid);
        });
        if (fresh[0] && useGraph && graph != null) {
            throw gridChanged(launch); // checkLaunches refuses this first; kept for a caller that skips it
        }
        long compileNanos = fresh[0] ? p.compileNanos() : 0;
        LaunchStep main = p.main();
        if (useGraph && execution > 1 && graph != null) {
            long[] holder = {0};
            if (!graphLaunched) {
                // The whole graph goes at the first task, so the device runs it while the host walks the
                // plan's other tasks; the graph's time is reported on this task.
                graphLaunched = true;
                if (timed) {
                    CudaEvent start = recordEvent();
                    graph.launch();
                    pendingEvents.add(new CudaEvent[] {start, recordEvent()});
                    pendingDurations.add(holder);
                } else {
                    graph.launch();
                }
            }
            return new LaunchTiming(compileNanos, () -> holder[0], main.global(), main.local());
        }
        if (useGraph && execution == 1) {
            recorded.addAll(p.launches());
        }
        CudaEvent start = timed ? recordEvent() : null;
        p.launches().forEach(l -> l.issue(false));
        return new LaunchTiming(compileNanos, timed ? track(start) : UNTIMED, main.global(), main.local());
    }

    private PreparedLaunch prepare(GraphStep.Launch launch, WorkerGrid grid) {
        long compileStart = System.nanoTime();
        CompiledKernel compiled = KernelCompiler.compile(launch.kernel().method(), launch.compileFacts(), CompileOptions.PTX);
        BackendKernels.requireLocalMemory(compiled, device);
        Object[] args = launch.args().toArray();
        boolean aliased = aliased(args);
        String key = compiled.contentHash() + (aliased ? "/no-nc" : "");
        CudaModule module = modules.get(key);
        if (module == null) {
            module = context.load(PtxEmitter.emit(compiled, target, !aliased));
            modules.put(key, module);
        }
        long compileNanos = System.nanoTime() - compileStart;
        List<LaunchStep> steps = LaunchPlanner.plan(compiled.function(), args,
                grid == null ? null : grid.globalWork(), grid == null ? null : grid.localWork(), device.maxWorkGroupSize());
        List<KernelLaunch> launches = new ArrayList<>();
        Map<Object, CudaBuffer> hidden = new IdentityHashMap<>();
        for (LaunchStep step : steps) {
            String name = PtxEmitter.entryName(step.function());
            CudaModule m = module;
            // local arrays beyond the static limit live in dynamic shared memory, opted into once per function
            int dynamicShared = PtxEmitter.dynamicSharedBytes(step.function());
            CudaFunction function = functions.computeIfAbsent(key + "/" + name,
                    k -> dynamicShared > 0 ? m.function(name).setMaxDynamicShared(dynamicShared) : m.function(name));
            KernelArgs kernelArgs = KernelArgs.in(argumentArena);
            for (Param param : step.function().params()) {
                switch (param.role()) {
                    case DATA -> {
                        Object array = step.args()[param.javaIndex()];
                        kernelArgs.pointer(hidden.containsKey(array) ? hidden.get(array) : buffer(array));
                    }
                    case LENGTH -> kernelArgs.i32(ArgumentValues.length(step.args()[param.javaIndex()]));
                    case VALUE -> scalar(kernelArgs, param, step.args()[param.javaIndex()]);
                    case HIDDEN -> {
                        Object array = step.hidden().get(param);
                        long bytes = Arguments.byteSize(array);
                        CudaBuffer b = hiddenBuffers.computeIfAbsent(launch.name() + "/" + param.javaName() + "/" + bytes,
                                k -> context.allocate(Math.max(1, bytes)));
                        hidden.put(array, b);
                        kernelArgs.pointer(b);
                    }
                }
            }
            int[] blocks = new int[3];
            for (int d = 0; d < 3; d++) {
                blocks[d] = step.global()[d] / step.local()[d];
            }
            int[] threads = step.local().clone();
            launches.add(afterPrevious -> {
                if (afterPrevious) {
                    context.launchAfterPrevious(function, blocks, threads, dynamicShared, kernelArgs);
                } else {
                    context.launch(function, blocks, threads, dynamicShared, kernelArgs);
                }
            });
        }
        return new PreparedLaunch(compileNanos, List.copyOf(launches), steps.get(0));
    }

    private static boolean aliased(Object[] args) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (Object a : args) {
            if (Arguments.isData(a) && seen.put(a, Boolean.TRUE) != null) {
                return true;
            }
        }
        return false;
    }

    private static void scalar(KernelArgs kernelArgs, Param param, Object value) {
        long bits = ArgumentValues.bits(value);
        switch ((ScalarType) param.var().type()) {
            case I64 -> kernelArgs.i64(bits);
            case F32 -> kernelArgs.f32(Float.intBitsToFloat((int) bits));
            case F64 -> kernelArgs.f64(Double.longBitsToDouble(bits));
            default -> kernelArgs.i32((int) bits);
        }
    }

    /** An event from the pool (events are reused across executions), recorded now. */
    private CudaEvent recordEvent() {
        CudaEvent event = freeEvents.isEmpty() ? context.createEvent() : freeEvents.pop();
        return event.record();
    }

    /** An operation's time: from the event recorded before it to one recorded now, read at synchronize. */
    private Timing track(CudaEvent start) {
        CudaEvent end = recordEvent();
        long[] holder = {0};
        pendingEvents.add(new CudaEvent[] {start, end});
        pendingDurations.add(holder);
        return () -> holder[0];
    }

    @Override
    public void synchronize() {
        context.synchronize();
        for (int i = 0; i < pendingEvents.size(); i++) {
            CudaEvent[] pair = pendingEvents.get(i);
            pendingDurations.get(i)[0] = Math.round(pair[0].elapsedMillisTo(pair[1]) * 1e6);
            freeEvents.push(pair[0]);
            freeEvents.push(pair[1]);
        }
        pendingEvents.clear();
        pendingDurations.clear();
        if (useGraph && execution == 1 && graph == null && !recorded.isEmpty()) {
            // In the graph each kernel but the first may start while the one before finishes: it waits at entry
            // (griddepcontrol.wait, PtxTarget.waitsForPreviousGrid), so only the launch's latency overlaps. On an
            // H200 the Llama-3.2-1B step's graph took 1.5% less time, and CUDA C chains of mat-vecs 2-9% less
            // (bench/results/2026-11-30-h200-llama-step-host.md).
            // graph edges that carry a programmatic dependency (CUgraphEdgeData) came with CUDA 12.3; an older
            // driver captures plain launches
            boolean overlap = target.waitsForPreviousGrid() && device.driverVersion() >= PROGRAMMATIC_EDGES_DRIVER;
            graph = context.capture(() -> {
                for (int i = 0; i < recorded.size(); i++) {
                    recorded.get(i).issue(overlap && i > 0);
                }
            });
            recorded.clear();
        }
    }

    private static MemorySegment hostSegment(Object data) {
        return switch (data) {
            case NativeArray a -> a.segment();
            case float[] x -> MemorySegment.ofArray(x);
            case int[] x -> MemorySegment.ofArray(x);
            case long[] x -> MemorySegment.ofArray(x);
            case double[] x -> MemorySegment.ofArray(x);
            case short[] x -> MemorySegment.ofArray(x);
            case char[] x -> MemorySegment.ofArray(x);
            case byte[] x -> MemorySegment.ofArray(x);
            default -> throw new IllegalArgumentException("cannot move " + data.getClass().getSimpleName() + " to a device");
        };
    }

    @Override
    public void close() {
        for (CudaEvent[] pair : pendingEvents) {
            pair[0].close();
            pair[1].close();
        }
        freeEvents.forEach(CudaEvent::close);
        argumentArena.close();
        context.close();
    }
}
