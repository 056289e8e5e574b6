package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One device's OpenCL context with one in-order command queue that records profiling times. It
 * owns everything made through it: buffers, programs, kernels and events are released when they
 * are closed, and any still open when the context closes are released then.
 *
 * <pre>{@code
 * try (OpenCLContext cl = OpenCLContext.create(device)) {
 *     OpenCLBuffer x = cl.allocate(n * 4L);
 *     x.write(array.segment());
 *     OpenCLKernel k = cl.build(source, "").kernel("scale").setBuffer(0, x).setFloat(1, 2f);
 *     try (OpenCLEvent run = cl.launch(k, new long[] {n}, null)) {
 *         x.read(array.segment());          // in order: after the kernel
 *         long nanos = run.durationNanos();
 *     }
 * }
 * }</pre>
 *
 * <p>Commands run in the order they are enqueued. A context may be shared between threads for
 * enqueuing, but a kernel's arguments must be set and launched by one thread at a time.
 */
public final class OpenCLContext implements AutoCloseable {

    /** Which API made the queue. */
    enum QueueApi {
        /** {@code clCreateCommandQueueWithProperties} when the device is OpenCL 2.0+, else the 1.2 call. */
        AUTO,
        /** {@code clCreateCommandQueue} (OpenCL 1.2; deprecated in 2.0 but present everywhere). */
        OPENCL_1_2
    }

    private final OpenCLDevice device;
    private final OpenCLLibrary cl;
    private final ProgramCache programCache;
    private final boolean queueWithProperties;
    private final Set<ClResource> live = ConcurrentHashMap.newKeySet();
    private MemorySegment context;
    private MemorySegment queue;

    private OpenCLContext(OpenCLDevice device, ProgramCache programCache, QueueApi queueApi) {
        this.device = device;
        this.cl = device.library();
        this.programCache = programCache;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            // cl_context_properties: {CL_CONTEXT_PLATFORM, platform, 0}
            MemorySegment properties = arena.allocate(JAVA_LONG, 3);
            properties.setAtIndex(JAVA_LONG, 0, CL.CONTEXT_PLATFORM);
            properties.setAtIndex(JAVA_LONG, 1, device.platformHandle().address());
            properties.setAtIndex(JAVA_LONG, 2, 0);
            MemorySegment devices = arena.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device.handle());
            MemorySegment ctx = cl.createContext(properties, 1, devices, err);
            OpenCLErrors.check(err.get(JAVA_INT, 0), "clCreateContext", "device " + device);

            boolean withProperties = queueApi == QueueApi.AUTO && cl.hasCreateCommandQueueWithProperties()
                    && device.info().deviceVersion().atLeast(OpenCLVersion.V2_0);
            MemorySegment q;
            if (withProperties) {
                // cl_queue_properties: {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0}
                MemorySegment queueProperties = arena.allocate(JAVA_LONG, 3);
                queueProperties.setAtIndex(JAVA_LONG, 0, CL.QUEUE_PROPERTIES);
                queueProperties.setAtIndex(JAVA_LONG, 1, CL.QUEUE_PROFILING_ENABLE);
                queueProperties.setAtIndex(JAVA_LONG, 2, 0);
                q = cl.createCommandQueueWithProperties(ctx, device.handle(), queueProperties, err);
            } else {
                q = cl.createCommandQueue(ctx, device.handle(), CL.QUEUE_PROFILING_ENABLE, err);
            }
            int code = err.get(JAVA_INT, 0);
            if (code != CL.SUCCESS) {
                cl.releaseContext(ctx);
                throw OpenCLErrors.failure(withProperties ? "clCreateCommandQueueWithProperties"
                        : "clCreateCommandQueue", code, "in-order queue with profiling on " + device);
            }
            this.queueWithProperties = withProperties;
            this.context = ctx;
            this.queue = q;
        }
    }

    /** A context and profiling queue on {@code device}, caching programs in {@link ProgramCache#defaultCache()}. */
    public static OpenCLContext create(OpenCLDevice device) {
        return new OpenCLContext(device, ProgramCache.defaultCache(), QueueApi.AUTO);
    }

    /** A context and profiling queue on {@code device}, caching programs in {@code programCache}. */
    public static OpenCLContext create(OpenCLDevice device, ProgramCache programCache) {
        return new OpenCLContext(device, programCache, QueueApi.AUTO);
    }

    static OpenCLContext create(OpenCLDevice device, ProgramCache programCache, QueueApi queueApi) {
        return new OpenCLContext(device, programCache, queueApi);
    }

    public OpenCLDevice device() {
        return device;
    }

    public ProgramCache programCache() {
        return programCache;
    }

    /** Whether the queue came from {@code clCreateCommandQueueWithProperties} (OpenCL 2.0+) rather than the 1.2 call. */
    public boolean queueWithProperties() {
        return queueWithProperties;
    }

    // ---- memory --------------------------------------------------------------------------------

    /** A read-write buffer of {@code bytes} bytes; its contents are undefined until written or filled. */
    public OpenCLBuffer allocate(long bytes) {
        return allocate(bytes, BufferAccess.READ_WRITE);
    }

    /**
     * A buffer of {@code bytes} bytes that kernels use as {@code access} says.
     *
     * @throws DeviceException {@code CL_INVALID_BUFFER_SIZE} naming CL_DEVICE_MAX_MEM_ALLOC_SIZE when
     *                         {@code bytes} exceeds it; other driver errors by name
     */
    public OpenCLBuffer allocate(long bytes, BufferAccess access) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        long limit = device.info().maxAllocationBytes();
        if (bytes > limit) {
            // the spec's error for this case; checked here so every driver reports it the same way
            throw new DeviceException("clCreateBuffer", OpenCLErrors.name(CL.INVALID_BUFFER_SIZE),
                    CL.INVALID_BUFFER_SIZE, "requested " + bytes
                    + " bytes exceeds CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + limit + " bytes of " + device);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment mem = cl.createBuffer(handle(), access.flags(), bytes, MemorySegment.NULL, err);
            OpenCLErrors.check(err.get(JAVA_INT, 0), "clCreateBuffer", bytes + " bytes, " + access + ", on "
                    + device);
            return new OpenCLBuffer(this, mem, bytes, access);
        }
    }

    // ---- programs ------------------------------------------------------------------------------

    /** {@link OpenCLProgram#build(OpenCLContext, String, String)} on this context. */
    public OpenCLProgram build(String source, String options) {
        return OpenCLProgram.build(this, source, options);
    }

    // ---- launches ------------------------------------------------------------------------------

    /**
     * Enqueues {@code kernel} over a 1D, 2D or 3D range. The global size need not be a multiple of
     * the local size only where the device and build options allow non-uniform work-groups
     * (OpenCL 2.0+ with {@code -cl-std=CL2.0} or later); otherwise the driver refuses with
     * {@code CL_INVALID_WORK_GROUP_SIZE}.
     *
     * @param global work-items per dimension, 1 to 3 entries
     * @param local  work-group size per dimension (same length), or null to let the driver choose
     * @return the launch's event: close it when done with it
     * @throws DeviceException the driver's named error, with the kernel's work-group limits
     */
    public OpenCLEvent launch(OpenCLKernel kernel, long[] global, long[] local) {
        return enqueue(kernel, global, local, true);
    }

    /**
     * {@link #launch(OpenCLKernel, long[], long[])} without an event: nothing to time or wait for
     * but the queue itself ({@link #finish()}), and no event for the driver to make and release.
     */
    public void launchUntimed(OpenCLKernel kernel, int[] global, int[] local) {
        enqueue(kernel, widen(global), local == null ? null : widen(local), false);
    }

    private OpenCLEvent enqueue(OpenCLKernel kernel, long[] global, long[] local, boolean withEvent) {
        if (kernel.context != this) {
            throw new IllegalArgumentException(kernel.describe() + " belongs to another context");
        }
        int dims = global.length;
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException("kernel " + kernel.name() + ": global size has " + dims
                    + " dimensions; OpenCL takes 1 to 3");
        }
        if (local != null && local.length != dims) {
            throw new IllegalArgumentException("kernel " + kernel.name() + ": local size " + Arrays.toString(local)
                    + " has another dimension count than global size " + Arrays.toString(global));
        }
        for (int d = 0; d < dims; d++) {
            if (global[d] <= 0 || (local != null && local[d] <= 0)) {
                throw new IllegalArgumentException("kernel " + kernel.name() + ": sizes must be positive, got global "
                        + Arrays.toString(global) + ", local " + Arrays.toString(local));
            }
        }
        kernel.checkArguments();
        // spelled out only for an error: this runs for every launch
        Supplier<String> command = () -> "kernel " + kernel.name() + " " + Arrays.toString(global) + " / "
                + (local == null ? "auto" : Arrays.toString(local));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment globalSizes = arena.allocateFrom(JAVA_LONG, global);
            MemorySegment localSizes = local == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, local);
            MemorySegment event = withEvent ? arena.allocate(ADDRESS) : MemorySegment.NULL;
            int code = cl.enqueueNDRangeKernel(queue(), kernel.handle(), dims, globalSizes, localSizes, event);
            if (code != CL.SUCCESS) {
                throw OpenCLErrors.failure("clEnqueueNDRangeKernel", code, command.get() + " on " + device + "; "
                        + limits(kernel));
            }
            return withEvent ? new OpenCLEvent(this, event.get(ADDRESS, 0), "clEnqueueNDRangeKernel", command) : null;
        }
    }

    /** {@link #launch(OpenCLKernel, long[], long[])} with {@code int} sizes, as task-graph grids hold them. */
    public OpenCLEvent launch(OpenCLKernel kernel, int[] global, int[] local) {
        return launch(kernel, widen(global), local == null ? null : widen(local));
    }

    private static long[] widen(int[] sizes) {
        long[] wide = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            wide[i] = sizes[i];
        }
        return wide;
    }

    private String limits(OpenCLKernel kernel) {
        String deviceLimits = "device max work-group size " + device.info().maxWorkGroupSize()
                + ", max work-item sizes " + device.info().maxWorkItemSizes();
        try {
            return "kernel max work-group size " + kernel.workGroupInfo().maxWorkGroupSize() + ", " + deviceLimits;
        } catch (DeviceException e) {
            return deviceLimits;
        }
    }

    /** Submits everything enqueued so far to the device without waiting. */
    public void flush() {
        OpenCLErrors.check(cl.flush(queue()), "clFlush", "queue of " + device);
    }

    /** Waits until everything enqueued so far has completed. */
    public void finish() {
        OpenCLErrors.check(cl.finish(queue()), "clFinish", "queue of " + device);
    }

    // ---- ownership -----------------------------------------------------------------------------

    /** Buffers, programs, kernels and events made here and not yet closed. */
    public int openObjects() {
        return live.size();
    }

    /**
     * Waits for the queue, then releases every object still open, the queue and the context.
     * Later calls do nothing. When releases fail, the first failure is thrown after all were tried.
     */
    @Override
    public void close() {
        MemorySegment q;
        MemorySegment ctx;
        synchronized (this) {
            if (context == null) {
                return;
            }
            q = queue;
            ctx = context;
        }
        List<RuntimeException> failures = new ArrayList<>();
        run(failures, () -> OpenCLErrors.check(cl.finish(q), "clFinish", "closing the context of " + device));
        List<ClResource> leftovers = new ArrayList<>(live);
        leftovers.sort(Comparator.comparingInt(ClResource::releaseOrder));
        for (ClResource resource : leftovers) {
            run(failures, resource::close);
        }
        synchronized (this) {
            queue = null;
            context = null;
        }
        run(failures, () -> OpenCLErrors.check(cl.releaseCommandQueue(q), "clReleaseCommandQueue"));
        run(failures, () -> OpenCLErrors.check(cl.releaseContext(ctx), "clReleaseContext"));
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

    void register(ClResource resource) {
        if (context == null) {
            throw new IllegalStateException("the OpenCL context of " + device + " is closed");
        }
        live.add(resource);
    }

    void forget(ClResource resource) {
        live.remove(resource);
    }

    OpenCLLibrary library() {
        return cl;
    }

    MemorySegment handle() {
        MemorySegment ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("the OpenCL context of " + device + " is closed");
        }
        return ctx;
    }

    MemorySegment queue() {
        MemorySegment q = queue;
        if (q == null) {
            throw new IllegalStateException("the OpenCL context of " + device + " is closed");
        }
        return q;
    }

    @Override
    public String toString() {
        return "OpenCLContext on " + device + (isClosed() ? " (closed)" : ", " + live.size() + " open objects");
    }
}
