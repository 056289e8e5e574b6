package dev.squall.drivers.opencl;

/** The OpenCL enumerants this driver uses, with the values of the Khronos headers. */
final class CL {

    private CL() {
    }

    static final int SUCCESS = 0;
    static final int DEVICE_NOT_FOUND = -1;
    static final int INVALID_BUFFER_SIZE = -61;
    static final int PLATFORM_NOT_FOUND_KHR = -1001;

    static final int TRUE = 1;
    static final int FALSE = 0;

    // cl_platform_info
    static final int PLATFORM_PROFILE = 0x0900;
    static final int PLATFORM_VERSION = 0x0901;
    static final int PLATFORM_NAME = 0x0902;
    static final int PLATFORM_VENDOR = 0x0903;
    static final int PLATFORM_EXTENSIONS = 0x0904;

    // cl_device_type (bitfield)
    static final long DEVICE_TYPE_DEFAULT = 1L;
    static final long DEVICE_TYPE_CPU = 1L << 1;
    static final long DEVICE_TYPE_GPU = 1L << 2;
    static final long DEVICE_TYPE_ACCELERATOR = 1L << 3;
    static final long DEVICE_TYPE_CUSTOM = 1L << 4;
    static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;

    // cl_device_info
    static final int DEVICE_TYPE = 0x1000;
    static final int DEVICE_VENDOR_ID = 0x1001;
    static final int DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    static final int DEVICE_MAX_WORK_ITEM_DIMENSIONS = 0x1003;
    static final int DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int DEVICE_MAX_WORK_ITEM_SIZES = 0x1005;
    static final int DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT = 0x100A;
    static final int DEVICE_MAX_CLOCK_FREQUENCY = 0x100C;
    static final int DEVICE_ADDRESS_BITS = 0x100D;
    static final int DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int DEVICE_MEM_BASE_ADDR_ALIGN = 0x1019;
    static final int DEVICE_GLOBAL_MEM_CACHE_SIZE = 0x101E;
    static final int DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int DEVICE_MAX_CONSTANT_BUFFER_SIZE = 0x1020;
    static final int DEVICE_LOCAL_MEM_TYPE = 0x1022;
    static final int DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int DEVICE_PROFILING_TIMER_RESOLUTION = 0x1025;
    static final int DEVICE_AVAILABLE = 0x1027;
    static final int DEVICE_COMPILER_AVAILABLE = 0x1028;
    static final int DEVICE_NAME = 0x102B;
    static final int DEVICE_VENDOR = 0x102C;
    static final int DRIVER_VERSION = 0x102D;
    static final int DEVICE_PROFILE = 0x102E;
    static final int DEVICE_VERSION = 0x102F;
    static final int DEVICE_EXTENSIONS = 0x1030;
    static final int DEVICE_NATIVE_VECTOR_WIDTH_FLOAT = 0x103A;
    static final int DEVICE_NATIVE_VECTOR_WIDTH_HALF = 0x103C;
    static final int DEVICE_OPENCL_C_VERSION = 0x103D;
    // OpenCL 3.0
    static final int DEVICE_ATOMIC_MEMORY_CAPABILITIES = 0x1063;
    static final int DEVICE_ATOMIC_FENCE_CAPABILITIES = 0x1064;
    // cl_nv_device_attribute_query
    static final int DEVICE_COMPUTE_CAPABILITY_MAJOR_NV = 0x4000;
    static final int DEVICE_COMPUTE_CAPABILITY_MINOR_NV = 0x4001;
    static final int DEVICE_WARP_SIZE_NV = 0x4003;

    // cl_device_local_mem_type
    static final int LOCAL = 0x1;
    static final int GLOBAL = 0x2;

    // cl_command_queue_properties (bitfield) and cl_queue_properties keys
    static final long QUEUE_PROFILING_ENABLE = 1L << 1;
    static final long QUEUE_PROPERTIES = 0x1093;

    // cl_context_properties
    static final long CONTEXT_PLATFORM = 0x1084;

    // cl_mem_flags (bitfield)
    static final long MEM_READ_WRITE = 1L;
    static final long MEM_WRITE_ONLY = 1L << 1;
    static final long MEM_READ_ONLY = 1L << 2;

    // cl_program_info
    static final int PROGRAM_NUM_DEVICES = 0x1162;
    static final int PROGRAM_BINARY_SIZES = 0x1165;
    static final int PROGRAM_BINARIES = 0x1166;
    static final int PROGRAM_KERNEL_NAMES = 0x1168;

    // cl_program_build_info
    static final int PROGRAM_BUILD_STATUS = 0x1181;
    static final int PROGRAM_BUILD_LOG = 0x1183;

    // cl_kernel_info
    static final int KERNEL_FUNCTION_NAME = 0x1190;
    static final int KERNEL_NUM_ARGS = 0x1191;

    // cl_kernel_work_group_info
    static final int KERNEL_WORK_GROUP_SIZE = 0x11B0;
    static final int KERNEL_COMPILE_WORK_GROUP_SIZE = 0x11B1;
    static final int KERNEL_LOCAL_MEM_SIZE = 0x11B2;
    static final int KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE = 0x11B3;
    static final int KERNEL_PRIVATE_MEM_SIZE = 0x11B4;

    // cl_event_info and command execution status
    static final int EVENT_COMMAND_EXECUTION_STATUS = 0x11D3;
    static final int COMPLETE = 0x0;
    static final int RUNNING = 0x1;
    static final int SUBMITTED = 0x2;
    static final int QUEUED = 0x3;

    // cl_profiling_info
    static final int PROFILING_COMMAND_QUEUED = 0x1280;
    static final int PROFILING_COMMAND_SUBMIT = 0x1281;
    static final int PROFILING_COMMAND_START = 0x1282;
    static final int PROFILING_COMMAND_END = 0x1283;
}
