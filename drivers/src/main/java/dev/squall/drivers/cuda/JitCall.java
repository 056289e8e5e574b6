package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The {@code CUjit_option} arrays of one JIT or link call, in an arena: option keys, their values
 * (integers travel in the pointer-sized slots, as the driver expects), and the info and error log
 * buffers the driver writes. After the call, {@link #infoLog()}, {@link #errorLog()} and
 * {@link #wallMillis()} read what it wrote back.
 */
final class JitCall {

    private final MemorySegment keys;
    private final MemorySegment values;
    private final int count;
    private final MemorySegment infoBuffer;
    private final MemorySegment errorBuffer;
    private final int infoSizeIndex;
    private final int errorSizeIndex;
    private final int wallIndex;

    private JitCall(MemorySegment keys, MemorySegment values, int count, MemorySegment infoBuffer,
            MemorySegment errorBuffer, int infoSizeIndex, int errorSizeIndex, int wallIndex) {
        this.keys = keys;
        this.values = values;
        this.count = count;
        this.infoBuffer = infoBuffer;
        this.errorBuffer = errorBuffer;
        this.infoSizeIndex = infoSizeIndex;
        this.errorSizeIndex = errorSizeIndex;
        this.wallIndex = wallIndex;
    }

    /**
     * The options for one call.
     *
     * @param codeOptions whether to pass the options that steer code generation (for PTX input);
     *                    a cubin gets only the logs
     */
    static JitCall of(Arena arena, JitOptions options, boolean codeOptions) {
        int logBytes = options.logBufferBytes();
        MemorySegment info = arena.allocate(logBytes);
        MemorySegment error = arena.allocate(logBytes);
        long[][] pairs = new long[12][];
        int n = 0;
        pairs[n++] = new long[] {CU.JIT_INFO_LOG_BUFFER, info.address()};
        int infoSize = n;
        pairs[n++] = new long[] {CU.JIT_INFO_LOG_BUFFER_SIZE_BYTES, logBytes};
        pairs[n++] = new long[] {CU.JIT_ERROR_LOG_BUFFER, error.address()};
        int errorSize = n;
        pairs[n++] = new long[] {CU.JIT_ERROR_LOG_BUFFER_SIZE_BYTES, logBytes};
        pairs[n++] = new long[] {CU.JIT_LOG_VERBOSE, options.logVerbose() ? 1 : 0};
        int wall = n;
        pairs[n++] = new long[] {CU.JIT_WALL_TIME, 0};
        if (codeOptions) {
            pairs[n++] = new long[] {CU.JIT_OPTIMIZATION_LEVEL, options.optimizationLevel()};
            if (options.maxRegisters() > 0) {
                pairs[n++] = new long[] {CU.JIT_MAX_REGISTERS, options.maxRegisters()};
            }
            if (options.generateLineInfo()) {
                pairs[n++] = new long[] {CU.JIT_GENERATE_LINE_INFO, 1};
            }
            if (options.generateDebugInfo()) {
                pairs[n++] = new long[] {CU.JIT_GENERATE_DEBUG_INFO, 1};
            }
        }
        MemorySegment keys = arena.allocate(JAVA_INT, n);
        MemorySegment values = arena.allocate(ADDRESS, n);
        for (int i = 0; i < n; i++) {
            keys.setAtIndex(JAVA_INT, i, (int) pairs[i][0]);
            values.setAtIndex(JAVA_LONG, i, pairs[i][1]);
        }
        return new JitCall(keys, values, n, info, error, infoSize, errorSize, wall);
    }

    MemorySegment keys() {
        return keys;
    }

    MemorySegment values() {
        return values;
    }

    int count() {
        return count;
    }

    /** What the compiler said beyond errors (registers, spills with verbose logging). */
    String infoLog() {
        return read(infoBuffer, CudaLibrary.slotUnsigned(values, infoSizeIndex));
    }

    /** What the compiler said about errors; names the line of the PTX that failed. */
    String errorLog() {
        return read(errorBuffer, CudaLibrary.slotUnsigned(values, errorSizeIndex));
    }

    /** Milliseconds the compiler and linker spent, as the driver reports ({@code CU_JIT_WALL_TIME}). */
    float wallMillis() {
        return CudaLibrary.slotFloat(values, wallIndex);
    }

    /** The log up to its NUL, within the size the driver reports and the buffer. */
    private static String read(MemorySegment buffer, long reported) {
        long limit = Math.min(buffer.byteSize(), reported <= 0 ? buffer.byteSize() : reported);
        long end = 0;
        while (end < limit && buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] bytes = buffer.asSlice(0, end).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8).strip();
    }
}
