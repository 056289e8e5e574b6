package dev.squall.jit.frontend;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelMath;
import dev.squall.api.MmaAccumulator;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.Half;
import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.AtomicOp;
import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.ConvertOp;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.UnaryOp;
import dev.squall.jit.ir.Var;
import dev.squall.jit.ir.WorkItemQuery;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Calls and field reads the compiler understands: Squall arrays, the {@code KernelContext}, and
 * the {@code Math}, {@code Float}, {@code Double}, {@code Integer}, {@code Long}, {@code Half} and
 * {@code KernelMath} functions kernels use. Other static methods and record methods are inlined;
 * anything else is refused with the construct named.
 */
final class Intrinsics {

    private static final Set<String> MATH_UNARY_F64 = Set.of("sqrt", "cbrt", "exp", "expm1", "log", "log1p", "log10",
            "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "floor", "ceil", "rint");

    private Intrinsics() {
    }

    // ---- fields --------------------------------------------------------------------------------

    static Operand contextField(MethodTranslator t, String name) {
        int dim = switch (name.charAt(name.length() - 1)) {
            case 'x', 'X' -> 0;
            case 'y', 'Y' -> 1;
            case 'z', 'Z' -> 2;
            default -> -1;
        };
        WorkItemQuery query = name.startsWith("globalId") ? WorkItemQuery.GLOBAL_ID
                : name.startsWith("localId") ? WorkItemQuery.LOCAL_ID
                : name.startsWith("groupId") ? WorkItemQuery.GROUP_ID
                : name.startsWith("globalGroupSize") ? WorkItemQuery.GLOBAL_SIZE
                : name.startsWith("localGroupSize") ? WorkItemQuery.LOCAL_SIZE : null;
        if (query == null || dim < 0) {
            throw t.error("reads KernelContext." + name + ", which is not a work-item field");
        }
        return workItem(t, query, dim);
    }

    private static Operand workItem(MethodTranslator t, WorkItemQuery query, int dim) {
        return t.emit(new Inst.WorkItem(t.newVar(ScalarType.I32, query.text() + "xyz".charAt(dim)), query, dim, t.pos()));
    }

    /** A {@code static final} primitive read at compile time (javac folds literal constants already). */
    static AValue staticConstant(MethodTranslator t, FieldInstruction fi) {
        Class<?> owner = t.resolveClass(fi.owner().asSymbol());
        String name = fi.name().stringValue();
        try {
            Field field = findField(owner, name);
            if (!Modifier.isStatic(field.getModifiers()) || !Modifier.isFinal(field.getModifiers())
                    || !field.getType().isPrimitive()) {
                throw t.error("reads static field " + owner.getSimpleName() + "." + name
                        + "; kernels read only static final primitive constants (pass other values as parameters)");
            }
            field.setAccessible(true);
            Object value = field.get(null);
            return MethodTranslator.scalar(switch (value) {
                case Integer i -> Const.i32(i);
                case Short s -> Const.i32(s);
                case Byte b -> Const.i32(b);
                case Character c -> Const.i32(c);
                case Boolean b -> Const.i32(b ? 1 : 0);
                case Long l -> Const.i64(l);
                case Float f -> Const.f32(f);
                case Double d -> Const.f64(d);
                default -> throw t.error("reads static field " + name + " of unsupported type");
            });
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof dev.squall.api.KernelCompilationException k) {
                throw k;
            }
            throw t.error("reads static field " + owner.getSimpleName() + "." + name + ", which cannot be read: " + e);
        }
    }

    private static Field findField(Class<?> owner, String name) throws NoSuchFieldException {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException ignored) {
                // keep looking in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    // ---- array elements ------------------------------------------------------------------------

    /** Java's {@code xaload}: bytes and shorts sign-extend, chars zero-extend. */
    static Operand loadElement(MethodTranslator t, AValue.ArrayRef ref, Operand index) {
        Operand raw = load(t, ref.data(), ref.kind().storage(), index);
        return widen(t, ref.kind(), raw);
    }

    private static Operand widen(MethodTranslator t, ArrayKind kind, Operand raw) {
        return switch (kind.storage()) {
            case I8 -> t.convert(ConvertOp.SEXT_I8, raw);
            case I16 -> {
                Operand wide = t.convert(ConvertOp.SEXT_I16, raw);
                yield kind == ArrayKind.JAVA_CHAR ? t.binary(BinaryOp.AND, wide, Const.i32(0xffff)) : wide;
            }
            default -> raw;
        };
    }

    static void storeElement(MethodTranslator t, AValue.ArrayRef ref, Operand index, Operand value) {
        Operand stored = switch (ref.kind().storage()) {
            case I8 -> t.convert(ConvertOp.TRUNC_I8, value);
            case I16 -> t.convert(ConvertOp.TRUNC_I16, value);
            default -> value;
        };
        if (ref.kind() == ArrayKind.JAVA_BOOLEAN) {
            stored = t.convert(ConvertOp.TRUNC_I8, t.binary(BinaryOp.AND, value, Const.i32(1)));
        }
        t.emit(new Inst.Store(ref.data(), index, stored, t.pos()));
    }

    private static Operand load(MethodTranslator t, Operand pointer, ScalarType type, Operand index) {
        return t.emit(new Inst.Load(t.newVar(type), pointer, index, t.pos()));
    }

    // ---- calls ---------------------------------------------------------------------------------

    static void invoke(MethodTranslator t, InvokeInstruction inv) {
        MethodTypeDesc type = inv.typeSymbol();
        String name = inv.name().stringValue();
        Class<?> owner = t.resolveClassOrPrimitive(inv.owner().asSymbol());
        int argc = type.parameterCount();
        AValue[] args = new AValue[argc];
        for (int i = argc - 1; i >= 0; i--) {
            args[i] = t.pop();
        }
        Opcode op = inv.opcode();
        if (op == Opcode.INVOKESTATIC) {
            AValue result = invokeStatic(t, owner, name, type, args);
            if (result != null) {
                t.push(result);
            }
            return;
        }
        AValue receiver = t.pop();
        if (op == Opcode.INVOKESPECIAL && name.equals("<init>")) {
            construct(t, owner, type, receiver, args);
            return;
        }
        if (op == Opcode.INVOKEINTERFACE && !(receiver instanceof AValue.Obj)) {
            throw t.error("calls interface method " + owner.getSimpleName() + "." + name + " on "
                    + SsaBuilder.describe(receiver) + "; kernels make only static calls and calls on records");
        }
        AValue result = switch (receiver) {
            case AValue.ArrayRef array when !array.kind().isJavaArray() -> arrayMethod(t, array, name, args);
            case AValue.Context c -> contextMethod(t, name, args);
            case AValue.Obj obj -> {
                // the record's exact class is known, so the call is resolved statically (devirtualised)
                Executable target = findMethod(t, obj.info().type(), name, type);
                AValue[] withReceiver = new AValue[argc + 1];
                withReceiver[0] = obj;
                System.arraycopy(args, 0, withReceiver, 1, argc);
                yield t.inline(target, withReceiver);
            }
            default -> throw t.error("calls " + owner.getSimpleName() + "." + name + " on " + SsaBuilder.describe(receiver)
                    + "; kernels make only static calls and calls on records, Squall arrays and the KernelContext");
        };
        if (result != null) {
            t.push(result);
        }
    }

    private static void construct(MethodTranslator t, Class<?> owner, MethodTypeDesc type, AValue receiver, AValue[] args) {
        if (owner == Object.class || owner == Record.class) {
            return; // the implicit super() of a record constructor
        }
        if (!(receiver instanceof AValue.Obj obj) || !owner.isRecord()) {
            throw t.error("constructs a " + owner.getSimpleName() + "; kernels can create records only");
        }
        Executable ctor = findMethod(t, owner, "<init>", type);
        AValue[] withReceiver = new AValue[args.length + 1];
        withReceiver[0] = obj;
        System.arraycopy(args, 0, withReceiver, 1, args.length);
        AValue built = t.inline(ctor, withReceiver);
        if (!(built instanceof AValue.Obj done)) {
            throw t.error("constructor of " + owner.getSimpleName() + " did not produce a record value");
        }
        t.replaceObject(obj, new AValue.Obj(-1, done.info(), done.fields()));
    }

    private static Executable findMethod(MethodTranslator t, Class<?> owner, String name, MethodTypeDesc type) {
        Class<?>[] params = new Class<?>[type.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = t.resolveClassOrPrimitive(type.parameterType(i));
        }
        try {
            if (name.equals("<init>")) {
                return owner.getDeclaredConstructor(params);
            }
            for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
                try {
                    return c.getDeclaredMethod(name, params);
                } catch (NoSuchMethodException ignored) {
                    // inherited: look in the superclass
                }
            }
            throw new NoSuchMethodException(name);
        } catch (NoSuchMethodException e) {
            throw t.error("calls " + owner.getSimpleName() + "." + name + type.displayDescriptor()
                    + ", which cannot be found");
        }
    }

    private static AValue invokeStatic(MethodTranslator t, Class<?> owner, String name, MethodTypeDesc type,
                                       AValue[] args) {
        Operand[] a = new Operand[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i] instanceof AValue.Scalar s ? s.operand() : null;
        }
        Operand r = null;
        if (owner == Math.class || owner == StrictMath.class) {
            r = math(t, name, a);
        } else if (owner == Float.class || owner == Double.class) {
            r = floatBits(t, name, a);
        } else if (owner == Integer.class || owner == Long.class) {
            r = integerBits(t, name, a);
        } else if (owner == Half.class) {
            r = switch (name) {
                case "toFloat" -> t.convert(ConvertOp.H2F, t.convert(ConvertOp.TRUNC_I16, a[0]));
                case "fromFloat" -> t.convert(ConvertOp.SEXT_I16, t.convert(ConvertOp.F2H, a[0]));
                default -> null;
            };
        } else if (owner == BFloat16Array.class) {
            r = switch (name) {
                case "toFloat" -> t.convert(ConvertOp.BF2F, t.convert(ConvertOp.TRUNC_I16, a[0]));
                case "fromFloat" -> t.convert(ConvertOp.SEXT_I16, t.convert(ConvertOp.F2BF, a[0]));
                default -> null;
            };
        } else if (owner == KernelMath.class) {
            r = kernelMath(t, name, a);
        }
        if (r != null) {
            return MethodTranslator.scalar(r);
        }
        String pkg = owner.getPackageName();
        if (pkg.startsWith("java.") || pkg.startsWith("javax.") || pkg.startsWith("jdk.") || pkg.startsWith("sun.")) {
            throw t.error("calls " + owner.getName() + "." + name + type.displayDescriptor()
                    + ", which kernels cannot (only Math, Float, Double, Integer and Long functions are available)");
        }
        return t.inline(findMethod(t, owner, name, type), args);
    }

    /** The named {@code SoftMath} function inlined, when the target needs math in software; else null. */
    static Operand soft(MethodTranslator t, String name, Operand... args) {
        if (!t.context().softMath) {
            return null;
        }
        Class<?>[] types = new Class<?>[args.length];
        AValue[] values = new AValue[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i].type() == ScalarType.F32 ? float.class : double.class;
            values[i] = MethodTranslator.scalar(args[i]);
        }
        try {
            Executable method = dev.squall.jit.math.SoftMath.class.getDeclaredMethod(name, types);
            return t.operand(t.inline(method, values));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("SoftMath has no " + name + " for " + java.util.Arrays.toString(types), e);
        }
    }

    private static final Set<String> NATIVE_EVERYWHERE = Set.of("sqrt", "floor", "ceil", "rint");

    private static Operand math(MethodTranslator t, String name, Operand[] a) {
        if (a.length == 1 && a[0] != null) {
            ScalarType type = (ScalarType) a[0].type();
            if (type == ScalarType.F64 && MATH_UNARY_F64.contains(name) && !NATIVE_EVERYWHERE.contains(name)) {
                Operand s = soft(t, name, a[0]);
                if (s != null) {
                    return s;
                }
            }
            if (name.equals("abs")) {
                return t.unary(UnaryOp.ABS, a[0]);
            }
            if (name.equals("signum") && type.isFloating()) {
                return t.unary(UnaryOp.SIGNUM, a[0]);
            }
            if (type == ScalarType.F64 && MATH_UNARY_F64.contains(name)) {
                return t.unary(UnaryOp.valueOf(name.toUpperCase(java.util.Locale.ROOT)), a[0]);
            }
            if (type == ScalarType.F64 && name.equals("toRadians")) {
                return t.binary(BinaryOp.MUL, a[0], Const.f64(0.017453292519943295));
            }
            if (type == ScalarType.F64 && name.equals("toDegrees")) {
                return t.binary(BinaryOp.MUL, a[0], Const.f64(57.29577951308232));
            }
        }
        if (a.length == 2 && a[0] != null && a[1] != null) {
            switch (name) {
                case "min":
                    return t.binary(BinaryOp.MIN, a[0], a[1]);
                case "max":
                    return t.binary(BinaryOp.MAX, a[0], a[1]);
                case "pow":
                case "atan2":
                case "hypot": {
                    Operand s = soft(t, name, a[0], a[1]);
                    return s != null ? s : t.binary(name.equals("pow") ? BinaryOp.POW
                            : name.equals("atan2") ? BinaryOp.ATAN2 : BinaryOp.HYPOT, a[0], a[1]);
                }
                case "copySign":
                    return t.binary(BinaryOp.COPY_SIGN, a[0], a[1]);
                case "floorMod":
                    return floorMod(t, a[0], a[1]);
                case "floorDiv":
                    return floorDiv(t, a[0], a[1]);
                default:
                    break;
            }
        }
        if (a.length == 3 && name.equals("fma")) {
            return t.emit(new Inst.Fma(t.newVar(a[0].type()), a[0], a[1], a[2], t.pos()));
        }
        return null;
    }

    /** Math.floorMod: the remainder with the divisor's sign. */
    private static Operand floorMod(MethodTranslator t, Operand x, Operand y) {
        if (!x.type().equals(y.type())) {
            return null;
        }
        Operand zero = x.type() == ScalarType.I64 ? Const.i64(0) : Const.i32(0);
        Operand r = t.binary(BinaryOp.REM, x, y);
        Operand signsDiffer = t.compare(CompareOp.LT, t.binary(BinaryOp.XOR, r, y), zero);
        Operand nonZero = t.compare(CompareOp.NE, r, zero);
        Operand adjust = t.binary(BinaryOp.AND, t.convert(ConvertOp.BOOL2I, signsDiffer), t.convert(ConvertOp.BOOL2I, nonZero));
        return t.select(t.compare(CompareOp.NE, adjust, Const.i32(0)), t.binary(BinaryOp.ADD, r, y), r);
    }

    /** Math.floorDiv: the quotient rounded toward negative infinity. */
    private static Operand floorDiv(MethodTranslator t, Operand x, Operand y) {
        if (!x.type().equals(y.type())) {
            return null;
        }
        boolean wide = x.type() == ScalarType.I64;
        Operand zero = wide ? Const.i64(0) : Const.i32(0);
        Operand q = t.binary(BinaryOp.DIV, x, y);
        Operand signsDiffer = t.compare(CompareOp.LT, t.binary(BinaryOp.XOR, x, y), zero);
        Operand inexact = t.compare(CompareOp.NE, t.binary(BinaryOp.MUL, q, y), x);
        Operand adjust = t.binary(BinaryOp.AND, t.convert(ConvertOp.BOOL2I, signsDiffer), t.convert(ConvertOp.BOOL2I, inexact));
        return t.select(t.compare(CompareOp.NE, adjust, Const.i32(0)), t.binary(BinaryOp.SUB, q, wide ? Const.i64(1)
                : Const.i32(1)), q);
    }

    private static Operand floatBits(MethodTranslator t, String name, Operand[] a) {
        return switch (name) {
            case "floatToRawIntBits" -> t.convert(ConvertOp.F2I_BITS, a[0]);
            case "intBitsToFloat" -> t.convert(ConvertOp.I2F_BITS, a[0]);
            case "doubleToRawLongBits" -> t.convert(ConvertOp.D2L_BITS, a[0]);
            case "longBitsToDouble" -> t.convert(ConvertOp.L2D_BITS, a[0]);
            case "floatToIntBits" -> t.select(t.unary(UnaryOp.IS_NAN, a[0]), Const.i32(0x7fc00000),
                    t.convert(ConvertOp.F2I_BITS, a[0]));
            case "doubleToLongBits" -> t.select(t.unary(UnaryOp.IS_NAN, a[0]), Const.i64(0x7ff8000000000000L),
                    t.convert(ConvertOp.D2L_BITS, a[0]));
            case "isNaN" -> t.convert(ConvertOp.BOOL2I, t.unary(UnaryOp.IS_NAN, a[0]));
            case "isInfinite" -> t.convert(ConvertOp.BOOL2I, t.unary(UnaryOp.IS_INFINITE, a[0]));
            case "isFinite" -> t.convert(ConvertOp.BOOL2I, t.compare(CompareOp.LE, t.unary(UnaryOp.ABS, a[0]),
                    a[0].type() == ScalarType.F32 ? Const.f32(Float.MAX_VALUE) : Const.f64(Double.MAX_VALUE)));
            case "float16ToFloat" -> t.convert(ConvertOp.H2F, t.convert(ConvertOp.TRUNC_I16, a[0]));
            case "floatToFloat16" -> t.convert(ConvertOp.SEXT_I16, t.convert(ConvertOp.F2H, a[0]));
            case "min" -> t.binary(BinaryOp.MIN, a[0], a[1]);
            case "max" -> t.binary(BinaryOp.MAX, a[0], a[1]);
            case "sum" -> t.binary(BinaryOp.ADD, a[0], a[1]);
            default -> null;
        };
    }

    private static Operand integerBits(MethodTranslator t, String name, Operand[] a) {
        return switch (name) {
            case "bitCount" -> t.unary(UnaryOp.BIT_COUNT, a[0]);
            case "numberOfLeadingZeros" -> t.unary(UnaryOp.CLZ, a[0]);
            case "numberOfTrailingZeros" -> t.unary(UnaryOp.CTZ, a[0]);
            case "min" -> t.binary(BinaryOp.MIN, a[0], a[1]);
            case "max" -> t.binary(BinaryOp.MAX, a[0], a[1]);
            case "sum" -> t.binary(BinaryOp.ADD, a[0], a[1]);
            default -> null;
        };
    }

    private static Operand kernelMath(MethodTranslator t, String name, Operand[] a) {
        if (t.context().softMath && Set.of("exp", "log", "tanh", "sin", "cos", "pow").contains(name)) {
            return soft(t, name + "f", a);
        }
        return switch (name) {
            case "exp" -> t.unary(UnaryOp.EXP, a[0]);
            case "log" -> t.unary(UnaryOp.LOG, a[0]);
            case "sqrt" -> t.unary(UnaryOp.SQRT, a[0]);
            case "rsqrt" -> t.unary(UnaryOp.RSQRT, a[0]);
            case "tanh" -> t.unary(UnaryOp.TANH, a[0]);
            case "sin" -> t.unary(UnaryOp.SIN, a[0]);
            case "cos" -> t.unary(UnaryOp.COS, a[0]);
            case "pow" -> t.binary(BinaryOp.POW, a[0], a[1]);
            default -> null; // sigmoid, silu: plain Java over the above, inlined
        };
    }

    // ---- Squall arrays -------------------------------------------------------------------------

    private static AValue arrayMethod(MethodTranslator t, AValue.ArrayRef array, String name, AValue[] args) {
        ArrayKind kind = array.kind();
        Operand index = args.length > 0 && args[0] instanceof AValue.Scalar s ? s.operand() : null;
        Operand value = args.length > 1 && args[1] instanceof AValue.Scalar s ? s.operand() : null;
        Operand r = switch (name) {
            case "getSize" -> array.length();
            case "get" -> loadElement(t, array, index);
            case "set" -> {
                storeElement(t, array, index, value);
                yield null;
            }
            case "getFloat" -> switch (kind) {
                case HALF_ARRAY -> t.convert(ConvertOp.H2F, load(t, array.data(), ScalarType.I16, index));
                case BFLOAT16_ARRAY -> t.convert(ConvertOp.BF2F, load(t, array.data(), ScalarType.I16, index));
                case Q8_0_ARRAY -> q8Element(t, array, index);
                case Q4_0_ARRAY -> q4Element(t, array, index);
                default -> throw unsupported(t, kind, name);
            };
            case "setFloat" -> {
                ConvertOp narrow = kind == ArrayKind.HALF_ARRAY ? ConvertOp.F2H
                        : kind == ArrayKind.BFLOAT16_ARRAY ? ConvertOp.F2BF : null;
                if (narrow == null) {
                    throw unsupported(t, kind, name);
                }
                t.emit(new Inst.Store(array.data(), index, t.convert(narrow, value), t.pos()));
                yield null;
            }
            case "getBits" -> t.convert(ConvertOp.SEXT_I16, load(t, array.data(), ScalarType.I16, index));
            case "setBits" -> {
                t.emit(new Inst.Store(array.data(), index, t.convert(ConvertOp.TRUNC_I16, value), t.pos()));
                yield null;
            }
            case "getQuant" -> kind == ArrayKind.Q8_0_ARRAY ? t.convert(ConvertOp.SEXT_I8,
                    load(t, array.data(), ScalarType.I8, q8QuantOffset(t, index))) : throwUnsupported(t, kind, name);
            case "getNibble" -> kind == ArrayKind.Q4_0_ARRAY ? q4Nibble(t, array, index)
                    : throwUnsupported(t, kind, name);
            case "getScale" -> kind == ArrayKind.Q8_0_ARRAY || kind == ArrayKind.Q4_0_ARRAY
                    ? blockScale(t, array, index, kind == ArrayKind.Q8_0_ARRAY ? 34 : 18)
                    : throwUnsupported(t, kind, name);
            case "blockCount" -> t.binary(BinaryOp.USHR, array.length(), Const.i32(5));
            case "atomicGetAndAdd" -> atomic(t, AtomicOp.ADD, array.data(), index, value);
            case "atomicGetAndMax" -> atomic(t, AtomicOp.MAX, array.data(), index, value);
            case "atomicGetAndMin" -> atomic(t, AtomicOp.MIN, array.data(), index, value);
            default -> throw unsupported(t, kind, name);
        };
        return r == null ? null : MethodTranslator.scalar(r);
    }

    private static Operand throwUnsupported(MethodTranslator t, ArrayKind kind, String name) {
        throw unsupported(t, kind, name);
    }

    private static dev.squall.api.KernelCompilationException unsupported(MethodTranslator t, ArrayKind kind, String name) {
        return t.error("calls " + kind.javaClass().getSimpleName() + "." + name
                + ", which is not available inside kernels");
    }

    /** Byte offset of block {@code index / 32}: computed in 64 bits, since tensors can exceed 2 GB. */
    private static Operand blockBase(MethodTranslator t, Operand index, int blockBytes) {
        Operand block = t.convert(ConvertOp.I2L, t.binary(BinaryOp.USHR, index, Const.i32(5)));
        return t.binary(BinaryOp.MUL, block, Const.i64(blockBytes));
    }

    private static Operand blockScale(MethodTranslator t, AValue.ArrayRef array, Operand block, int blockBytes) {
        Operand base = t.binary(BinaryOp.MUL, t.convert(ConvertOp.I2L, block), Const.i64(blockBytes));
        return scaleAt(t, array, base);
    }

    private static Operand scaleAt(MethodTranslator t, AValue.ArrayRef array, Operand byteBase) {
        PointerType halfPointer = new PointerType(((PointerType) array.data().type()).space(), ScalarType.I16);
        Operand scalePtr = t.emit(new Inst.PtrOffset(t.newVar(halfPointer), array.data(), byteBase, t.pos()));
        return t.convert(ConvertOp.H2F, load(t, scalePtr, ScalarType.I16, Const.i32(0)));
    }

    private static Operand q8QuantOffset(MethodTranslator t, Operand index) {
        Operand base = blockBase(t, index, 34);
        Operand within = t.convert(ConvertOp.I2L, t.binary(BinaryOp.AND, index, Const.i32(31)));
        return t.binary(BinaryOp.ADD, t.binary(BinaryOp.ADD, base, Const.i64(2)), within);
    }

    /** d · q, as {@code Q8_0Array.getFloat}: the float scale times the quant widened to float. */
    private static Operand q8Element(MethodTranslator t, AValue.ArrayRef array, Operand index) {
        Operand scale = scaleAt(t, array, blockBase(t, index, 34));
        Operand quant = t.convert(ConvertOp.SEXT_I8, load(t, array.data(), ScalarType.I8, q8QuantOffset(t, index)));
        return t.binary(BinaryOp.MUL, scale, t.convert(ConvertOp.I2F, quant));
    }

    private static Operand q4Nibble(MethodTranslator t, AValue.ArrayRef array, Operand index) {
        Operand j = t.binary(BinaryOp.AND, index, Const.i32(31));
        Operand byteIndex = t.binary(BinaryOp.ADD, t.binary(BinaryOp.ADD, blockBase(t, index, 18), Const.i64(2)),
                t.convert(ConvertOp.I2L, t.binary(BinaryOp.AND, j, Const.i32(15))));
        Operand packed = t.binary(BinaryOp.AND, t.convert(ConvertOp.SEXT_I8,
                load(t, array.data(), ScalarType.I8, byteIndex)), Const.i32(0xff));
        Operand shift = t.binary(BinaryOp.SHL, t.binary(BinaryOp.USHR, j, Const.i32(4)), Const.i32(2));
        return t.binary(BinaryOp.AND, t.binary(BinaryOp.USHR, packed, shift), Const.i32(0xf));
    }

    /** d · (nibble − 8), as {@code Q4_0Array.getFloat}. */
    private static Operand q4Element(MethodTranslator t, AValue.ArrayRef array, Operand index) {
        Operand scale = scaleAt(t, array, blockBase(t, index, 18));
        Operand centred = t.binary(BinaryOp.SUB, q4Nibble(t, array, index), Const.i32(8));
        return t.binary(BinaryOp.MUL, scale, t.convert(ConvertOp.I2F, centred));
    }

    private static Operand atomic(MethodTranslator t, AtomicOp op, Operand pointer, Operand index, Operand value) {
        ScalarType type = ((PointerType) pointer.type()).element();
        return t.emit(new Inst.Atomic(t.newVar(type), op, pointer, index, value, t.pos()));
    }

    // ---- KernelContext -------------------------------------------------------------------------

    private static AValue contextMethod(MethodTranslator t, String name, AValue[] args) {
        switch (name) {
            case "localBarrier", "globalBarrier" -> {
                t.emit(new Inst.Barrier(name.equals("globalBarrier"), t.pos()));
                return null;
            }
            case "localLinearId" -> {
                Operand x = workItem(t, WorkItemQuery.LOCAL_ID, 0);
                Operand y = workItem(t, WorkItemQuery.LOCAL_ID, 1);
                Operand z = workItem(t, WorkItemQuery.LOCAL_ID, 2);
                Operand sx = workItem(t, WorkItemQuery.LOCAL_SIZE, 0);
                Operand sy = workItem(t, WorkItemQuery.LOCAL_SIZE, 1);
                Operand yz = t.binary(BinaryOp.ADD, y, t.binary(BinaryOp.MUL, sy, z));
                return MethodTranslator.scalar(t.binary(BinaryOp.ADD, x, t.binary(BinaryOp.MUL, sx, yz)));
            }
            case "atomicAdd", "atomicMax", "atomicMin" -> {
                AtomicOp op = name.equals("atomicAdd") ? AtomicOp.ADD : name.equals("atomicMax") ? AtomicOp.MAX : AtomicOp.MIN;
                if (!(args[0] instanceof AValue.ArrayRef array)) {
                    throw t.error("calls KernelContext." + name + " on " + SsaBuilder.describe(args[0]));
                }
                return MethodTranslator.scalar(atomic(t, op, array.data(), t.operand(args[1]), t.operand(args[2])));
            }
            case "mma16x8x16", "mma16x8x8Tf32" -> {
                return mma(t, name, args);
            }
            case "warpShuffleXor" -> {
                return MethodTranslator.scalar(warpShuffle(t, t.operand(args[0]), t.operand(args[1])));
            }
            case "warpReduceSum", "warpReduceMax" -> {
                // KernelContext's own loop, unrolled: the same butterfly, so every backend rounds alike
                BinaryOp op = name.equals("warpReduceSum") ? BinaryOp.ADD : BinaryOp.MAX;
                Operand value = t.operand(args[0]);
                for (int mask = KernelContext.WARP_SIZE / 2; mask > 0; mask >>= 1) {
                    value = t.binary(op, value, warpShuffle(t, value, Const.i32(mask)));
                }
                return MethodTranslator.scalar(value);
            }
            case "copyAsync" -> {
                if (!(args[0] instanceof AValue.ArrayRef local) || !(args[2] instanceof AValue.ArrayRef global)) {
                    throw t.error("calls KernelContext.copyAsync with " + SsaBuilder.describe(args[0]) + " and "
                            + SsaBuilder.describe(args[2]));
                }
                if (((PointerType) local.data().type()).space() == AddressSpace.GLOBAL) {
                    throw t.error("calls KernelContext.copyAsync into " + SsaBuilder.describe(args[0]) + ", which is not"
                            + " a local array: the target must come from KernelContext.allocate…LocalArray");
                }
                t.emit(new Inst.CopyAsync(local.data(), t.operand(args[1]), global.data(), t.operand(args[3]), t.pos()));
                return null;
            }
            case "commitCopies" -> {
                t.emit(new Inst.CopyCommit(t.pos()));
                return null;
            }
            case "waitCopies" -> {
                // a constant once the kernel is optimised (KernelCompiler checks), not necessarily here: a
                // helper's parameter reaches a loop body through a phi that only optimisation removes
                Operand pending = t.operand(args[0]);
                if (pending instanceof Const c && c.asInt() < 0) {
                    throw t.error("calls KernelContext.waitCopies(" + c.asInt() + "); the groups left in flight must"
                            + " not be negative");
                }
                t.emit(new Inst.CopyWait(pending, t.pos()));
                return null;
            }
            default -> {
                if (name.startsWith("allocate") && name.endsWith("LocalArray")) {
                    return localArray(t, name, args[0]);
                }
                throw t.error("calls KernelContext." + name + ", which is not available inside kernels");
            }
        }
    }

    /**
     * {@code KernelContext.mma16x8x16(a0, a1, a2, a3, b0, b1, c)} or {@code mma16x8x8Tf32(…)}: one
     * {@link Inst.Mma}, its results as a new accumulator.
     */
    private static AValue mma(MethodTranslator t, String name, AValue[] args) {
        List<Operand> a = new ArrayList<>();
        List<Operand> b = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            (i < 4 ? a : b).add(t.operand(args[i]));
        }
        if (!(args[6] instanceof AValue.Obj accumulator) || accumulator.info().type() != MmaAccumulator.class) {
            throw t.error("calls KernelContext." + name + " with " + SsaBuilder.describe(args[6]) + " as the accumulator");
        }
        List<Operand> c = new ArrayList<>();
        for (AValue field : accumulator.fields()) {
            c.add(t.operand(field));
        }
        List<Var> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(t.newVar(ScalarType.F32));
        }
        t.emit(new Inst.Mma(results, a, b, c, name.endsWith("Tf32"), t.pos()));
        List<AValue> fields = new ArrayList<>();
        for (Var r : results) {
            fields.add(MethodTranslator.scalar(r));
        }
        return new AValue.Obj(-1, RecordInfo.of(MmaAccumulator.class), fields);
    }

    /** {@code KernelContext.warpShuffleXor(value, laneMask)}: one {@link Inst.WarpShuffle}. */
    private static Var warpShuffle(MethodTranslator t, Operand value, Operand laneMask) {
        if (laneMask instanceof Const c && (c.asInt() < 0 || c.asInt() >= KernelContext.WARP_SIZE)) {
            throw t.error("calls KernelContext.warpShuffleXor with lane mask " + c.asInt() + "; lanes are 0 … "
                    + (KernelContext.WARP_SIZE - 1));
        }
        Var result = t.newVar(value.type());
        t.emit(new Inst.WarpShuffle(result, value, laneMask, t.pos()));
        return result;
    }

    private static AValue localArray(MethodTranslator t, String name, AValue length) {
        if (!(length instanceof AValue.Scalar s) || !(s.operand() instanceof Const c)) {
            throw t.error("calls KernelContext." + name + " with a length that is not a compile-time constant;"
                    + " local memory is sized when the kernel is compiled");
        }
        if (c.asInt() <= 0) {
            throw t.error("calls KernelContext." + name + " with length " + c.asInt());
        }
        ScalarType element = switch (name) {
            case "allocateFloatLocalArray" -> ScalarType.F32;
            case "allocateIntLocalArray" -> ScalarType.I32;
            case "allocateLongLocalArray" -> ScalarType.I64;
            case "allocateDoubleLocalArray" -> ScalarType.F64;
            case "allocateShortLocalArray" -> ScalarType.I16;
            case "allocateByteLocalArray" -> ScalarType.I8;
            default -> throw t.error("calls KernelContext." + name + ", which is not available inside kernels");
        };
        TranslationContext cx = t.context();
        Inst.LocalAlloc alloc = new Inst.LocalAlloc(t.newVar(PointerType.local(element), "local"), element, c.asInt(),
                t.pos());
        cx.localAllocs.add(alloc);
        cx.localAllocSites.put(alloc, t.current().id());
        return new AValue.ArrayRef(alloc.result(), c, ArrayKind.javaArrayOf(element));
    }

    static List<String> supportedMathFunctions() {
        return List.copyOf(MATH_UNARY_F64);
    }
}
