package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.squall.api.DeviceException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Hand-written FFM bindings to the CUDA driver API ({@code libcuda.so.1}): only the entry points
 * Squall needs, bound by their exported names, which are the {@code _v2} names where {@code cuda.h}
 * maps a function to one ({@code cuMemAlloc} is {@code cuMemAlloc_v2}, {@code cuGraphInstantiate}
 * is {@code cuGraphInstantiateWithFlags}). Every method returns the raw {@code CUresult}; callers
 * check it with {@link #check(int, String, String)}, which names the error through
 * {@code cuGetErrorName} and falls back to {@link CudaErrors}.
 *
 * <p>Handles ({@code CUcontext}, {@code CUstream}, ...) are zero-length {@link MemorySegment}s;
 * {@code CUdeviceptr} is a {@code long}, {@code CUdevice} an {@code int}, {@code size_t} a
 * {@code long}: {@link #load(String)} refuses platforms where that does not hold.
 */
final class CudaLibrary {

    /** System property naming the driver library: a file name ({@code libcuda.so.1}) or a path. */
    static final String LIBRARY_PROPERTY = "squall.cuda.library";

    private static final Linker LINKER = Linker.nativeLinker();
    /** A {@code char*} the driver owns: a C string of unknown length. */
    private static final AddressLayout C_STRING = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(
            Long.MAX_VALUE, JAVA_BYTE));

    /** Where the driver lives by default on this operating system. */
    static String defaultLibrary() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("win") ? "nvcuda.dll" : "libcuda.so.1";
    }

    /** The library named by {@code -Dsquall.cuda.library}, else {@link #defaultLibrary()}. */
    static String configuredLibrary() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        return configured == null || configured.isBlank() ? defaultLibrary() : configured.strip();
    }

    private final String location;
    private final SymbolLookup symbols;

    private final MethodHandle cuGetErrorName;
    private final MethodHandle cuGetErrorString;
    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxGetCurrent;
    private final MethodHandle cuCtxPushCurrent;
    private final MethodHandle cuCtxPopCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemGetInfo;
    private final MethodHandle cuModuleLoadDataEx;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuFuncGetAttribute;
    private final MethodHandle cuFuncSetAttribute;
    private final MethodHandle cuLinkCreate;
    private final MethodHandle cuLinkAddData;
    private final MethodHandle cuLinkComplete;
    private final MethodHandle cuLinkDestroy;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemAllocHost;
    private final MethodHandle cuMemFreeHost;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuMemcpyDtoD;
    private final MethodHandle cuMemcpyHtoDAsync;
    private final MethodHandle cuMemcpyDtoHAsync;
    private final MethodHandle cuMemcpyDtoDAsync;
    private final MethodHandle cuMemsetD8;
    private final MethodHandle cuMemsetD32;
    private final MethodHandle cuMemsetD8Async;
    private final MethodHandle cuMemsetD32Async;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamDestroy;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuEventCreate;
    private final MethodHandle cuEventRecord;
    private final MethodHandle cuEventSynchronize;
    private final MethodHandle cuEventElapsedTime;
    private final String cuEventElapsedTimeName;
    private final MethodHandle cuEventDestroy;
    private final MethodHandle cuLaunchKernel;
    /** Null where the driver predates it (CUDA 11.8). */
    private final MethodHandle cuLaunchKernelEx;
    private final MethodHandle cuStreamBeginCapture;
    private final MethodHandle cuStreamEndCapture;
    private final MethodHandle cuGraphInstantiate;
    private final MethodHandle cuGraphLaunch;
    private final MethodHandle cuGraphExecDestroy;
    private final MethodHandle cuGraphDestroy;

    private CudaLibrary(String location, SymbolLookup symbols) {
        this.location = location;
        this.symbols = symbols;
        FunctionDescriptor oneHandle = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor onePointerOut = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuGetErrorName = required("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuGetErrorString = required("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        cuInit = required("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = required("cuDriverGetVersion", onePointerOut);
        cuDeviceGetCount = required("cuDeviceGetCount", onePointerOut);
        cuDeviceGet = required("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = required("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = required("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetAttribute = required("cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDevicePrimaryCtxRetain = required("cuDevicePrimaryCtxRetain",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = required("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuCtxSetCurrent = required("cuCtxSetCurrent", oneHandle);
        cuCtxGetCurrent = required("cuCtxGetCurrent", onePointerOut);
        cuCtxPushCurrent = required("cuCtxPushCurrent_v2", oneHandle);
        cuCtxPopCurrent = required("cuCtxPopCurrent_v2", onePointerOut);
        cuCtxSynchronize = required("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemGetInfo = required("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleLoadDataEx = required("cuModuleLoadDataEx",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = required("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS));
        cuModuleUnload = required("cuModuleUnload", oneHandle);
        cuFuncGetAttribute = required("cuFuncGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS));
        cuFuncSetAttribute = required("cuFuncSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT));
        cuLinkCreate = required("cuLinkCreate_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS));
        cuLinkAddData = required("cuLinkAddData_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        cuLinkComplete = required("cuLinkComplete", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLinkDestroy = required("cuLinkDestroy", oneHandle);
        cuMemAlloc = required("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = required("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemAllocHost = required("cuMemAllocHost_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFreeHost = required("cuMemFreeHost", oneHandle);
        cuMemcpyHtoD = required("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = required("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoD = required("cuMemcpyDtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_LONG));
        cuMemcpyHtoDAsync = required("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS,
                JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = required("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
                JAVA_LONG, ADDRESS));
        cuMemcpyDtoDAsync = required("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, ADDRESS));
        // unsigned char and unsigned int: the bits are what counts, Java's signed types carry them
        cuMemsetD8 = required("cuMemsetD8_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG));
        cuMemsetD32 = required("cuMemsetD32_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        cuMemsetD8Async = required("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE,
                JAVA_LONG, ADDRESS));
        cuMemsetD32Async = required("cuMemsetD32Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT,
                JAVA_LONG, ADDRESS));
        cuStreamCreate = required("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamDestroy = required("cuStreamDestroy_v2", oneHandle);
        cuStreamSynchronize = required("cuStreamSynchronize", oneHandle);
        cuEventCreate = required("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = required("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuEventSynchronize = required("cuEventSynchronize", oneHandle);
        FunctionDescriptor elapsed = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        // cuda.h 12.8+ maps cuEventElapsedTime to _v2; older drivers export only the first version
        MethodHandle elapsedV2 = optional("cuEventElapsedTime_v2", elapsed);
        cuEventElapsedTimeName = elapsedV2 != null ? "cuEventElapsedTime_v2" : "cuEventElapsedTime";
        cuEventElapsedTime = elapsedV2 != null ? elapsedV2 : required("cuEventElapsedTime", elapsed);
        cuEventDestroy = required("cuEventDestroy_v2", oneHandle);
        cuLaunchKernel = required("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuLaunchKernelEx = optional("cuLaunchKernelEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS));
        cuStreamBeginCapture = required("cuStreamBeginCapture_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT));
        cuStreamEndCapture = required("cuStreamEndCapture", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuGraphInstantiate = required("cuGraphInstantiateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                ADDRESS, JAVA_LONG));
        cuGraphLaunch = required("cuGraphLaunch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuGraphExecDestroy = required("cuGraphExecDestroy", oneHandle);
        cuGraphDestroy = required("cuGraphDestroy", oneHandle);
    }

    /**
     * Loads the driver library: a bare file name goes through the system's library search, a name
     * with a path separator is taken as a path.
     *
     * @throws DeviceException when the library is missing ({@code "libcuda.so.1 not found: ..."})
     *                         or lacks an entry point Squall binds
     */
    static CudaLibrary load(String nameOrPath) {
        MemoryLayout sizeT = LINKER.canonicalLayouts().get("size_t");
        if (sizeT == null || sizeT.byteSize() != Long.BYTES) {
            throw new DeviceException("CUDA bindings need a 64-bit size_t; this platform has " + sizeT);
        }
        SymbolLookup lookup;
        try {
            // the global arena: the driver stays mapped for the life of the process
            lookup = nameOrPath.contains("/") || nameOrPath.contains("\\")
                    ? SymbolLookup.libraryLookup(Path.of(nameOrPath), Arena.global())
                    : SymbolLookup.libraryLookup(nameOrPath, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new DeviceException(nameOrPath + " not found: " + e.getMessage()
                    + " (install the NVIDIA driver, or set -D" + LIBRARY_PROPERTY + " to libcuda's path)", e);
        }
        try {
            return new CudaLibrary(nameOrPath, lookup);
        } catch (MissingSymbolException e) {
            throw new DeviceException(nameOrPath + " is not a usable CUDA driver library: " + e.getMessage(), e);
        }
    }

    /** The name or path this library was loaded from. */
    String location() {
        return location;
    }

    /** The exported name bound for {@code cuEventElapsedTime}: {@code _v2} where the driver has it. */
    String eventElapsedTimeName() {
        return cuEventElapsedTimeName;
    }

    private MethodHandle required(String name, FunctionDescriptor descriptor) {
        return symbols.find(name).map(address -> LINKER.downcallHandle(address, descriptor))
                .orElseThrow(() -> new MissingSymbolException("it has no entry point " + name));
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

    // ---- errors ------------------------------------------------------------------------------

    /**
     * The driver's name for {@code code} ({@code cuGetErrorName}), or the {@link CudaErrors} table's
     * when the driver does not know it.
     */
    String errorName(int code) {
        String name = driverString(cuGetErrorName, code);
        return name != null && !name.isBlank() ? name : CudaErrors.name(code);
    }

    /** The driver's description of {@code code} ({@code cuGetErrorString}), or null. */
    String errorString(int code) {
        return driverString(cuGetErrorString, code);
    }

    private static String driverString(MethodHandle handle, int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_STRING);
            out.set(C_STRING, 0, MemorySegment.NULL);
            int status = (int) handle.invokeExact(code, out);
            MemorySegment text = out.get(C_STRING, 0);
            if (status != CU.SUCCESS || text.equals(MemorySegment.NULL)) {
                return null;
            }
            return text.getString(0);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Throws unless {@code code} is {@code CUDA_SUCCESS}; {@code detail} says what was asked, or is null. */
    void check(int code, String apiCall, String detail) {
        if (code != CU.SUCCESS) {
            throw failure(apiCall, code, detail);
        }
    }

    /**
     * The exception for a failed call: {@code "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)"},
     * then the driver's description and {@code detail} on the next line.
     */
    DeviceException failure(String apiCall, int code, String detail) {
        String description = errorString(code);
        String text = description == null || description.isBlank() ? "" : description;
        if (detail != null && !detail.isEmpty()) {
            text = text.isEmpty() ? detail : text + "; " + detail;
        }
        return new DeviceException(apiCall, errorName(code), code, text);
    }

    // ---- initialisation and devices ----------------------------------------------------------

    int init(int flags) {
        try {
            return (int) cuInit.invokeExact(flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int driverGetVersion(MemorySegment version) {
        try {
            return (int) cuDriverGetVersion.invokeExact(version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetCount(MemorySegment count) {
        try {
            return (int) cuDeviceGetCount.invokeExact(count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) cuDeviceGet.invokeExact(device, ordinal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetName(MemorySegment name, int length, int device) {
        try {
            return (int) cuDeviceGetName.invokeExact(name, length, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceTotalMem(MemorySegment bytes, int device) {
        try {
            return (int) cuDeviceTotalMem.invokeExact(bytes, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetAttribute(MemorySegment value, int attribute, int device) {
        try {
            return (int) cuDeviceGetAttribute.invokeExact(value, attribute, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- contexts ----------------------------------------------------------------------------

    int devicePrimaryCtxRetain(MemorySegment context, int device) {
        try {
            return (int) cuDevicePrimaryCtxRetain.invokeExact(context, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int devicePrimaryCtxRelease(int device) {
        try {
            return (int) cuDevicePrimaryCtxRelease.invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int ctxSetCurrent(MemorySegment context) {
        return invokeHandle(cuCtxSetCurrent, context);
    }

    int ctxGetCurrent(MemorySegment context) {
        return invokeHandle(cuCtxGetCurrent, context);
    }

    int ctxPushCurrent(MemorySegment context) {
        return invokeHandle(cuCtxPushCurrent, context);
    }

    int ctxPopCurrent(MemorySegment context) {
        return invokeHandle(cuCtxPopCurrent, context);
    }

    int ctxSynchronize() {
        try {
            return (int) cuCtxSynchronize.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) cuMemGetInfo.invokeExact(free, total);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int invokeHandle(MethodHandle handle, MemorySegment argument) {
        try {
            return (int) handle.invokeExact(argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- modules, functions, linker ----------------------------------------------------------

    int moduleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions, MemorySegment options,
            MemorySegment optionValues) {
        try {
            return (int) cuModuleLoadDataEx.invokeExact(module, image, numOptions, options, optionValues);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int moduleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        try {
            return (int) cuModuleGetFunction.invokeExact(function, module, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int moduleUnload(MemorySegment module) {
        return invokeHandle(cuModuleUnload, module);
    }

    int funcGetAttribute(MemorySegment value, int attribute, MemorySegment function) {
        try {
            return (int) cuFuncGetAttribute.invokeExact(value, attribute, function);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int funcSetAttribute(MemorySegment function, int attribute, int value) {
        try {
            return (int) cuFuncSetAttribute.invokeExact(function, attribute, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int linkCreate(int numOptions, MemorySegment options, MemorySegment optionValues, MemorySegment state) {
        try {
            return (int) cuLinkCreate.invokeExact(numOptions, options, optionValues, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int linkAddData(MemorySegment state, int type, MemorySegment data, long size, MemorySegment name) {
        try {
            return (int) cuLinkAddData.invokeExact(state, type, data, size, name, 0, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int linkComplete(MemorySegment state, MemorySegment cubinOut, MemorySegment sizeOut) {
        try {
            return (int) cuLinkComplete.invokeExact(state, cubinOut, sizeOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int linkDestroy(MemorySegment state) {
        return invokeHandle(cuLinkDestroy, state);
    }

    // ---- memory ------------------------------------------------------------------------------

    int memAlloc(MemorySegment pointer, long bytes) {
        try {
            return (int) cuMemAlloc.invokeExact(pointer, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memFree(long pointer) {
        try {
            return (int) cuMemFree.invokeExact(pointer);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memAllocHost(MemorySegment pointer, long bytes) {
        try {
            return (int) cuMemAllocHost.invokeExact(pointer, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memFreeHost(MemorySegment pointer) {
        return invokeHandle(cuMemFreeHost, pointer);
    }

    int memcpyHtoD(long dst, MemorySegment src, long bytes) {
        try {
            return (int) cuMemcpyHtoD.invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoH(MemorySegment dst, long src, long bytes) {
        try {
            return (int) cuMemcpyDtoH.invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoD(long dst, long src, long bytes) {
        try {
            return (int) cuMemcpyDtoD.invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            return (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            return (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try {
            return (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memsetD8(long dst, byte value, long count) {
        try {
            return (int) cuMemsetD8.invokeExact(dst, value, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memsetD32(long dst, int value, long count) {
        try {
            return (int) cuMemsetD32.invokeExact(dst, value, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memsetD8Async(long dst, byte value, long count, MemorySegment stream) {
        try {
            return (int) cuMemsetD8Async.invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try {
            return (int) cuMemsetD32Async.invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- streams, events, launches, graphs ---------------------------------------------------

    int streamCreate(MemorySegment stream, int flags) {
        try {
            return (int) cuStreamCreate.invokeExact(stream, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamDestroy(MemorySegment stream) {
        return invokeHandle(cuStreamDestroy, stream);
    }

    int streamSynchronize(MemorySegment stream) {
        return invokeHandle(cuStreamSynchronize, stream);
    }

    int eventCreate(MemorySegment event, int flags) {
        try {
            return (int) cuEventCreate.invokeExact(event, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            return (int) cuEventRecord.invokeExact(event, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventSynchronize(MemorySegment event) {
        return invokeHandle(cuEventSynchronize, event);
    }

    int eventElapsedTime(MemorySegment millis, MemorySegment start, MemorySegment end) {
        try {
            return (int) cuEventElapsedTime.invokeExact(millis, start, end);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventDestroy(MemorySegment event) {
        return invokeHandle(cuEventDestroy, event);
    }

    int launchKernel(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
            int sharedBytes, MemorySegment stream, MemorySegment kernelParams) {
        try {
            return (int) cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                    sharedBytes, stream, kernelParams, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether the driver has {@code cuLaunchKernelEx}. */
    boolean hasLaunchKernelEx() {
        return cuLaunchKernelEx != null;
    }

    /**
     * {@code cuLaunchKernelEx} with one attribute, {@code CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION}
     * set: the launch may overlap the previous kernel on the stream. Requires {@link #hasLaunchKernelEx}.
     */
    int launchKernelProgrammatic(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
            int blockZ, int sharedBytes, MemorySegment stream, MemorySegment kernelParams) {
        try (Arena arena = Arena.ofConfined()) {
            // CUlaunchAttribute: {int id; pad to 8; a 64-byte union}, the union's first int the flag
            MemorySegment attribute = arena.allocate(LAUNCH_ATTRIBUTE_BYTES, 8);
            attribute.set(JAVA_INT, 0, CU.LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
            attribute.set(JAVA_INT, 8, 1);
            // CUlaunchConfig: seven unsigned ints, then (8-aligned) the stream, the attributes and their count
            MemorySegment config = arena.allocate(LAUNCH_CONFIG_BYTES, 8);
            int[] dims = {gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes};
            for (int i = 0; i < dims.length; i++) {
                config.set(JAVA_INT, 4L * i, dims[i]);
            }
            config.set(ADDRESS, 32, stream);
            config.set(ADDRESS, 40, attribute);
            config.set(JAVA_INT, 48, 1);
            return (int) cuLaunchKernelEx.invokeExact(config, function, kernelParams, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sizeof(CUlaunchConfig) and sizeof(CUlaunchAttribute) on 64-bit platforms (cuda.h 12.x and 13.0). */
    private static final long LAUNCH_CONFIG_BYTES = 56;
    private static final long LAUNCH_ATTRIBUTE_BYTES = 72;

    int streamBeginCapture(MemorySegment stream, int mode) {
        try {
            return (int) cuStreamBeginCapture.invokeExact(stream, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamEndCapture(MemorySegment stream, MemorySegment graph) {
        try {
            return (int) cuStreamEndCapture.invokeExact(stream, graph);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphInstantiate(MemorySegment exec, MemorySegment graph, long flags) {
        try {
            return (int) cuGraphInstantiate.invokeExact(exec, graph, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphLaunch(MemorySegment exec, MemorySegment stream) {
        try {
            return (int) cuGraphLaunch.invokeExact(exec, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphExecDestroy(MemorySegment exec) {
        return invokeHandle(cuGraphExecDestroy, exec);
    }

    int graphDestroy(MemorySegment graph) {
        return invokeHandle(cuGraphDestroy, graph);
    }

    /** Reads the float a JIT option slot holds after the call ({@code CU_JIT_WALL_TIME}). */
    static float slotFloat(MemorySegment values, int index) {
        return values.get(JAVA_FLOAT, (long) index * ADDRESS.byteSize());
    }

    /** Reads the unsigned int a JIT option slot holds after the call (log sizes). */
    static long slotUnsigned(MemorySegment values, int index) {
        return values.get(JAVA_LONG, (long) index * ADDRESS.byteSize()) & 0xffff_ffffL;
    }
}
