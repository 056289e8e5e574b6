package dev.squall.models.llama;

/** A GGUF file whose tensors do not fit its configuration: one missing, or of the wrong shape or type. */
public final class IncompatibleModelException extends RuntimeException {

    public IncompatibleModelException(String message) {
        super(message);
    }
}
