package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program built for the context's device, from OpenCL C source or from the binary a previous
 * build left in the {@link ProgramCache}. A build that fails raises a {@link DeviceException}
 * whose message holds the driver's build log.
 */
public final class OpenCLProgram extends ClResource {

    private static final Logger LOG = LoggerFactory.getLogger(OpenCLProgram.class);

    private final String options;
    private final boolean fromCache;
    private final long buildNanos;
    private final String buildLog;

    private OpenCLProgram(OpenCLContext context, MemorySegment handle, String options, boolean fromCache,
            long buildNanos, String buildLog) {
        super(context, handle);
        this.options = options;
        this.fromCache = fromCache;
        this.buildNanos = buildNanos;
        this.buildLog = buildLog;
    }

    /**
     * Builds {@code source} for the context's device, taking the binary from the context's program
     * cache when a valid one is there and storing it there after a build from source.
     *
     * @param options build options such as {@code "-cl-std=CL1.2 -cl-fast-relaxed-math"}; null for none
     * @throws DeviceException {@code clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)} with the
     *                         build log, or another named error
     */
    public static OpenCLProgram build(OpenCLContext context, String source, String options) {
        Objects.requireNonNull(source, "source");
        String opts = options == null ? "" : options;
        OpenCLLibrary cl = context.library();
        ProgramCache cache = context.programCache();
        ProgramCacheKey key = ProgramCacheKey.of(source, opts, context.device());
        long start = System.nanoTime();

        Optional<byte[]> binary = cache.load(key);
        if (binary.isPresent()) {
            MemorySegment handle = null;
            try {
                handle = createFromBinary(context, binary.get());
                String log = buildOrThrow(context, handle, opts);
                return new OpenCLProgram(context, handle, opts, true, System.nanoTime() - start, log);
            } catch (DeviceException e) {
                if (handle != null) {
                    cl.releaseProgram(handle);
                }
                cache.reject(key, "the driver refused the cached binary: " + e.getMessage());
            }
        }

        MemorySegment handle = createFromSource(context, source);
        String log;
        try {
            log = buildOrThrow(context, handle, opts);
        } catch (DeviceException e) {
            cl.releaseProgram(handle);
            throw e;
        }
        long nanos = System.nanoTime() - start;
        try {
            byte[] built = binaryOf(cl, handle);
            if (built.length > 0) {
                cache.store(key, built);
            }
        } catch (DeviceException e) {
            LOG.warn("cannot read the binary of a built OpenCL program, so it is not cached: {}", e.getMessage());
        }
        return new OpenCLProgram(context, handle, opts, false, nanos, log);
    }

    private static MemorySegment createFromSource(OpenCLContext context, String source) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(source);
            MemorySegment strings = arena.allocate(ADDRESS);
            strings.set(ADDRESS, 0, text);
            MemorySegment lengths = arena.allocate(JAVA_LONG);
            lengths.set(JAVA_LONG, 0, text.byteSize() - 1);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment program = context.library().createProgramWithSource(context.handle(), 1, strings, lengths,
                    err);
            OpenCLErrors.check(err.get(JAVA_INT, 0), "clCreateProgramWithSource", source.length() + " chars");
            return program;
        }
    }

    private static MemorySegment createFromBinary(OpenCLContext context, byte[] binary) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, binary);
            MemorySegment binaries = arena.allocate(ADDRESS);
            binaries.set(ADDRESS, 0, bytes);
            MemorySegment lengths = arena.allocate(JAVA_LONG);
            lengths.set(JAVA_LONG, 0, binary.length);
            MemorySegment devices = arena.allocate(ADDRESS);
            devices.set(ADDRESS, 0, context.device().handle());
            MemorySegment status = arena.allocate(JAVA_INT);
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment program = context.library().createProgramWithBinary(context.handle(), 1, devices, lengths,
                    binaries, status, err);
            int code = err.get(JAVA_INT, 0);
            if (code != CL.SUCCESS) {
                if (!program.equals(MemorySegment.NULL)) {
                    context.library().releaseProgram(program);
                }
                throw OpenCLErrors.failure("clCreateProgramWithBinary", code, "binary status "
                        + OpenCLErrors.describe(status.get(JAVA_INT, 0)));
            }
            return program;
        }
    }

    /** Runs clBuildProgram; returns the build log (warnings) or throws with it. */
    private static String buildOrThrow(OpenCLContext context, MemorySegment program, String options) {
        OpenCLLibrary cl = context.library();
        MemorySegment device = context.device().handle();
        int code;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment devices = arena.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            code = cl.buildProgram(program, 1, devices, arena.allocateFrom(options));
        }
        String log;
        try {
            log = OpenCLLibrary.queryString("clGetProgramBuildInfo", CL.PROGRAM_BUILD_LOG,
                    cl.programBuildInfo(program, device, CL.PROGRAM_BUILD_LOG));
        } catch (DeviceException e) {
            log = "(no build log: " + e.getMessage() + ")";
        }
        if (code != CL.SUCCESS) {
            throw OpenCLErrors.failure("clBuildProgram", code, "device " + context.device() + ", options '"
                    + options + "'\nbuild log:\n" + (log.isEmpty() ? "(empty)" : log));
        }
        return log;
    }

    /** The binary of a program built for exactly one device (CL_PROGRAM_BINARIES). */
    private static byte[] binaryOf(OpenCLLibrary cl, MemorySegment program) {
        long[] sizes = OpenCLLibrary.queryLongs("clGetProgramInfo", CL.PROGRAM_BINARY_SIZES,
                cl.programInfo(program, CL.PROGRAM_BINARY_SIZES));
        if (sizes.length != 1) {
            throw new DeviceException("a single-device program reports " + sizes.length + " binaries");
        }
        if (sizes[0] == 0) {
            return new byte[0];
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(sizes[0]);
            MemorySegment pointers = arena.allocate(ADDRESS);
            pointers.set(ADDRESS, 0, buffer);
            OpenCLErrors.check(cl.programInfo(program, CL.PROGRAM_BINARIES).call(ADDRESS.byteSize(), pointers,
                    MemorySegment.NULL), "clGetProgramInfo", "CL_PROGRAM_BINARIES");
            return buffer.toArray(JAVA_BYTE);
        }
    }

    /**
     * A kernel of this program.
     *
     * @throws DeviceException {@code CL_INVALID_KERNEL_NAME} listing the kernels the program has
     */
    public OpenCLKernel kernel(String name) {
        OpenCLLibrary cl = context.library();
        MemorySegment kernel;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            kernel = cl.createKernel(handle(), arena.allocateFrom(name), err);
            int code = err.get(JAVA_INT, 0);
            if (code != CL.SUCCESS) {
                throw OpenCLErrors.failure("clCreateKernel", code, "kernel '" + name + "'; the program has "
                        + kernelNames());
            }
        }
        int arguments;
        try {
            arguments = OpenCLLibrary.queryInt("clGetKernelInfo", CL.KERNEL_NUM_ARGS,
                    cl.kernelInfo(kernel, CL.KERNEL_NUM_ARGS));
        } catch (DeviceException e) {
            cl.releaseKernel(kernel);
            throw e;
        }
        return new OpenCLKernel(context, kernel, name, arguments);
    }

    /** The kernels of this program (CL_PROGRAM_KERNEL_NAMES). */
    public List<String> kernelNames() {
        String names = OpenCLLibrary.queryString("clGetProgramInfo", CL.PROGRAM_KERNEL_NAMES,
                context.library().programInfo(handle(), CL.PROGRAM_KERNEL_NAMES));
        return names.isEmpty() ? List.of() : Arrays.stream(names.split(";")).map(String::strip).toList();
    }

    /** Whether this program was built from a cached binary rather than from source. */
    public boolean fromCache() {
        return fromCache;
    }

    /** Wall time of the build, cache lookup included. */
    public long buildNanos() {
        return buildNanos;
    }

    /** The driver's build log: warnings, or empty. */
    public String buildLog() {
        return buildLog;
    }

    public String options() {
        return options;
    }

    @Override
    int release(OpenCLLibrary cl, MemorySegment handle) {
        return cl.releaseProgram(handle);
    }

    @Override
    String releaseCall() {
        return "clReleaseProgram";
    }

    @Override
    int releaseOrder() {
        return 2;
    }

    @Override
    String describe() {
        return "OpenCLProgram" + (options.isEmpty() ? "" : " '" + options + "'") + " on " + context.device().id();
    }
}
