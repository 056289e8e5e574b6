package dev.squall.jit.ir;

/** The IR broke an invariant: a compiler bug, reported with the offending instruction and the kernel's text. */
public final class IrVerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IrVerificationException(String message) {
        super(message);
    }
}
