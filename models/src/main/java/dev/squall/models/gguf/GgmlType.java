package dev.squall.models.gguf;

/**
 * Tensor element types of ggml as GGUF stores them: the on-disk id, how many elements a block
 * holds and how many bytes a block takes. Plain types have blocks of one element. Squall wraps
 * F32, F16, BF16, Q8_0 and Q4_0 as arrays ({@link #isWrappable()}); the others can still be read
 * as raw bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockElements;
    private final int blockBytes;

    GgmlType(int id, int blockElements, int blockBytes) {
        this.id = id;
        this.blockElements = blockElements;
        this.blockBytes = blockBytes;
    }

    /** The {@code ggml_type} id stored in the file. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockElements() {
        return blockElements;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** True for the types Squall can wrap as an array with no copy. */
    public boolean isWrappable() {
        return switch (this) {
            case F32, F16, BF16, Q8_0, Q4_0 -> true;
            default -> false;
        };
    }

    /**
     * Bytes of {@code elements} elements; {@code elements} must be a multiple of the block size.
     *
     * @throws ArithmeticException on overflow
     */
    public long bytesFor(long elements) {
        if (elements % blockElements != 0) {
            throw new IllegalArgumentException(this + " stores elements in blocks of " + blockElements + "; "
                    + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockElements, (long) blockBytes);
    }

    /** The type with id {@code id}, or null for an unknown or retired id. */
    public static GgmlType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
