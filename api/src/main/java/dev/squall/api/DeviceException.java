package dev.squall.api;

/**
 * A driver call that failed. The message names the API call and the driver's error name and code,
 * for example {@code clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE (-11)}.
 */
public class DeviceException extends SquallException {
    private static final long serialVersionUID = 1L;

    private final String apiCall;
    private final String errorName;
    private final long errorCode;

    public DeviceException(String apiCall, String errorName, long errorCode, String detail) {
        super(apiCall + " failed: " + errorName + " (" + errorCode + ")" + (detail == null || detail.isEmpty() ? "" : "\n" + detail));
        this.apiCall = apiCall;
        this.errorName = errorName;
        this.errorCode = errorCode;
    }

    public DeviceException(String message) {
        super(message);
        this.apiCall = null;
        this.errorName = null;
        this.errorCode = 0;
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
        this.apiCall = null;
        this.errorName = null;
        this.errorCode = 0;
    }

    /** The driver entry point that failed, or null for failures that are not one call. */
    public String apiCall() {
        return apiCall;
    }

    /** The driver's symbolic error name, such as {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return errorName;
    }

    public long errorCode() {
        return errorCode;
    }
}
