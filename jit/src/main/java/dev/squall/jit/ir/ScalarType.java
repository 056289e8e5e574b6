package dev.squall.jit.ir;

/**
 * Scalar types. {@code I8}, {@code I16} and {@code F16}/{@code BF16} are storage types: they are
 * loaded and stored, and widened before arithmetic, as the JVM does.
 */
public enum ScalarType implements Type {
    BOOL("bool", 1),
    I8("i8", 1),
    I16("i16", 2),
    I32("i32", 4),
    I64("i64", 8),
    F32("f32", 4),
    F64("f64", 8);

    private final String text;
    private final int bytes;

    ScalarType(String text, int bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    @Override
    public String text() {
        return text;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F64;
    }

    public boolean isInteger() {
        return this == I8 || this == I16 || this == I32 || this == I64;
    }
}
