package dev.squall.jit.ir;

/** A constant scalar, stored as raw bits (floats as their IEEE bits, so -0.0 and NaNs are exact). */
public record Const(ScalarType type, long bits) implements Operand {

    public static final Const TRUE = new Const(ScalarType.BOOL, 1);
    public static final Const FALSE = new Const(ScalarType.BOOL, 0);

    public static Const i32(int value) {
        return new Const(ScalarType.I32, value);
    }

    public static Const i64(long value) {
        return new Const(ScalarType.I64, value);
    }

    public static Const f32(float value) {
        return new Const(ScalarType.F32, Float.floatToRawIntBits(value) & 0xffffffffL);
    }

    public static Const f64(double value) {
        return new Const(ScalarType.F64, Double.doubleToRawLongBits(value));
    }

    public static Const bool(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** A constant of {@code type} from a value held in a long (integers) or raw bits (floats). */
    public static Const of(ScalarType type, long bits) {
        return switch (type) {
            case BOOL -> bool(bits != 0);
            case I8 -> new Const(type, (byte) bits);
            case I16 -> new Const(type, (short) bits);
            case I32 -> new Const(type, (int) bits);
            case F32 -> new Const(type, bits & 0xffffffffL);
            default -> new Const(type, bits);
        };
    }

    public int asInt() {
        return (int) bits;
    }

    public long asLong() {
        return bits;
    }

    public float asFloat() {
        return Float.intBitsToFloat((int) bits);
    }

    public double asDouble() {
        return Double.longBitsToDouble(bits);
    }

    public boolean asBool() {
        return bits != 0;
    }

    @Override
    public String text() {
        return switch (type) {
            case BOOL -> asBool() ? "true" : "false";
            case F32 -> floatText(asFloat()) + "f";
            case F64 -> floatText(asDouble());
            case I64 -> bits + "L";
            default -> Long.toString(bits);
        };
    }

    private static String floatText(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format("%.1f", value) : Double.toString(value);
    }
}
