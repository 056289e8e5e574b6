package dev.squall.jit.frontend;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.DoubleArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.api.types.ShortArray;
import dev.squall.jit.ir.ScalarType;

/**
 * The array types a kernel can touch, with how their elements are stored. Quantised arrays are
 * bytes underneath; their element accessors are expanded by {@link Intrinsics}.
 */
public enum ArrayKind {
    FLOAT_ARRAY(FloatArray.class, ScalarType.F32, false),
    DOUBLE_ARRAY(DoubleArray.class, ScalarType.F64, false),
    INT_ARRAY(IntArray.class, ScalarType.I32, false),
    LONG_ARRAY(LongArray.class, ScalarType.I64, false),
    SHORT_ARRAY(ShortArray.class, ScalarType.I16, false),
    BYTE_ARRAY(ByteArray.class, ScalarType.I8, false),
    HALF_ARRAY(HalfFloatArray.class, ScalarType.I16, false),
    BFLOAT16_ARRAY(BFloat16Array.class, ScalarType.I16, false),
    Q8_0_ARRAY(Q8_0Array.class, ScalarType.I8, false),
    Q4_0_ARRAY(Q4_0Array.class, ScalarType.I8, false),
    JAVA_FLOAT(float[].class, ScalarType.F32, true),
    JAVA_DOUBLE(double[].class, ScalarType.F64, true),
    JAVA_INT(int[].class, ScalarType.I32, true),
    JAVA_LONG(long[].class, ScalarType.I64, true),
    JAVA_SHORT(short[].class, ScalarType.I16, true),
    JAVA_CHAR(char[].class, ScalarType.I16, true),
    JAVA_BYTE(byte[].class, ScalarType.I8, true),
    JAVA_BOOLEAN(boolean[].class, ScalarType.I8, true);

    private final Class<?> javaClass;
    private final ScalarType storage;
    private final boolean javaArray;

    ArrayKind(Class<?> javaClass, ScalarType storage, boolean javaArray) {
        this.javaClass = javaClass;
        this.storage = storage;
        this.javaArray = javaArray;
    }

    public Class<?> javaClass() {
        return javaClass;
    }

    /** The element type in memory (bytes for quantised blocks). */
    public ScalarType storage() {
        return storage;
    }

    /** A Java primitive array ({@code float[]}) rather than a Squall array. */
    public boolean isJavaArray() {
        return javaArray;
    }

    /** The kind for a class, or null if it is not an array type kernels can use. */
    public static ArrayKind of(Class<?> type) {
        for (ArrayKind k : values()) {
            if (k.javaClass == type) {
                return k;
            }
        }
        return null;
    }

    /** The kind for a JVM descriptor or internal name, or null. */
    public static ArrayKind ofDescriptor(String descriptor) {
        for (ArrayKind k : values()) {
            if (k.javaClass.descriptorString().equals(descriptor)) {
                return k;
            }
        }
        return null;
    }

    /** The kind of a Java array for an element type from {@code allocate*LocalArray}. */
    public static ArrayKind javaArrayOf(ScalarType element) {
        return switch (element) {
            case F32 -> JAVA_FLOAT;
            case F64 -> JAVA_DOUBLE;
            case I32 -> JAVA_INT;
            case I64 -> JAVA_LONG;
            case I16 -> JAVA_SHORT;
            case I8 -> JAVA_BYTE;
            default -> throw new IllegalArgumentException("no Java array of " + element);
        };
    }
}
