package dev.squall.models.gguf;

/**
 * The types of GGUF metadata values, with their on-disk ids (the {@code gguf_type} enum). Fixed-size
 * types know their byte size; strings and arrays are length-prefixed.
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, -1),
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int byteSize;

    GgufValueType(int id, int byteSize) {
        this.id = id;
        this.byteSize = byteSize;
    }

    /** The id stored in the file. */
    public int id() {
        return id;
    }

    /** Bytes of one value, or -1 for strings and arrays. */
    public int byteSize() {
        return byteSize;
    }

    /** Fewest bytes one value of this type can occupy in a file (a string's or array's header). */
    int minimumEncodedSize() {
        return switch (this) {
            case STRING -> 8;      // uint64 length
            case ARRAY -> 12;      // uint32 element type + uint64 count
            default -> byteSize;
        };
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type with id {@code id}, or null when no type has it. */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
