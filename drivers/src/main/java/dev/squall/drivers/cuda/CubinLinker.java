package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Compiles PTX to a cubin with the driver's linker ({@code cuLinkCreate_v2}, {@code cuLinkAddData_v2},
 * {@code cuLinkComplete}, {@code cuLinkDestroy}), for the context's device, so the result can be kept
 * in the {@link CubinCache}. The context must be current.
 */
final class CubinLinker {

    /**
     * A compiled cubin with what the compiler said.
     *
     * @param cubin      the machine code, copied out of the link state
     * @param infoLog    the info log
     * @param wallMillis compile time the driver reports
     */
    record Linked(byte[] cubin, String infoLog, float wallMillis) {
    }

    private CubinLinker() {
    }

    /**
     * @throws PtxJitException with the error log when the PTX does not compile
     */
    static Linked link(CudaContext context, String ptx, JitOptions options) {
        CudaLibrary cu = context.library();
        String where = "device " + context.device() + " (" + context.device().ptxTarget() + "), options " + options;
        try (Arena arena = Arena.ofConfined()) {
            JitCall call = JitCall.of(arena, options, true);
            MemorySegment stateOut = arena.allocate(ADDRESS);
            cu.check(cu.linkCreate(call.count(), call.keys(), call.values(), stateOut), "cuLinkCreate_v2", where);
            MemorySegment state = stateOut.get(ADDRESS, 0);
            try {
                MemorySegment text = arena.allocateFrom(ptx);
                int code = cu.linkAddData(state, CU.JIT_INPUT_PTX, text, text.byteSize(), arena.allocateFrom("squall.ptx"));
                if (code != CU.SUCCESS) {
                    throw jitFailure(cu, "cuLinkAddData_v2", code, where, call);
                }
                MemorySegment cubinOut = arena.allocate(ADDRESS);
                MemorySegment sizeOut = arena.allocate(JAVA_LONG);
                code = cu.linkComplete(state, cubinOut, sizeOut);
                if (code != CU.SUCCESS) {
                    throw jitFailure(cu, "cuLinkComplete", code, where, call);
                }
                long size = sizeOut.get(JAVA_LONG, 0);
                // the cubin belongs to the link state: copy it before cuLinkDestroy
                byte[] cubin = cubinOut.get(ADDRESS, 0).reinterpret(size).toArray(JAVA_BYTE);
                return new Linked(cubin, call.infoLog(), call.wallMillis());
            } finally {
                cu.check(cu.linkDestroy(state), "cuLinkDestroy", where);
            }
        }
    }

    static PtxJitException jitFailure(CudaLibrary cu, String apiCall, int code, String where, JitCall call) {
        String description = cu.errorString(code);
        return new PtxJitException(apiCall, cu.errorName(code), code,
                (description == null ? "" : description + "; ") + where, call.errorLog(), call.infoLog());
    }
}
