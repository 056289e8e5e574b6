package dev.squall.drivers.cuda;

/**
 * The numeric constants of the CUDA driver API that Squall uses, with the values of {@code cuda.h}
 * (CUDA 13.0). Names drop the {@code CU_} prefix; the enum each belongs to is in the comment.
 */
final class CU {

    private CU() {
    }

    static final int SUCCESS = 0;

    // CUdevice_attribute
    static final int DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    static final int DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2;
    static final int DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y = 3;
    static final int DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z = 4;
    static final int DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5;
    static final int DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6;
    static final int DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7;
    static final int DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int DEVICE_ATTRIBUTE_WARP_SIZE = 10;
    static final int DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK = 12;
    static final int DEVICE_ATTRIBUTE_CLOCK_RATE = 13;
    static final int DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36;
    static final int DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37;
    static final int DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38;
    static final int DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR = 39;
    static final int DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT = 40;
    static final int DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41;
    static final int DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81;
    static final int DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR = 82;
    static final int DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;

    // CUfunction_attribute
    static final int FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    static final int FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1;
    static final int FUNC_ATTRIBUTE_CONST_SIZE_BYTES = 2;
    static final int FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3;
    static final int FUNC_ATTRIBUTE_NUM_REGS = 4;
    static final int FUNC_ATTRIBUTE_PTX_VERSION = 5;
    static final int FUNC_ATTRIBUTE_BINARY_VERSION = 6;
    static final int FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    // CUlaunchAttributeID
    static final int LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;

    // CUjit_option
    static final int JIT_MAX_REGISTERS = 0;
    static final int JIT_THREADS_PER_BLOCK = 1;
    static final int JIT_WALL_TIME = 2;
    static final int JIT_INFO_LOG_BUFFER = 3;
    static final int JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    static final int JIT_ERROR_LOG_BUFFER = 5;
    static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    static final int JIT_OPTIMIZATION_LEVEL = 7;
    static final int JIT_GENERATE_DEBUG_INFO = 11;
    static final int JIT_LOG_VERBOSE = 12;
    static final int JIT_GENERATE_LINE_INFO = 13;

    // CUjitInputType
    static final int JIT_INPUT_PTX = 1;

    // CUstream_flags, CUevent_flags
    static final int STREAM_NON_BLOCKING = 0x1;
    static final int EVENT_DEFAULT = 0x0;

    // CUstreamCaptureMode
    static final int STREAM_CAPTURE_MODE_GLOBAL = 0;
    static final int STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
    static final int STREAM_CAPTURE_MODE_RELAXED = 2;

    // CUresult values the runtime reacts to
    static final int ERROR_INVALID_VALUE = 1;
    static final int ERROR_OUT_OF_MEMORY = 2;
    static final int ERROR_NOT_INITIALIZED = 3;
    static final int ERROR_NO_DEVICE = 100;
    static final int ERROR_INVALID_PTX = 218;
    static final int ERROR_NOT_FOUND = 500;
}
