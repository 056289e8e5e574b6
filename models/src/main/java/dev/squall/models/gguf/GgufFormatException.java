package dev.squall.models.gguf;

import java.io.IOException;

/**
 * A GGUF file that is malformed or truncated. The message names the byte offset where the
 * problem was found and the field being read, so a broken file can be inspected with a hex dump.
 */
public final class GgufFormatException extends IOException {

    private final long offset;
    private final String field;
    private final String problem;

    /**
     * @param offset  byte offset from the start of the file where the bad field starts
     * @param field   what was being read, e.g. {@code "tensor_infos[3].n_dims"}
     * @param problem what is wrong with it
     */
    public GgufFormatException(long offset, String field, String problem) {
        this(offset, field, problem, null, null);
    }

    private GgufFormatException(long offset, String field, String problem, String source, Throwable cause) {
        super("GGUF" + (source != null ? " file " + source : "") + ": at byte offset " + offset + " (" + field + "): "
                + problem, cause);
        this.offset = offset;
        this.field = field;
        this.problem = problem;
    }

    /** An unexpected failure while parsing, kept as the cause. */
    static GgufFormatException unexpected(long offset, RuntimeException cause) {
        return new GgufFormatException(offset, "header", "malformed header: " + cause, null, cause);
    }

    /** The same problem, with the file named in the message. */
    GgufFormatException inFile(Object source) {
        GgufFormatException named = new GgufFormatException(offset, field, problem, String.valueOf(source), getCause());
        named.setStackTrace(getStackTrace());
        return named;
    }

    /** Byte offset from the start of the file. */
    public long offset() {
        return offset;
    }

    /** The field being read when the problem was found. */
    public String field() {
        return field;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }
}
