package dev.squall.models.gguf;

import java.util.List;

/**
 * Everything before a GGUF file's tensor data.
 *
 * @param version    2 or 3
 * @param metadata   key-value metadata in file order
 * @param tensors    tensor entries in file order
 * @param alignment  {@code general.alignment}, or 32
 * @param dataOffset byte offset of the data section (a multiple of {@code alignment})
 */
public record GgufHeader(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {

    /** Alignment when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** The metadata key that sets the alignment. */
    public static final String ALIGNMENT_KEY = "general.alignment";

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }
}
