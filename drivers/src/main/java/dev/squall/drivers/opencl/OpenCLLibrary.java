package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.squall.api.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Hand-written FFM bindings to the OpenCL ICD loader: only the entry points Squall needs, typed as
 * in the OpenCL 1.2 headers (plus {@code clCreateCommandQueueWithProperties} of 2.0, optional).
 * Every method returns the raw status code or handle; callers check codes with
 * {@link OpenCLErrors#check(int, String)}. Handles are zero-length {@link MemorySegment}s.
 *
 * <p>{@code size_t} is bound as a 64-bit integer; {@link #load(String)} refuses other platforms.
 */
final class OpenCLLibrary {

    /** System property naming the OpenCL library: a file name ({@code libOpenCL.so.1}) or a path. */
    static final String LIBRARY_PROPERTY = "squall.opencl.library";

    private static final Linker LINKER = Linker.nativeLinker();

    /** Where the loader lives by default on this operating system. */
    static String defaultLibrary() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "OpenCL.dll";
        }
        if (os.contains("mac")) {
            return "/System/Library/Frameworks/OpenCL.framework/OpenCL";
        }
        return "libOpenCL.so.1";
    }

    /** The library named by {@code -Dsquall.opencl.library}, else {@link #defaultLibrary()}. */
    static String configuredLibrary() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        return configured == null || configured.isBlank() ? defaultLibrary() : configured.strip();
    }

    private final String location;
    private final SymbolLookup symbols;

    private final MethodHandle clGetPlatformIDs;
    private final MethodHandle clGetPlatformInfo;
    private final MethodHandle clGetDeviceIDs;
    private final MethodHandle clGetDeviceInfo;
    private final MethodHandle clCreateContext;
    private final MethodHandle clReleaseContext;
    private final MethodHandle clCreateCommandQueue;
    private final MethodHandle clCreateCommandQueueWithProperties;
    private final MethodHandle clReleaseCommandQueue;
    private final MethodHandle clCreateProgramWithSource;
    private final MethodHandle clCreateProgramWithBinary;
    private final MethodHandle clBuildProgram;
    private final MethodHandle clGetProgramInfo;
    private final MethodHandle clGetProgramBuildInfo;
    private final MethodHandle clReleaseProgram;
    private final MethodHandle clCreateKernel;
    private final MethodHandle clGetKernelInfo;
    private final MethodHandle clSetKernelArg;
    private final MethodHandle clGetKernelWorkGroupInfo;
    private final MethodHandle clReleaseKernel;
    private final MethodHandle clCreateBuffer;
    private final MethodHandle clReleaseMemObject;
    private final MethodHandle clEnqueueReadBuffer;
    private final MethodHandle clEnqueueWriteBuffer;
    private final MethodHandle clEnqueueCopyBuffer;
    private final MethodHandle clEnqueueFillBuffer;
    private final MethodHandle clEnqueueNDRangeKernel;
    private final MethodHandle clFlush;
    private final MethodHandle clFinish;
    private final MethodHandle clWaitForEvents;
    private final MethodHandle clGetEventInfo;
    private final MethodHandle clGetEventProfilingInfo;
    private final MethodHandle clReleaseEvent;

    private OpenCLLibrary(String location, SymbolLookup symbols) {
        this.location = location;
        this.symbols = symbols;
        // cl_int f(handle, cl_uint param, size_t size, void* value, size_t* size_ret): every clGet*Info
        FunctionDescriptor info = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        FunctionDescriptor info2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS,
                ADDRESS);
        FunctionDescriptor release = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        clGetPlatformIDs = required("clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        clGetPlatformInfo = required("clGetPlatformInfo", info);
        clGetDeviceIDs = required("clGetDeviceIDs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        clGetDeviceInfo = required("clGetDeviceInfo", info);
        clCreateContext = required("clCreateContext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clReleaseContext = required("clReleaseContext", release);
        clCreateCommandQueue = required("clCreateCommandQueue",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        clCreateCommandQueueWithProperties = optional("clCreateCommandQueueWithProperties",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clReleaseCommandQueue = required("clReleaseCommandQueue", release);
        clCreateProgramWithSource = required("clCreateProgramWithSource",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        clCreateProgramWithBinary = required("clCreateProgramWithBinary",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clBuildProgram = required("clBuildProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clGetProgramInfo = required("clGetProgramInfo", info);
        clGetProgramBuildInfo = required("clGetProgramBuildInfo", info2);
        clReleaseProgram = required("clReleaseProgram", release);
        clCreateKernel = required("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clGetKernelInfo = required("clGetKernelInfo", info);
        clSetKernelArg = required("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG,
                ADDRESS));
        clGetKernelWorkGroupInfo = required("clGetKernelWorkGroupInfo", info2);
        clReleaseKernel = required("clReleaseKernel", release);
        clCreateBuffer = required("clCreateBuffer",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        clReleaseMemObject = required("clReleaseMemObject", release);
        FunctionDescriptor transfer = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG,
                JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        clEnqueueReadBuffer = required("clEnqueueReadBuffer", transfer);
        clEnqueueWriteBuffer = required("clEnqueueWriteBuffer", transfer);
        clEnqueueCopyBuffer = required("clEnqueueCopyBuffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        clEnqueueFillBuffer = required("clEnqueueFillBuffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        clEnqueueNDRangeKernel = required("clEnqueueNDRangeKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        clFlush = required("clFlush", release);
        clFinish = required("clFinish", release);
        clWaitForEvents = required("clWaitForEvents", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        clGetEventInfo = required("clGetEventInfo", info);
        clGetEventProfilingInfo = required("clGetEventProfilingInfo", info);
        clReleaseEvent = required("clReleaseEvent", release);
    }

    /**
     * Loads the OpenCL library: a bare file name goes through the system's library search, a name
     * with a path separator is taken as a path.
     *
     * @throws DeviceException when the library is missing or lacks an OpenCL 1.2 entry point; the
     *                         message starts with the library name and says why
     */
    static OpenCLLibrary load(String nameOrPath) {
        MemoryLayout sizeT = LINKER.canonicalLayouts().get("size_t");
        if (sizeT == null || sizeT.byteSize() != Long.BYTES) {
            throw new DeviceException("OpenCL bindings need a 64-bit size_t; this platform has " + sizeT);
        }
        SymbolLookup lookup;
        try {
            // The global arena: the loader and the ICDs stay mapped for the life of the process.
            lookup = nameOrPath.contains("/") || nameOrPath.contains("\\")
                    ? SymbolLookup.libraryLookup(Path.of(nameOrPath), Arena.global())
                    : SymbolLookup.libraryLookup(nameOrPath, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new DeviceException(nameOrPath + " not found: " + e.getMessage()
                    + " (install an OpenCL ICD loader such as ocl-icd-libopencl1, or set -D" + LIBRARY_PROPERTY
                    + " to its path)", e);
        }
        try {
            return new OpenCLLibrary(nameOrPath, lookup);
        } catch (MissingSymbolException e) {
            throw new DeviceException(nameOrPath + " is not a usable OpenCL library: " + e.getMessage(), e);
        }
    }

    /** The name or path this library was loaded from. */
    String location() {
        return location;
    }

    boolean hasCreateCommandQueueWithProperties() {
        return clCreateCommandQueueWithProperties != null;
    }

    private MethodHandle required(String name, FunctionDescriptor descriptor) {
        return symbols.find(name).map(address -> LINKER.downcallHandle(address, descriptor))
                .orElseThrow(() -> new MissingSymbolException("it has no entry point " + name
                        + " (Squall needs OpenCL 1.2)"));
    }

    private MethodHandle optional(String name, FunctionDescriptor descriptor) {
        Optional<MemorySegment> address = symbols.find(name);
        return address.map(a -> LINKER.downcallHandle(a, descriptor)).orElse(null);
    }

    private static final class MissingSymbolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingSymbolException(String message) {
            super(message);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- platforms and devices ---------------------------------------------------------------

    int getPlatformIDs(int numEntries, MemorySegment platforms, MemorySegment numPlatforms) {
        try {
            return (int) clGetPlatformIDs.invokeExact(numEntries, platforms, numPlatforms);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getDeviceIDs(MemorySegment platform, long type, int numEntries, MemorySegment devices, MemorySegment num) {
        try {
            return (int) clGetDeviceIDs.invokeExact(platform, type, numEntries, devices, num);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    InfoCall platformInfo(MemorySegment platform, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetPlatformInfo.invokeExact(platform, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    InfoCall deviceInfo(MemorySegment device, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetDeviceInfo.invokeExact(device, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    // ---- contexts and queues -----------------------------------------------------------------

    MemorySegment createContext(MemorySegment properties, int numDevices, MemorySegment devices,
            MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateContext.invokeExact(properties, numDevices, devices, MemorySegment.NULL,
                    MemorySegment.NULL, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int releaseContext(MemorySegment context) {
        return invokeRelease(clReleaseContext, context);
    }

    MemorySegment createCommandQueue(MemorySegment context, MemorySegment device, long properties,
            MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateCommandQueue.invokeExact(context, device, properties, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createCommandQueueWithProperties(MemorySegment context, MemorySegment device,
            MemorySegment properties, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateCommandQueueWithProperties.invokeExact(context, device, properties,
                    errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int releaseCommandQueue(MemorySegment queue) {
        return invokeRelease(clReleaseCommandQueue, queue);
    }

    int flush(MemorySegment queue) {
        return invokeRelease(clFlush, queue);
    }

    int finish(MemorySegment queue) {
        return invokeRelease(clFinish, queue);
    }

    // ---- programs and kernels ----------------------------------------------------------------

    MemorySegment createProgramWithSource(MemorySegment context, int count, MemorySegment strings,
            MemorySegment lengths, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateProgramWithSource.invokeExact(context, count, strings, lengths, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createProgramWithBinary(MemorySegment context, int numDevices, MemorySegment devices,
            MemorySegment lengths, MemorySegment binaries, MemorySegment binaryStatus, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateProgramWithBinary.invokeExact(context, numDevices, devices, lengths,
                    binaries, binaryStatus, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int buildProgram(MemorySegment program, int numDevices, MemorySegment devices, MemorySegment options) {
        try {
            return (int) clBuildProgram.invokeExact(program, numDevices, devices, options, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    InfoCall programInfo(MemorySegment program, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetProgramInfo.invokeExact(program, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    InfoCall programBuildInfo(MemorySegment program, MemorySegment device, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetProgramBuildInfo.invokeExact(program, device, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    int releaseProgram(MemorySegment program) {
        return invokeRelease(clReleaseProgram, program);
    }

    MemorySegment createKernel(MemorySegment program, MemorySegment name, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateKernel.invokeExact(program, name, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    InfoCall kernelInfo(MemorySegment kernel, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetKernelInfo.invokeExact(kernel, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    int setKernelArg(MemorySegment kernel, int index, long size, MemorySegment value) {
        try {
            return (int) clSetKernelArg.invokeExact(kernel, index, size, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    InfoCall kernelWorkGroupInfo(MemorySegment kernel, MemorySegment device, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetKernelWorkGroupInfo.invokeExact(kernel, device, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    int releaseKernel(MemorySegment kernel) {
        return invokeRelease(clReleaseKernel, kernel);
    }

    // ---- memory --------------------------------------------------------------------------------

    MemorySegment createBuffer(MemorySegment context, long flags, long size, MemorySegment hostPtr,
            MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateBuffer.invokeExact(context, flags, size, hostPtr, errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int releaseMemObject(MemorySegment mem) {
        return invokeRelease(clReleaseMemObject, mem);
    }

    int enqueueReadBuffer(MemorySegment queue, MemorySegment buffer, boolean blocking, long offset, long size,
            MemorySegment host, MemorySegment event) {
        try {
            return (int) clEnqueueReadBuffer.invokeExact(queue, buffer, blocking ? CL.TRUE : CL.FALSE, offset, size,
                    host, 0, MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueWriteBuffer(MemorySegment queue, MemorySegment buffer, boolean blocking, long offset, long size,
            MemorySegment host, MemorySegment event) {
        try {
            return (int) clEnqueueWriteBuffer.invokeExact(queue, buffer, blocking ? CL.TRUE : CL.FALSE, offset, size,
                    host, 0, MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueCopyBuffer(MemorySegment queue, MemorySegment src, MemorySegment dst, long srcOffset,
            long dstOffset, long size, MemorySegment event) {
        try {
            return (int) clEnqueueCopyBuffer.invokeExact(queue, src, dst, srcOffset, dstOffset, size, 0,
                    MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueFillBuffer(MemorySegment queue, MemorySegment buffer, MemorySegment pattern, long patternSize,
            long offset, long size, MemorySegment event) {
        try {
            return (int) clEnqueueFillBuffer.invokeExact(queue, buffer, pattern, patternSize, offset, size, 0,
                    MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int enqueueNDRangeKernel(MemorySegment queue, MemorySegment kernel, int workDim, MemorySegment global,
            MemorySegment local, MemorySegment event) {
        try {
            return (int) clEnqueueNDRangeKernel.invokeExact(queue, kernel, workDim, MemorySegment.NULL, global, local,
                    0, MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- events --------------------------------------------------------------------------------

    int waitForEvents(int count, MemorySegment events) {
        try {
            return (int) clWaitForEvents.invokeExact(count, events);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    InfoCall eventInfo(MemorySegment event, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetEventInfo.invokeExact(event, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    InfoCall eventProfilingInfo(MemorySegment event, int param) {
        return (size, value, sizeRet) -> {
            try {
                return (int) clGetEventProfilingInfo.invokeExact(event, param, size, value, sizeRet);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    int releaseEvent(MemorySegment event) {
        return invokeRelease(clReleaseEvent, event);
    }

    private static int invokeRelease(MethodHandle handle, MemorySegment object) {
        try {
            return (int) handle.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- info queries --------------------------------------------------------------------------

    /** One {@code clGet*Info} call with its object and parameter bound. */
    @FunctionalInterface
    interface InfoCall {
        int call(long size, MemorySegment value, MemorySegment sizeRet);
    }

    /** The raw bytes of an info value, allocated in {@code arena}. */
    static MemorySegment queryBytes(Arena arena, String api, int param, InfoCall call) {
        MemorySegment sizeRet = arena.allocate(JAVA_LONG);
        OpenCLErrors.check(call.call(0, MemorySegment.NULL, sizeRet), api, paramDetail(param));
        long size = sizeRet.get(JAVA_LONG, 0);
        MemorySegment value = arena.allocate(Math.max(size, 1), 8);
        if (size > 0) {
            OpenCLErrors.check(call.call(size, value, MemorySegment.NULL), api, paramDetail(param));
        }
        return value.asSlice(0, size);
    }

    /** A {@code char[]} info value, without its terminating NUL and surrounding blanks. */
    static String queryString(String api, int param, InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = queryBytes(arena, api, param, call);
            byte[] raw = bytes.toArray(JAVA_BYTE);
            int end = 0;
            while (end < raw.length && raw[end] != 0) {
                end++;
            }
            return new String(raw, 0, end, StandardCharsets.UTF_8).strip();
        }
    }

    /** A {@code cl_ulong}, {@code size_t} or bitfield info value. */
    static long queryLong(String api, int param, InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            OpenCLErrors.check(call.call(Long.BYTES, value, MemorySegment.NULL), api, paramDetail(param));
            return value.get(JAVA_LONG, 0);
        }
    }

    /** A {@code cl_uint}, {@code cl_int} or {@code cl_bool} info value. */
    static int queryInt(String api, int param, InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            OpenCLErrors.check(call.call(Integer.BYTES, value, MemorySegment.NULL), api, paramDetail(param));
            return value.get(JAVA_INT, 0);
        }
    }

    /** A {@code size_t[]} info value. */
    static long[] queryLongs(String api, int param, InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            return queryBytes(arena, api, param, call).toArray(JAVA_LONG);
        }
    }

    /** An optional {@code cl_ulong} or {@code cl_bitfield}: empty when the driver refuses the query. */
    static Optional<Long> tryQueryLong(InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            return call.call(Long.BYTES, value, MemorySegment.NULL) == CL.SUCCESS
                    ? Optional.of(value.get(JAVA_LONG, 0)) : Optional.empty();
        }
    }

    /** An optional {@code cl_uint} (a vendor extension's query): empty when the driver refuses it. */
    static Optional<Integer> tryQueryInt(InfoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            return call.call(Integer.BYTES, value, MemorySegment.NULL) == CL.SUCCESS
                    ? Optional.of(value.get(JAVA_INT, 0)) : Optional.empty();
        }
    }

    private static String paramDetail(int param) {
        return "param_name 0x" + Integer.toHexString(param);
    }
}
