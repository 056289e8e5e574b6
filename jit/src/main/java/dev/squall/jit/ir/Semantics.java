package dev.squall.jit.ir;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.Half;

/**
 * The meaning of every scalar operation, executed on the JVM with Java's own operators: the
 * single definition that constant folding and the IR interpreter share, so both agree with the
 * Java method bit for bit. Values are raw bits in a {@code long}: integers sign-extended, floats
 * as their IEEE bits, booleans 0 or 1.
 */
public final class Semantics {

    private Semantics() {
    }

    public static long binary(BinaryOp op, ScalarType type, long a, long b) {
        return switch (type) {
            case I32, I16, I8 -> {
                int x = (int) a;
                int y = (int) b;
                yield switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                    case REM -> x % y;
                    case AND -> x & y;
                    case OR -> x | y;
                    case XOR -> x ^ y;
                    case SHL -> x << y;
                    case SHR -> x >> y;
                    case USHR -> x >>> y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                    default -> throw unsupported(op, type);
                };
            }
            case I64 -> switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case REM -> a % b;
                case AND -> a & b;
                case OR -> a | b;
                case XOR -> a ^ b;
                case SHL -> a << (int) b;
                case SHR -> a >> (int) b;
                case USHR -> a >>> (int) b;
                case MIN -> Math.min(a, b);
                case MAX -> Math.max(a, b);
                default -> throw unsupported(op, type);
            };
            case F32 -> {
                float x = Float.intBitsToFloat((int) a);
                float y = Float.intBitsToFloat((int) b);
                float r = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                    case REM -> x % y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                    case POW -> (float) Math.pow(x, y);
                    case ATAN2 -> (float) Math.atan2(x, y);
                    case HYPOT -> (float) Math.hypot(x, y);
                    case COPY_SIGN -> Math.copySign(x, y);
                    default -> throw unsupported(op, type);
                };
                yield f32(r);
            }
            case F64 -> {
                double x = Double.longBitsToDouble(a);
                double y = Double.longBitsToDouble(b);
                double r = switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    case DIV -> x / y;
                    case REM -> x % y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                    case POW -> Math.pow(x, y);
                    case ATAN2 -> Math.atan2(x, y);
                    case HYPOT -> Math.hypot(x, y);
                    case COPY_SIGN -> Math.copySign(x, y);
                    default -> throw unsupported(op, type);
                };
                yield Double.doubleToRawLongBits(r);
            }
            case BOOL -> switch (op) {
                case AND -> a & b;
                case OR -> a | b;
                case XOR -> a ^ b;
                default -> throw unsupported(op, type);
            };
        };
    }

    public static long unary(UnaryOp op, ScalarType type, long a) {
        switch (type) {
            case I32, I16, I8 -> {
                int x = (int) a;
                return switch (op) {
                    case NEG -> -x;
                    case ABS -> Math.abs(x);
                    case BIT_COUNT -> Integer.bitCount(x);
                    case CLZ -> Integer.numberOfLeadingZeros(x);
                    case CTZ -> Integer.numberOfTrailingZeros(x);
                    default -> throw unsupported(op, type);
                };
            }
            case I64 -> {
                return switch (op) {
                    case NEG -> -a;
                    case ABS -> Math.abs(a);
                    case BIT_COUNT -> Long.bitCount(a);
                    case CLZ -> Long.numberOfLeadingZeros(a);
                    case CTZ -> Long.numberOfTrailingZeros(a);
                    default -> throw unsupported(op, type);
                };
            }
            case BOOL -> {
                if (op == UnaryOp.NOT) {
                    return a == 0 ? 1 : 0;
                }
                throw unsupported(op, type);
            }
            case F32 -> {
                float x = Float.intBitsToFloat((int) a);
                switch (op) {
                    case IS_NAN:
                        return Float.isNaN(x) ? 1 : 0;
                    case IS_INFINITE:
                        return Float.isInfinite(x) ? 1 : 0;
                    default:
                        break;
                }
                float r = switch (op) {
                    case NEG -> -x;
                    case ABS -> Math.abs(x);
                    case SIGNUM -> Math.signum(x);
                    case FLOOR -> (float) Math.floor(x);
                    case CEIL -> (float) Math.ceil(x);
                    case RINT -> (float) Math.rint(x);
                    case SQRT -> (float) Math.sqrt(x);
                    case RSQRT -> (float) (1.0 / Math.sqrt(x));
                    case CBRT -> (float) Math.cbrt(x);
                    case EXP -> (float) Math.exp(x);
                    case EXPM1 -> (float) Math.expm1(x);
                    case LOG -> (float) Math.log(x);
                    case LOG1P -> (float) Math.log1p(x);
                    case LOG10 -> (float) Math.log10(x);
                    case SIN -> (float) Math.sin(x);
                    case COS -> (float) Math.cos(x);
                    case TAN -> (float) Math.tan(x);
                    case ASIN -> (float) Math.asin(x);
                    case ACOS -> (float) Math.acos(x);
                    case ATAN -> (float) Math.atan(x);
                    case SINH -> (float) Math.sinh(x);
                    case COSH -> (float) Math.cosh(x);
                    case TANH -> (float) Math.tanh(x);
                    default -> throw unsupported(op, type);
                };
                return f32(r);
            }
            case F64 -> {
                double x = Double.longBitsToDouble(a);
                switch (op) {
                    case IS_NAN:
                        return Double.isNaN(x) ? 1 : 0;
                    case IS_INFINITE:
                        return Double.isInfinite(x) ? 1 : 0;
                    default:
                        break;
                }
                double r = switch (op) {
                    case NEG -> -x;
                    case ABS -> Math.abs(x);
                    case SIGNUM -> Math.signum(x);
                    case FLOOR -> Math.floor(x);
                    case CEIL -> Math.ceil(x);
                    case RINT -> Math.rint(x);
                    case SQRT -> Math.sqrt(x);
                    case RSQRT -> 1.0 / Math.sqrt(x);
                    case CBRT -> Math.cbrt(x);
                    case EXP -> Math.exp(x);
                    case EXPM1 -> Math.expm1(x);
                    case LOG -> Math.log(x);
                    case LOG1P -> Math.log1p(x);
                    case LOG10 -> Math.log10(x);
                    case SIN -> Math.sin(x);
                    case COS -> Math.cos(x);
                    case TAN -> Math.tan(x);
                    case ASIN -> Math.asin(x);
                    case ACOS -> Math.acos(x);
                    case ATAN -> Math.atan(x);
                    case SINH -> Math.sinh(x);
                    case COSH -> Math.cosh(x);
                    case TANH -> Math.tanh(x);
                    default -> throw unsupported(op, type);
                };
                return Double.doubleToRawLongBits(r);
            }
            default -> throw unsupported(op, type);
        }
    }

    public static long fma(ScalarType type, long a, long b, long c) {
        if (type == ScalarType.F32) {
            return f32(Math.fma(Float.intBitsToFloat((int) a), Float.intBitsToFloat((int) b), Float.intBitsToFloat((int) c)));
        }
        return Double.doubleToRawLongBits(Math.fma(Double.longBitsToDouble(a), Double.longBitsToDouble(b),
                Double.longBitsToDouble(c)));
    }

    public static boolean compare(CompareOp op, ScalarType type, long a, long b) {
        if (!type.isFloating()) {
            return switch (op) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
                default -> throw new IllegalArgumentException(op + " compares floats only");
            };
        }
        double x = type == ScalarType.F32 ? Float.intBitsToFloat((int) a) : Double.longBitsToDouble(a);
        double y = type == ScalarType.F32 ? Float.intBitsToFloat((int) b) : Double.longBitsToDouble(b);
        boolean unordered = Double.isNaN(x) || Double.isNaN(y);
        return switch (op) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
            case UEQ -> unordered || x == y;
            case ONE -> !unordered && x != y;
            case ULT -> unordered || x < y;
            case ULE -> unordered || x <= y;
            case UGT -> unordered || x > y;
            case UGE -> unordered || x >= y;
        };
    }

    public static long convert(ConvertOp op, long a) {
        return switch (op) {
            case I2L -> (int) a;
            case I2F -> f32((float) (int) a);
            case I2D -> Double.doubleToRawLongBits((double) (int) a);
            case L2I -> (int) a;
            case L2F -> f32((float) a);
            case L2D -> Double.doubleToRawLongBits((double) a);
            case F2I -> (int) Float.intBitsToFloat((int) a);
            case F2L -> (long) Float.intBitsToFloat((int) a);
            case F2D -> Double.doubleToRawLongBits(Float.intBitsToFloat((int) a));
            case D2I -> (int) Double.longBitsToDouble(a);
            case D2L -> (long) Double.longBitsToDouble(a);
            case D2F -> f32((float) Double.longBitsToDouble(a));
            case I2B, TRUNC_I8, SEXT_I8 -> (byte) a;
            case I2S, TRUNC_I16, SEXT_I16 -> (short) a;
            case I2C -> (char) a;
            case H2F -> f32(Half.toFloat((short) a));
            case F2H -> Half.fromFloat(Float.intBitsToFloat((int) a));
            case BF2F -> f32(BFloat16Array.toFloat((short) a));
            case F2BF -> BFloat16Array.fromFloat(Float.intBitsToFloat((int) a));
            case BOOL2I -> a != 0 ? 1 : 0;
            case F2I_BITS -> (int) a;
            case I2F_BITS -> a & 0xffffffffL;
            case D2L_BITS, L2D_BITS -> a;
        };
    }

    /** Float bits as stored in a long: zero-extended, as {@link Const} keeps them. */
    public static long f32(float value) {
        return Float.floatToRawIntBits(value) & 0xffffffffL;
    }

    private static IllegalArgumentException unsupported(Object op, ScalarType type) {
        return new IllegalArgumentException(op + " is not defined on " + type.text());
    }
}
