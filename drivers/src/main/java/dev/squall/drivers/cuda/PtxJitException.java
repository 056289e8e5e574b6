package dev.squall.drivers.cuda;

import dev.squall.api.DeviceException;

/**
 * The driver's JIT compiler refused PTX: the message names the call and error
 * ({@code cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX (218)}) and holds the compiler's error
 * log, which names the PTX line; {@link #errorLog()} and {@link #infoLog()} give the logs alone.
 */
public final class PtxJitException extends DeviceException {
    private static final long serialVersionUID = 1L;

    private final String errorLog;
    private final String infoLog;

    PtxJitException(String apiCall, String errorName, int code, String detail, String errorLog, String infoLog) {
        super(apiCall, errorName, code, detail + "\nJIT error log:\n" + (errorLog.isEmpty() ? "(empty)" : errorLog));
        this.errorLog = errorLog;
        this.infoLog = infoLog;
    }

    /** The compiler's error log ({@code CU_JIT_ERROR_LOG_BUFFER}). */
    public String errorLog() {
        return errorLog;
    }

    /** The compiler's info log ({@code CU_JIT_INFO_LOG_BUFFER}), often empty on failure. */
    public String infoLog() {
        return infoLog;
    }
}
