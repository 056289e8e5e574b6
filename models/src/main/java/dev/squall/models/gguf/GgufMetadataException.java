package dev.squall.models.gguf;

/** A metadata key that is missing, or whose value has a type or range other than the one asked for. */
public final class GgufMetadataException extends RuntimeException {

    private final String key;

    public GgufMetadataException(String key, String message) {
        super("GGUF metadata '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
