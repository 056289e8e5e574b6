package dev.squall.drivers.cuda;

/**
 * What the driver says about one compiled function ({@code cuFuncGetAttribute}).
 *
 * @param registers             {@code CU_FUNC_ATTRIBUTE_NUM_REGS}: registers per thread
 * @param staticSharedBytes     {@code CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES}: statically declared shared memory
 * @param localBytes            {@code CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES}: local memory (spills, stack) per thread
 * @param maxThreadsPerBlock    {@code CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK}: the largest block it can launch with
 * @param constBytes            {@code CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES}: user constant memory
 * @param maxDynamicSharedBytes {@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}: the dynamic shared memory limit now
 * @param ptxVersion            {@code CU_FUNC_ATTRIBUTE_PTX_VERSION}: 10 x major + minor of the PTX target (90 for sm_90)
 * @param binaryVersion         {@code CU_FUNC_ATTRIBUTE_BINARY_VERSION}: 10 x major + minor of the machine code
 */
public record FunctionAttributes(int registers, int staticSharedBytes, int localBytes, int maxThreadsPerBlock,
        int constBytes, int maxDynamicSharedBytes, int ptxVersion, int binaryVersion) {
}
