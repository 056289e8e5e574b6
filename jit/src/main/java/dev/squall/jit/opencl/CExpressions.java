package dev.squall.jit.opencl;

import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.ConvertOp;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.UnaryOp;

/** C expressions with Java's meaning for each IR operation, over already-named operands. */
final class CExpressions {

    private CExpressions() {
    }

    static String binary(BinaryOp op, ScalarType t, String a, String b) {
        boolean wide = t == ScalarType.I64;
        if (t.isInteger()) {
            String u = wide ? "ulong" : "uint";
            String s = wide ? "long" : "int";
            String mask = wide ? "63" : "31";
            return switch (op) {
                // wrap on overflow as Java does: C leaves signed overflow undefined, unsigned wraps
                case ADD -> "(" + s + ") ((" + u + ") " + a + " + (" + u + ") " + b + ")";
                case SUB -> "(" + s + ") ((" + u + ") " + a + " - (" + u + ") " + b + ")";
                case MUL -> "(" + s + ") ((" + u + ") " + a + " * (" + u + ") " + b + ")";
                case DIV -> (wide ? "squall_ldiv(" : "squall_idiv(") + a + ", " + b + ")";
                case REM -> (wide ? "squall_lrem(" : "squall_irem(") + a + ", " + b + ")";
                case AND -> a + " & " + b;
                case OR -> a + " | " + b;
                case XOR -> a + " ^ " + b;
                case SHL -> "(" + s + ") ((" + u + ") " + a + " << (" + b + " & " + mask + "))";
                case SHR -> a + " >> (" + b + " & " + mask + ")";
                case USHR -> "(" + s + ") ((" + u + ") " + a + " >> (" + b + " & " + mask + "))";
                case MIN -> "min(" + a + ", " + b + ")";
                case MAX -> "max(" + a + ", " + b + ")";
                default -> throw new IllegalArgumentException(op + " on integers");
            };
        }
        if (t == ScalarType.BOOL) {
            return switch (op) {
                case AND -> a + " && " + b;
                case OR -> a + " || " + b;
                case XOR -> a + " != " + b;
                default -> throw new IllegalArgumentException(op + " on bool");
            };
        }
        boolean f32 = t == ScalarType.F32;
        return switch (op) {
            case ADD -> a + " + " + b;
            case SUB -> a + " - " + b;
            case MUL -> a + " * " + b;
            case DIV -> a + " / " + b;
            case REM -> "fmod(" + a + ", " + b + ")";
            case MIN -> (f32 ? "squall_fminf(" : "squall_fmin(") + a + ", " + b + ")";
            case MAX -> (f32 ? "squall_fmaxf(" : "squall_fmax(") + a + ", " + b + ")";
            case POW -> "pow(" + a + ", " + b + ")";
            case ATAN2 -> "atan2(" + a + ", " + b + ")";
            case HYPOT -> "hypot(" + a + ", " + b + ")";
            case COPY_SIGN -> "copysign(" + a + ", " + b + ")";
            default -> throw new IllegalArgumentException(op + " on floats");
        };
    }

    static String unary(UnaryOp op, ScalarType t, String a) {
        boolean wide = t == ScalarType.I64;
        if (t.isInteger()) {
            return switch (op) {
                case NEG -> "(" + (wide ? "long" : "int") + ") (0" + (wide ? "ul" : "u") + " - (" + (wide ? "ulong" : "uint")
                        + ") " + a + ")";
                case ABS -> "(" + (wide ? "long" : "int") + ") abs(" + a + ")";
                case BIT_COUNT -> "(int) popcount(" + a + ")";
                case CLZ -> "(int) clz(" + a + ")";
                case CTZ -> wide ? "(int) squall_ctzl(" + a + ")" : "squall_ctz(" + a + ")";
                default -> throw new IllegalArgumentException(op + " on integers");
            };
        }
        if (t == ScalarType.BOOL) {
            return "!" + a;
        }
        boolean f32 = t == ScalarType.F32;
        return switch (op) {
            // Java's abs and negation only touch the sign bit, also of a NaN
            case NEG -> f32 ? "as_float(as_uint(" + a + ") ^ 0x80000000u)" : "as_double(as_ulong(" + a + ") ^ 0x8000000000000000ul)";
            case ABS -> f32 ? "as_float(as_uint(" + a + ") & 0x7fffffffu)" : "as_double(as_ulong(" + a + ") & 0x7ffffffffffffffful)";
            case SIGNUM -> (f32 ? "squall_signumf(" : "squall_signum(") + a + ")";
            case IS_NAN -> "isnan(" + a + ")";
            case IS_INFINITE -> "isinf(" + a + ")";
            case RSQRT -> "rsqrt(" + a + ")";
            case SQRT, CBRT, EXP, EXPM1, LOG, LOG1P, LOG10, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, FLOOR, CEIL,
                 RINT -> op.text() + "(" + a + ")";
            default -> throw new IllegalArgumentException(op + " on floats");
        };
    }

    static String compare(CompareOp op, ScalarType t, String a, String b) {
        return switch (op) {
            case EQ -> a + " == " + b;
            case NE -> a + " != " + b;
            case LT -> a + " < " + b;
            case LE -> a + " <= " + b;
            case GT -> a + " > " + b;
            case GE -> a + " >= " + b;
            case UEQ -> "!(" + a + " < " + b + " || " + a + " > " + b + ")";
            case ONE -> "(" + a + " < " + b + " || " + a + " > " + b + ")";
            case ULT -> "!(" + a + " >= " + b + ")";
            case ULE -> "!(" + a + " > " + b + ")";
            case UGT -> "!(" + a + " <= " + b + ")";
            case UGE -> "!(" + a + " < " + b + ")";
        };
    }

    static String convert(ConvertOp op, String a) {
        return switch (op) {
            case I2L -> "(long) " + a;
            case I2F, L2F -> "(float) " + a;
            case I2D, L2D -> "(double) " + a;
            case L2I -> "(int) (uint) " + a;
            case F2I, D2I -> "(isnan(" + a + ") ? 0 : convert_int_sat_rtz(" + a + "))";
            case F2L, D2L -> "(isnan(" + a + ") ? 0L : convert_long_sat_rtz(" + a + "))"; // NVIDIA maps NaN to MIN_VALUE
            case F2D -> "(double) " + a;
            case D2F -> "(float) " + a;
            case I2B -> "(int) (char) " + a;
            case I2S -> "(int) (short) " + a;
            case I2C -> "(int) (ushort) " + a;
            case TRUNC_I8 -> "(char) " + a;
            case TRUNC_I16 -> "(short) " + a;
            case SEXT_I8, SEXT_I16 -> "(int) " + a;
            case H2F -> "squall_h2f(" + a + ")";
            case F2H -> "squall_f2h(" + a + ")";
            case BF2F -> "squall_bf2f(" + a + ")";
            case F2BF -> "squall_f2bf(" + a + ")";
            case BOOL2I -> "(" + a + " ? 1 : 0)";
            case F2I_BITS -> "as_int(" + a + ")";
            case I2F_BITS -> "as_float(" + a + ")";
            case D2L_BITS -> "as_long(" + a + ")";
            case L2D_BITS -> "as_double(" + a + ")";
        };
    }

    /** Exact literals: hexadecimal floats, and bit patterns for NaN and infinities. */
    static String constant(Const c) {
        return switch (c.type()) {
            case BOOL -> c.asBool() ? "true" : "false";
            case I8, I16, I32 -> c.asInt() == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Integer.toString(c.asInt());
            case I64 -> c.asLong() == Long.MIN_VALUE ? "(-9223372036854775807L - 1)" : c.asLong() + "L";
            case F32 -> {
                float v = c.asFloat();
                yield Float.isNaN(v) || Float.isInfinite(v) ? "as_float(0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + "u)"
                        : Float.toHexString(v) + "f";
            }
            case F64 -> {
                double v = c.asDouble();
                yield Double.isNaN(v) || Double.isInfinite(v) ? "as_double(0x" + Long.toHexString(Double.doubleToRawLongBits(v))
                        + "ul)" : Double.toHexString(v);
            }
        };
    }
}
