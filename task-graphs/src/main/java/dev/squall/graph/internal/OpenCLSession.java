package dev.squall.graph.internal;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelCompilationException;
import dev.squall.api.types.NativeArray;
import dev.squall.drivers.opencl.OpenCLBuffer;
import dev.squall.drivers.opencl.OpenCLContext;
import dev.squall.drivers.opencl.OpenCLDevice;
import dev.squall.drivers.opencl.OpenCLDeviceInfo;
import dev.squall.drivers.opencl.OpenCLEvent;
import dev.squall.drivers.opencl.OpenCLKernel;
import dev.squall.drivers.opencl.OpenCLProgram;
import dev.squall.graph.WorkerGrid;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.launch.ArgumentValues;
import dev.squall.jit.launch.LaunchPlanner;
import dev.squall.jit.launch.LaunchStep;
import dev.squall.jit.opencl.OpenCLEmitter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs plans on an OpenCL device: one context and in-order profiling queue per plan, device
 * buffers allocated once per array and kept resident, kernels compiled to OpenCL C and built once
 * (and cached on disk by the driver), timings from OpenCL events.
 */
final class OpenCLSession implements DeviceSession {

    private final OpenCLDevice device;
    // NVIDIA, compute capability 8.0 or newer: warp-wide mma as inline PTX (tensor cores)
    // NVIDIA: the compiler takes inline PTX (device-scope fences around global barriers)
    private final boolean ptx;
    private final boolean ptxMma;
    private final OpenCLContext context;
    private final Map<Object, OpenCLBuffer> buffers = new IdentityHashMap<>();
    /** Buffers for compiler-added parameters (reduction partials), reused across executions. */
    private final Map<String, OpenCLBuffer> hiddenBuffers = new HashMap<>();
    private final Map<String, OpenCLProgram> programs = new HashMap<>();
    private final LaunchCache<PreparedLaunch> prepared = new LaunchCache<>();
    private final List<OpenCLEvent> pending = new ArrayList<>();
    private final List<long[]> pendingDurations = new ArrayList<>();

    OpenCLSession(OpenCLDevice device) {
        this.device = device;
        this.ptx = device.info().nvidiaComputeCapability().isPresent();
        this.ptxMma = device.info().nvidiaComputeCapability()
                .map(cc -> Integer.parseInt(cc.split("\\.")[0]) >= 8).orElse(false);
        this.context = OpenCLContext.create(device);
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void allocate(Object data) {
        buffer(data);
    }

    private OpenCLBuffer buffer(Object data) {
        return buffers.computeIfAbsent(data, d -> context.allocate(Math.max(1, Arguments.byteSize(d))));
    }

    @Override
    public Timing copyIn(Object data) {
        OpenCLBuffer b = buffer(data);
        MemorySegment host = hostSegment(data);
        if (host.isNative()) {
            return track(b.writeAsync(host, 0));
        }
        long start = System.nanoTime();
        b.write(host);
        return Timing.of(System.nanoTime() - start);
    }

    @Override
    public Timing copyOut(Object data) {
        OpenCLBuffer b = buffer(data);
        MemorySegment host = hostSegment(data);
        if (host.isNative()) {
            return track(b.readAsync(host, 0));
        }
        long start = System.nanoTime();
        b.read(host);
        return Timing.of(System.nanoTime() - start);
    }

    /**
     * A launch worked out once: one kernel object per launch step with its arguments already set,
     * so a later execution only enqueues.
     */
    private record PreparedLaunch(long compileNanos, List<OpenCLKernel> kernels, List<LaunchStep> steps) {
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid) {
        return launch(launch, grid, true);
    }

    @Override
    public LaunchTiming launch(GraphStep.Launch launch, WorkerGrid grid, boolean timed) {
        boolean[] fresh = {false};
        PreparedLaunch p = prepared.get(launch, grid, () -> {
            fresh[0] = true;
            return prepare(launch, grid);
        });
        List<Timing> timings = new ArrayList<>(p.steps().size());
        for (int i = 0; i < p.steps().size(); i++) {
            LaunchStep step = p.steps().get(i);
            if (timed) {
                timings.add(track(context.launch(p.kernels().get(i), step.global(), step.local())));
            } else {
                context.launchUntimed(p.kernels().get(i), step.global(), step.local());
                timings.add(Timing.of(0));
            }
        }
        LaunchStep main = p.steps().get(0);
        Timing kernelTime = timings.size() == 1 ? timings.get(0) : () -> timings.stream().mapToLong(Timing::nanos).sum();
        return new LaunchTiming(fresh[0] ? p.compileNanos() : 0, kernelTime, main.global(), main.local());
    }

    /**
     * The program's build options; a kernel whose barriers must make global writes visible to other
     * work-groups (KernelContext.globalBarrier, Tickets.lastOf) gets a device-scope fence: inline PTX on
     * NVIDIA devices, OpenCL C 2.0's {@code atomic_work_item_fence} elsewhere, and a device with
     * neither is refused, since OpenCL C 1.2 promises nothing beyond the work-group.
     */
    private String buildOptions(CompiledKernel compiled) {
        return buildOptions(ptx, ptxMma, compiled.function().displayName(), OpenCLEmitter.usesGlobalFence(compiled),
                device.info());
    }

    /** {@link #buildOptions(CompiledKernel)} for a kernel named {@code kernel} on a device described by {@code info}. */
    static String buildOptions(boolean ptx, boolean ptxMma, String kernel, boolean globalFence, OpenCLDeviceInfo info) {
        String options = OpenCLEmitter.buildOptions(ptx, ptxMma);
        if (ptx || !globalFence) {
            return options;
        }
        String std = info.deviceScopeFenceStd().orElseThrow(() -> new KernelCompilationException(kernel
                + " makes global writes visible to other work-groups (KernelContext.globalBarrier), which needs a"
                + " device-scope fence: OpenCL 2.0, or 3.0 with acq_rel order and device scope in"
                + " CL_DEVICE_ATOMIC_FENCE_CAPABILITIES and device scope in CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES; "
                + info.name() + " has " + info.version() + " (" + info.openclCVersion() + "), fence capabilities 0x"
                + Long.toHexString(info.atomicFenceCapabilities()) + ", atomic capabilities 0x"
                + Long.toHexString(info.atomicMemoryCapabilities())));
        return options + OpenCLEmitter.deviceFenceOptions(std);
    }

    private PreparedLaunch prepare(GraphStep.Launch launch, WorkerGrid grid) {
        long compileStart = System.nanoTime();
        CompiledKernel compiled = BackendKernels.compile(launch);
        BackendKernels.requireLocalMemory(compiled, device);
        OpenCLProgram program = programs.get(compiled.contentHash());
        if (program == null) {
            program = context.build(OpenCLEmitter.emit(compiled), buildOptions(compiled));
            programs.put(compiled.contentHash(), program);
        }
        long compileNanos = System.nanoTime() - compileStart;
        Object[] args = launch.args().toArray();
        List<LaunchStep> steps = LaunchPlanner.plan(compiled.function(), args,
                grid == null ? null : grid.globalWork(), grid == null ? null : grid.localWork(), device.maxWorkGroupSize(),
                device.type() == DeviceType.CPU ? device.computeUnits() : 0);
        List<OpenCLKernel> kernels = new ArrayList<>();
        Map<Object, OpenCLBuffer> hidden = new IdentityHashMap<>();
        for (LaunchStep step : steps) {
            OpenCLKernel kernel = program.kernel(OpenCLEmitter.kernelName(step.function()));
            int index = 0;
            for (Param param : step.function().params()) {
                switch (param.role()) {
                    case DATA -> {
                        Object array = step.args()[param.javaIndex()];
                        OpenCLBuffer b = hidden.containsKey(array) ? hidden.get(array) : buffer(array);
                        kernel.setBuffer(index, b);
                    }
                    case LENGTH -> kernel.setInt(index, ArgumentValues.length(step.args()[param.javaIndex()]));
                    case VALUE -> setScalar(kernel, index, param, step.args()[param.javaIndex()]);
                    case HIDDEN -> {
                        Object array = step.hidden().get(param);
                        long bytes = Arguments.byteSize(array);
                        OpenCLBuffer b = hiddenBuffers.computeIfAbsent(launch.name() + "/" + param.javaName() + "/" + bytes,
                                k -> context.allocate(Math.max(1, bytes)));
                        hidden.put(array, b);
                        kernel.setBuffer(index, b);
                    }
                }
                index++;
            }
            kernels.add(kernel);
        }
        return new PreparedLaunch(compileNanos, List.copyOf(kernels), List.copyOf(steps));
    }

    private static void setScalar(OpenCLKernel kernel, int index, Param param, Object value) {
        ScalarType type = (ScalarType) param.var().type();
        long bits = ArgumentValues.bits(value);
        switch (type) {
            case I64 -> kernel.setLong(index, bits);
            case F32 -> kernel.setFloat(index, Float.intBitsToFloat((int) bits));
            case F64 -> kernel.setDouble(index, Double.longBitsToDouble(bits));
            default -> kernel.setInt(index, (int) bits);
        }
    }

    /** Keeps an event until {@link #synchronize()} reads its time and releases it. */
    private Timing track(OpenCLEvent event) {
        long[] holder = {0};
        pending.add(event);
        pendingDurations.add(holder);
        return () -> holder[0];
    }

    @Override
    public void synchronize() {
        context.finish();
        for (int i = 0; i < pending.size(); i++) {
            OpenCLEvent e = pending.get(i);
            pendingDurations.get(i)[0] = e.durationNanos();
            e.close();
        }
        pending.clear();
        pendingDurations.clear();
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
        for (OpenCLEvent e : pending) {
            e.close();
        }
        pending.clear();
        context.close(); // releases buffers, kernels and programs still open
    }
}
