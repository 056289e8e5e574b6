package dev.squall.api;

/** A kernel that failed while it ran: barrier divergence, an exception inside a work-item, a device fault. */
public class KernelExecutionException extends SquallException {
    private static final long serialVersionUID = 1L;

    public KernelExecutionException(String message) {
        super(message);
    }

    public KernelExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
