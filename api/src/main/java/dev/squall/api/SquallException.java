package dev.squall.api;

/** Base of every exception Squall raises on purpose. Unchecked, so kernels stay plain Java. */
public class SquallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SquallException(String message) {
        super(message);
    }

    public SquallException(String message, Throwable cause) {
        super(message, cause);
    }
}
