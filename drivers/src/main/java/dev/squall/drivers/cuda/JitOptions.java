package dev.squall.drivers.cuda;

/**
 * How the driver's JIT compiler turns PTX into machine code ({@code CUjit_option}s of
 * {@code cuModuleLoadDataEx} and {@code cuLinkCreate_v2}).
 *
 * @param optimizationLevel {@code CU_JIT_OPTIMIZATION_LEVEL}, 0 to 4 (4, the default, is the highest)
 * @param maxRegisters      {@code CU_JIT_MAX_REGISTERS} per thread, or 0 to let the compiler choose
 * @param generateLineInfo  {@code CU_JIT_GENERATE_LINE_INFO} (for profilers)
 * @param generateDebugInfo {@code CU_JIT_GENERATE_DEBUG_INFO} (slow code, for debuggers)
 * @param logVerbose        {@code CU_JIT_LOG_VERBOSE}: registers, spills and shared memory per function in the info log
 * @param logBufferBytes    size of each of the info and error log buffers
 */
public record JitOptions(int optimizationLevel, int maxRegisters, boolean generateLineInfo,
        boolean generateDebugInfo, boolean logVerbose, int logBufferBytes) {

    /** Default size of each log buffer. */
    public static final int DEFAULT_LOG_BYTES = 64 << 10;

    public JitOptions {
        if (optimizationLevel < 0 || optimizationLevel > 4) {
            throw new IllegalArgumentException("JIT optimization level is 0 to 4, got " + optimizationLevel);
        }
        if (maxRegisters < 0 || maxRegisters > 255) {
            throw new IllegalArgumentException("max registers is 0 (compiler's choice) to 255, got " + maxRegisters);
        }
        if (logBufferBytes < 256) {
            throw new IllegalArgumentException("log buffers need at least 256 bytes, got " + logBufferBytes);
        }
    }

    /** Highest optimisation, the compiler's register choice, no debug or line info, verbose logs of 64 KiB. */
    public static JitOptions defaults() {
        return new JitOptions(4, 0, false, false, true, DEFAULT_LOG_BYTES);
    }

    public JitOptions withOptimizationLevel(int level) {
        return new JitOptions(level, maxRegisters, generateLineInfo, generateDebugInfo, logVerbose, logBufferBytes);
    }

    public JitOptions withMaxRegisters(int registers) {
        return new JitOptions(optimizationLevel, registers, generateLineInfo, generateDebugInfo, logVerbose,
                logBufferBytes);
    }

    public JitOptions withLineInfo(boolean lineInfo) {
        return new JitOptions(optimizationLevel, maxRegisters, lineInfo, generateDebugInfo, logVerbose,
                logBufferBytes);
    }

    public JitOptions withDebugInfo(boolean debugInfo) {
        return new JitOptions(optimizationLevel, maxRegisters, generateLineInfo, debugInfo, logVerbose,
                logBufferBytes);
    }

    public JitOptions withLogVerbose(boolean verbose) {
        return new JitOptions(optimizationLevel, maxRegisters, generateLineInfo, generateDebugInfo, verbose,
                logBufferBytes);
    }

    /** The options that change the code, as one string: part of the cubin cache key. */
    String codeKey() {
        return "O" + optimizationLevel + " maxrreg=" + maxRegisters + " lineinfo=" + generateLineInfo + " debug="
                + generateDebugInfo;
    }

    @Override
    public String toString() {
        return codeKey() + (logVerbose ? " verbose" : "");
    }
}
