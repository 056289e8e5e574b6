package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One kernel ({@code .entry}) of a loaded {@link CudaModule}; valid while the module is open.
 * Launch it with {@link CudaContext#launch(CudaFunction, int[], int[], int, KernelArgs)}.
 */
public final class CudaFunction {

    private final CudaModule module;
    private final String name;
    private final MemorySegment handle;

    CudaFunction(CudaModule module, String name, MemorySegment handle) {
        this.module = module;
        this.name = name;
        this.handle = handle;
    }

    public String name() {
        return name;
    }

    public CudaModule module() {
        return module;
    }

    /** Registers, static shared memory, local memory, the largest block and more, as compiled. */
    public FunctionAttributes attributes() {
        MemorySegment f = handle();
        module.enter();
        CudaLibrary cu = module.context.library();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            return new FunctionAttributes(get(cu, f, value, CU.FUNC_ATTRIBUTE_NUM_REGS, "NUM_REGS"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, "SHARED_SIZE_BYTES"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, "LOCAL_SIZE_BYTES"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, "MAX_THREADS_PER_BLOCK"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_CONST_SIZE_BYTES, "CONST_SIZE_BYTES"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                            "MAX_DYNAMIC_SHARED_SIZE_BYTES"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_PTX_VERSION, "PTX_VERSION"),
                    get(cu, f, value, CU.FUNC_ATTRIBUTE_BINARY_VERSION, "BINARY_VERSION"));
        }
    }

    private int get(CudaLibrary cu, MemorySegment f, MemorySegment value, int attribute, String what) {
        cu.check(cu.funcGetAttribute(value, attribute, f), "cuFuncGetAttribute", "CU_FUNC_ATTRIBUTE_" + what
                + " of " + describe());
        return value.get(JAVA_INT, 0);
    }

    /**
     * Allows launches with up to {@code bytes} of dynamic shared memory per block
     * ({@code cuFuncSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)}); needed above
     * 48 KiB. Static plus dynamic shared memory may not exceed the device's opt-in limit.
     *
     * @throws DeviceException named, with the device's opt-in limit and the function's static shared memory
     */
    public CudaFunction setMaxDynamicShared(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("kernel " + name + ": dynamic shared memory must not be negative, got "
                    + bytes);
        }
        MemorySegment f = handle();
        module.enter();
        CudaLibrary cu = module.context.library();
        int code = cu.funcSetAttribute(f, CU.FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
        if (code != CU.SUCCESS) {
            String staticShared;
            try {
                staticShared = attributes().staticSharedBytes() + " bytes";
            } catch (RuntimeException e) {
                staticShared = "unknown";
            }
            throw cu.failure("cuFuncSetAttribute", code, "CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = " + bytes
                    + " for " + describe() + "; static shared memory " + staticShared + ", device opt-in limit "
                    + module.context.device().info().sharedMemoryPerBlockOptIn() + " bytes per block");
        }
        return this;
    }

    /** The live {@code CUfunction}. */
    MemorySegment handle() {
        module.checkOpen();
        return handle;
    }

    String describe() {
        return "kernel " + name + " of " + module.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
