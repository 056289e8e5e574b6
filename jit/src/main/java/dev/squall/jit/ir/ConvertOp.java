package dev.squall.jit.ir;

/**
 * Conversions with Java's semantics: float-to-integer truncates toward zero, saturates, and maps
 * NaN to 0; integer narrowing keeps the low bits; {@code I2B}, {@code I2S}, {@code I2C} stay in
 * {@code i32} as the JVM does. {@code *_BITS} reinterpret without changing bits. Half and bfloat16
 * conversions round to nearest even, as {@code Half.fromFloat} does.
 */
public enum ConvertOp {
    I2L(ScalarType.I32, ScalarType.I64), I2F(ScalarType.I32, ScalarType.F32), I2D(ScalarType.I32, ScalarType.F64),
    L2I(ScalarType.I64, ScalarType.I32), L2F(ScalarType.I64, ScalarType.F32), L2D(ScalarType.I64, ScalarType.F64),
    F2I(ScalarType.F32, ScalarType.I32), F2L(ScalarType.F32, ScalarType.I64), F2D(ScalarType.F32, ScalarType.F64),
    D2I(ScalarType.F64, ScalarType.I32), D2L(ScalarType.F64, ScalarType.I64), D2F(ScalarType.F64, ScalarType.F32),
    I2B(ScalarType.I32, ScalarType.I32), I2S(ScalarType.I32, ScalarType.I32), I2C(ScalarType.I32, ScalarType.I32),
    /** Storage: keep the low 8 or 16 bits for a byte or short store. */
    TRUNC_I8(ScalarType.I32, ScalarType.I8), TRUNC_I16(ScalarType.I32, ScalarType.I16),
    /** Storage: sign-extend a loaded byte or short. */
    SEXT_I8(ScalarType.I8, ScalarType.I32), SEXT_I16(ScalarType.I16, ScalarType.I32),
    /** binary16 bits to float (exact) and back (round to nearest even). */
    H2F(ScalarType.I16, ScalarType.F32), F2H(ScalarType.F32, ScalarType.I16),
    /** bfloat16 bits to float (exact) and back (round to nearest even). */
    BF2F(ScalarType.I16, ScalarType.F32), F2BF(ScalarType.F32, ScalarType.I16),
    BOOL2I(ScalarType.BOOL, ScalarType.I32),
    F2I_BITS(ScalarType.F32, ScalarType.I32), I2F_BITS(ScalarType.I32, ScalarType.F32),
    D2L_BITS(ScalarType.F64, ScalarType.I64), L2D_BITS(ScalarType.I64, ScalarType.F64);

    private final ScalarType from;
    private final ScalarType to;

    ConvertOp(ScalarType from, ScalarType to) {
        this.from = from;
        this.to = to;
    }

    public ScalarType from() {
        return from;
    }

    public ScalarType to() {
        return to;
    }

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
