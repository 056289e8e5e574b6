package dev.squall.jit.ir;

/**
 * Two-operand arithmetic with Java's semantics for the operand type: integer division truncates
 * and {@code MIN_VALUE / -1 == MIN_VALUE}, shifts use only the low 5 (int) or 6 (long) bits of
 * the count, {@code MIN}/{@code MAX} on floats follow {@code Math.min}/{@code Math.max} (NaN wins,
 * -0.0 is less than +0.0), and floating-point operations round to nearest (no contraction into
 * fused multiply-adds).
 */
public enum BinaryOp {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), REM("rem"),
    AND("and"), OR("or"), XOR("xor"), SHL("shl"), SHR("shr"), USHR("ushr"),
    MIN("min"), MAX("max"),
    /** {@code Math.pow}, {@code Math.atan2}, {@code Math.hypot}, {@code Math.copySign}: floating only. */
    POW("pow"), ATAN2("atan2"), HYPOT("hypot"), COPY_SIGN("copysign");

    private final String text;

    BinaryOp(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public boolean isCommutative() {
        return this == ADD || this == MUL || this == AND || this == OR || this == XOR || this == MIN || this == MAX;
    }

    /** Pure and total: may be moved and removed freely (integer DIV/REM may divide by zero). */
    public boolean isSpeculatable(ScalarType type) {
        return !(type.isInteger() && (this == DIV || this == REM));
    }
}
