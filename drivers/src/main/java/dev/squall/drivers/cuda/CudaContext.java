package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One device's primary context with one non-blocking stream. Everything made through it (device
 * and pinned host memory, modules, events, graphs) is released when closed, and whatever is still
 * open when the context closes is released then.
 *
 * <pre>{@code
 * try (CudaContext cuda = CudaContext.create(device)) {
 *     CudaBuffer x = cuda.allocate(n * 4L);
 *     x.write(array.segment());                                  // blocking; heap segments are staged
 *     CudaFunction scale = cuda.load(ptx).function("scale");
 *     try (Arena arena = Arena.ofConfined()) {
 *         cuda.launch(scale, new int[] {n / 256}, new int[] {256}, 0,
 *                 KernelArgs.in(arena).pointer(x).f32(2f).i32(n));
 *     }
 *     x.read(array.segment());                                   // in stream order: after the kernel
 * }
 * }</pre>
 *
 * <p>Commands run in the order they are issued, on the context's stream. Every public method makes
 * the context current on the calling thread first ({@code cuCtxSetCurrent}), so a context may be
 * used from any thread; issuing from several threads at once is safe for the driver but their
 * commands interleave in the stream in no defined order.
 */
public final class CudaContext implements AutoCloseable {

    /** Bytes of the pinned buffer that stages transfers from and to heap segments. */
    static final long STAGING_BYTES = 8L << 20;

    private final CudaDevice device;
    private final CudaLibrary cu;
    private final CubinCache cubinCache;
    private final Set<CudaResource> live = ConcurrentHashMap.newKeySet();
    private final Object stagingLock = new Object();
    private volatile MemorySegment context;
    private volatile MemorySegment stream;
    private MemorySegment staging;
    private boolean released;

    private CudaContext(CudaDevice device, CubinCache cubinCache) {
        this.device = device;
        this.cu = device.library();
        this.cubinCache = Objects.requireNonNull(cubinCache, "cubinCache");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            cu.check(cu.devicePrimaryCtxRetain(out, device.handle()), "cuDevicePrimaryCtxRetain", "device " + device);
            MemorySegment ctx = out.get(ADDRESS, 0);
            int code = cu.ctxSetCurrent(ctx);
            if (code == CU.SUCCESS) {
                code = cu.streamCreate(out, CU.STREAM_NON_BLOCKING);
            }
            if (code != CU.SUCCESS) {
                cu.devicePrimaryCtxRelease(device.handle());
                throw cu.failure(code == CU.SUCCESS ? "cuCtxSetCurrent" : "cuStreamCreate", code,
                        "non-blocking stream on " + device);
            }
            this.stream = out.get(ADDRESS, 0);
            this.context = ctx;
        }
    }

    /** The primary context and a stream on {@code device}, caching cubins in {@link CubinCache#defaultCache()}. */
    public static CudaContext create(CudaDevice device) {
        return new CudaContext(device, CubinCache.defaultCache());
    }

    /** The primary context and a stream on {@code device}, caching cubins in {@code cubinCache}. */
    public static CudaContext create(CudaDevice device, CubinCache cubinCache) {
        return new CudaContext(device, cubinCache);
    }

    public CudaDevice device() {
        return device;
    }

    public CubinCache cubinCache() {
        return cubinCache;
    }

    // ---- memory --------------------------------------------------------------------------------

    /** {@code bytes} of device memory ({@code cuMemAlloc_v2}); contents undefined until written or filled. */
    public CudaBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            cu.check(cu.memAlloc(out, bytes), "cuMemAlloc_v2", bytes + " bytes on " + device + ", "
                    + memoryInfoText());
            return new CudaBuffer(this, out.get(JAVA_LONG, 0), bytes);
        }
    }

    /**
     * {@code bytes} of page-locked host memory ({@code cuMemAllocHost_v2}): transfers from and to it
     * run at full speed and truly overlap with the host when asynchronous.
     */
    public CudaHostBuffer allocateHost(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("pinned buffer size must be positive, got " + bytes);
        }
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            cu.check(cu.memAllocHost(out, bytes), "cuMemAllocHost_v2", bytes + " bytes of pinned host memory for "
                    + device);
            return new CudaHostBuffer(this, out.get(ADDRESS, 0), bytes);
        }
    }

    /** Free and total device memory now ({@code cuMemGetInfo_v2}). */
    public MemoryInfo memoryInfo() {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            cu.check(cu.memGetInfo(free, total), "cuMemGetInfo_v2", "device " + device);
            return new MemoryInfo(free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0));
        }
    }

    private String memoryInfoText() {
        try {
            MemoryInfo info = memoryInfo();
            return info.freeBytes() + " of " + info.totalBytes() + " bytes free";
        } catch (RuntimeException e) {
            return "free memory unknown";
        }
    }

    // ---- modules -------------------------------------------------------------------------------

    /** {@link CudaModule#load(CudaContext, String, JitOptions)} with {@link JitOptions#defaults()}. */
    public CudaModule load(String ptx) {
        return CudaModule.load(this, ptx, JitOptions.defaults());
    }

    /** {@link CudaModule#load(CudaContext, String, JitOptions)} on this context. */
    public CudaModule load(String ptx, JitOptions options) {
        return CudaModule.load(this, ptx, options);
    }

    // ---- launches ------------------------------------------------------------------------------

    /**
     * Launches {@code function} on the context's stream ({@code cuLaunchKernel}); returns at once.
     *
     * @param grid        blocks per dimension, 1 to 3 entries (missing ones are 1)
     * @param block       threads per block per dimension, 1 to 3 entries
     * @param sharedBytes dynamic shared memory per block; above 48 KiB only after
     *                    {@link CudaFunction#setMaxDynamicShared(int)}
     * @param args        the kernel's parameters in order, or null for a kernel without any
     * @throws DeviceException the driver's named error, with the launch and the function's limits
     */
    public void launch(CudaFunction function, int[] grid, int[] block, int sharedBytes, KernelArgs args) {
        launch(function, grid, block, sharedBytes, args, false);
    }

    /**
     * {@link #launch}, letting the kernel start before the previous kernel on the stream has finished:
     * programmatic dependent launch ({@code cuLaunchKernelEx} with
     * {@code CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION}; compute capability 9.0 and newer).
     * The kernel must execute PTX {@code griddepcontrol.wait}, which returns once the previous grid has
     * completed and its memory operations are visible, before it touches memory that grid writes or reads;
     * Squall's PTX for sm_90 and newer waits at every entry. Captured into a graph, the launch's edge from
     * the previous kernel is a programmatic one. The previous operation on the stream should be a kernel:
     * after a copy or an event the driver orders the launch as usual.
     *
     * @throws DeviceException named, as {@link #launch}'s, or when the driver has no {@code cuLaunchKernelEx}
     */
    public void launchAfterPrevious(CudaFunction function, int[] grid, int[] block, int sharedBytes, KernelArgs args) {
        if (!cu.hasLaunchKernelEx()) {
            throw new DeviceException("the CUDA driver at " + cu.location() + " has no cuLaunchKernelEx (CUDA 11.8"
                    + " and newer), which launchAfterPrevious needs");
        }
        launch(function, grid, block, sharedBytes, args, true);
    }

    private void launch(CudaFunction function, int[] grid, int[] block, int sharedBytes, KernelArgs args,
                        boolean afterPrevious) {
        if (function.module().context != this) {
            throw new IllegalArgumentException(function.describe() + " belongs to another context");
        }
        int[] g = dims("grid", function, grid);
        int[] b = dims("block", function, block);
        if (sharedBytes < 0) {
            throw new IllegalArgumentException("kernel " + function.name() + ": dynamic shared memory must not be"
                    + " negative, got " + sharedBytes);
        }
        MemorySegment params = MemorySegment.NULL;
        if (args != null) {
            args.checkLive(function.name());
            params = args.pointerArray();
        }
        MemorySegment f = function.handle();
        enter();
        int code = afterPrevious
                ? cu.launchKernelProgrammatic(f, g[0], g[1], g[2], b[0], b[1], b[2], sharedBytes, stream(), params)
                : cu.launchKernel(f, g[0], g[1], g[2], b[0], b[1], b[2], sharedBytes, stream(), params);
        if (code != CU.SUCCESS) {
            throw cu.failure(afterPrevious ? "cuLaunchKernelEx" : "cuLaunchKernel", code, "kernel " + function.name() + " grid " + Arrays.toString(g)
                    + " block " + Arrays.toString(b) + " shared " + sharedBytes + " bytes, "
                    + (args == null ? 0 : args.count()) + " arguments on " + device + "; " + limits(function));
        }
    }

    private static int[] dims(String what, CudaFunction function, int[] sizes) {
        if (sizes == null || sizes.length < 1 || sizes.length > 3) {
            throw new IllegalArgumentException("kernel " + function.name() + ": " + what + " has "
                    + (sizes == null ? "no" : sizes.length) + " dimensions; CUDA takes 1 to 3");
        }
        int[] full = {1, 1, 1};
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] <= 0) {
                throw new IllegalArgumentException("kernel " + function.name() + ": " + what
                        + " sizes must be positive, got " + Arrays.toString(sizes));
            }
            full[d] = sizes[d];
        }
        return full;
    }

    private String limits(CudaFunction function) {
        CudaDeviceInfo info = device.info();
        String deviceLimits = "device max threads per block " + info.maxThreadsPerBlock() + ", max block "
                + Arrays.toString(info.maxBlockDim()) + ", max grid " + Arrays.toString(info.maxGridDim())
                + ", shared memory per block " + info.sharedMemoryPerBlock() + " (opt-in "
                + info.sharedMemoryPerBlockOptIn() + ")";
        try {
            FunctionAttributes a = function.attributes();
            return "function max threads per block " + a.maxThreadsPerBlock() + ", registers " + a.registers()
                    + ", static shared " + a.staticSharedBytes() + ", max dynamic shared "
                    + a.maxDynamicSharedBytes() + "; " + deviceLimits;
        } catch (RuntimeException e) {
            return deviceLimits;
        }
    }

    // ---- events, synchronisation, graphs -------------------------------------------------------

    /** A new event that records timing ({@code cuEventCreate}), not yet recorded. */
    public CudaEvent createEvent() {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            cu.check(cu.eventCreate(out, CU.EVENT_DEFAULT), "cuEventCreate", "on " + device);
            return new CudaEvent(this, out.get(ADDRESS, 0));
        }
    }

    /** A new event recorded now on the stream: it completes when everything issued before it has. */
    public CudaEvent recordEvent() {
        CudaEvent event = createEvent();
        try {
            event.record();
        } catch (RuntimeException e) {
            event.close();
            throw e;
        }
        return event;
    }

    /** Waits until everything issued on the stream so far has completed ({@code cuStreamSynchronize}). */
    public void synchronize() {
        enter();
        cu.check(cu.streamSynchronize(stream()), "cuStreamSynchronize", "stream of " + device);
    }

    /**
     * Records what {@code launches} issues on this context's stream into a CUDA graph instead of
     * running it ({@code cuStreamBeginCapture_v2} in thread-local mode, {@code cuStreamEndCapture}),
     * and instantiates it ({@code cuGraphInstantiateWithFlags}). Launches, device copies and fills
     * are captured with their argument values; blocking calls (a blocking transfer, a synchronise,
     * an allocation) are refused by the driver while capturing. The buffers the graph uses must stay
     * open while it is replayed.
     *
     * @return the executable graph: {@link CudaGraphExec#launch()} replays it on the stream
     * @throws DeviceException named, when capture or instantiation fails; an exception thrown by
     *                         {@code launches} ends the capture and is rethrown
     */
    public CudaGraphExec capture(Runnable launches) {
        enter();
        MemorySegment s = stream();
        cu.check(cu.streamBeginCapture(s, CU.STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture_v2",
                "stream of " + device);
        RuntimeException thrown = null;
        try {
            launches.run();
        } catch (RuntimeException e) {
            thrown = e;
        }
        try (Arena arena = Arena.ofConfined()) {
            enter();
            MemorySegment out = arena.allocate(ADDRESS);
            out.set(ADDRESS, 0, MemorySegment.NULL);
            int code = cu.streamEndCapture(s, out);
            MemorySegment graph = out.get(ADDRESS, 0);
            if (thrown != null) {
                if (!graph.equals(MemorySegment.NULL)) {
                    cu.graphDestroy(graph);
                }
                throw thrown;
            }
            cu.check(code, "cuStreamEndCapture", "stream of " + device);
            MemorySegment execOut = arena.allocate(ADDRESS);
            code = cu.graphInstantiate(execOut, graph, 0L);
            // the executable graph is independent of the graph it was made from
            int destroyed = cu.graphDestroy(graph);
            cu.check(code, "cuGraphInstantiateWithFlags", "captured graph on " + device);
            MemorySegment exec = execOut.get(ADDRESS, 0);
            if (destroyed != CU.SUCCESS) {
                cu.graphExecDestroy(exec);
                throw cu.failure("cuGraphDestroy", destroyed, "captured graph on " + device);
            }
            return new CudaGraphExec(this, exec);
        }
    }

    // ---- heap staging --------------------------------------------------------------------------

    /** Runs {@code action} with the context's pinned staging buffer, made on first use; one caller at a time. */
    void withStaging(java.util.function.Consumer<MemorySegment> action) {
        synchronized (stagingLock) {
            if (staging == null) {
                enter();
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = arena.allocate(ADDRESS);
                    cu.check(cu.memAllocHost(out, STAGING_BYTES), "cuMemAllocHost_v2", STAGING_BYTES
                            + " bytes of pinned staging memory for " + device);
                    staging = out.get(ADDRESS, 0).reinterpret(STAGING_BYTES);
                }
            }
            action.accept(staging);
        }
    }

    // ---- ownership -----------------------------------------------------------------------------

    /** Buffers, pinned buffers, modules, events and graphs made here and not yet closed. */
    public int openObjects() {
        return live.size();
    }

    /**
     * Waits for the stream, then releases every object still open, the staging buffer, the stream
     * and the primary context. Later calls do nothing. When releases fail, the first failure is
     * thrown after all were tried.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        List<RuntimeException> failures = new ArrayList<>();
        MemorySegment ctx = context;
        MemorySegment s = stream;
        run(failures, () -> cu.check(cu.ctxSetCurrent(ctx), "cuCtxSetCurrent", "closing the context of " + device));
        run(failures, () -> cu.check(cu.streamSynchronize(s), "cuStreamSynchronize", "closing the context of "
                + device));
        List<CudaResource> leftovers = new ArrayList<>(live);
        leftovers.sort(Comparator.comparingInt(CudaResource::releaseOrder));
        for (CudaResource resource : leftovers) {
            run(failures, resource::close);
        }
        synchronized (stagingLock) {
            if (staging != null) {
                MemorySegment p = staging;
                staging = null;
                run(failures, () -> cu.check(cu.memFreeHost(p), "cuMemFreeHost", "staging buffer of " + device));
            }
        }
        stream = null;
        context = null;
        run(failures, () -> cu.check(cu.streamDestroy(s), "cuStreamDestroy_v2", "stream of " + device));
        run(failures, () -> cu.check(cu.devicePrimaryCtxRelease(device.handle()), "cuDevicePrimaryCtxRelease_v2",
                "device " + device));
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void run(List<RuntimeException> failures, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    public boolean isClosed() {
        return context == null;
    }

    /** Makes this context current on the calling thread ({@code cuCtxSetCurrent}). */
    void enter() {
        cu.check(cu.ctxSetCurrent(handle()), "cuCtxSetCurrent", "context of " + device);
    }

    /** {@link #enter()} while resources are released, also during {@link #close()}. */
    void enterForRelease() {
        MemorySegment ctx = context;
        if (ctx != null) {
            cu.check(cu.ctxSetCurrent(ctx), "cuCtxSetCurrent", "context of " + device);
        }
    }

    void register(CudaResource resource) {
        if (released) {
            throw new IllegalStateException("the CUDA context of " + device + " is closed");
        }
        live.add(resource);
    }

    void forget(CudaResource resource) {
        live.remove(resource);
    }

    CudaLibrary library() {
        return cu;
    }

    MemorySegment handle() {
        MemorySegment ctx = context;
        if (ctx == null || released) {
            throw new IllegalStateException("the CUDA context of " + device + " is closed");
        }
        return ctx;
    }

    MemorySegment stream() {
        MemorySegment s = stream;
        if (s == null || released) {
            throw new IllegalStateException("the CUDA context of " + device + " is closed");
        }
        return s;
    }

    @Override
    public String toString() {
        return "CudaContext on " + device + (isClosed() ? " (closed)" : ", " + live.size() + " open objects");
    }
}
