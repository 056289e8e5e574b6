package dev.squall.models.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF metadata value. Integers of every width share {@link IntValue} (the type keeps the width
 * and signedness, a uint64 keeps its raw bits); float32 and float64 share {@link FloatValue}.
 * Arrays hold a primitive Java array matching their element type, so a 150,000-token vocabulary
 * is one {@code String[]} and its scores one {@code float[]}.
 */
public sealed interface GgufValue {

    GgufValueType type();

    /** An integer of any GGUF width; the constructor checks that the value fits the type. */
    record IntValue(GgufValueType type, long value) implements GgufValue {
        public IntValue {
            Objects.requireNonNull(type, "type");
            if (!type.isInteger()) {
                throw new IllegalArgumentException("IntValue needs an integer type, got " + type);
            }
            boolean fits = switch (type) {
                case UINT8 -> value >= 0 && value <= 0xff;
                case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
                case UINT16 -> value >= 0 && value <= 0xffff;
                case INT16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
                case UINT32 -> value >= 0 && value <= 0xffff_ffffL;
                case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
                default -> true; // 64-bit: every long is a valid int64 or the bits of a uint64
            };
            if (!fits) {
                throw new IllegalArgumentException(value + " does not fit in " + type);
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
        }
    }

    /** A float32 (stored rounded to float) or float64. */
    record FloatValue(GgufValueType type, double value) implements GgufValue {
        public FloatValue {
            Objects.requireNonNull(type, "type");
            if (!type.isFloat()) {
                throw new IllegalArgumentException("FloatValue needs FLOAT32 or FLOAT64, got " + type);
            }
            if (type == GgufValueType.FLOAT32) {
                value = (float) value;
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.FLOAT32 ? Float.toString((float) value) : Double.toString(value);
        }
    }

    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    record StringValue(String value) implements GgufValue {
        public StringValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public String toString() {
            return '"' + value + '"';
        }
    }

    /**
     * An array of one element type. {@code elements} is a {@code byte[]} for (u)int8, {@code short[]}
     * for (u)int16, {@code int[]} for (u)int32, {@code long[]} for (u)int64, {@code float[]},
     * {@code double[]}, {@code boolean[]}, {@code String[]}, or {@code ArrayValue[]} for nested arrays.
     * Unsigned elements keep their bits (a uint8 of 255 is the byte -1).
     */
    record ArrayValue(GgufValueType elementType, Object elements) implements GgufValue {
        public ArrayValue {
            Objects.requireNonNull(elementType, "elementType");
            Objects.requireNonNull(elements, "elements");
            Class<?> expected = javaArrayClass(elementType);
            if (elements.getClass() != expected) {
                throw new IllegalArgumentException("an array of " + elementType + " holds a " + expected.getSimpleName()
                        + ", got " + elements.getClass().getSimpleName());
            }
            if (elements instanceof Object[] objects) {
                for (int i = 0; i < objects.length; i++) {
                    Objects.requireNonNull(objects[i], "element " + i);
                }
            }
        }

        static Class<?> javaArrayClass(GgufValueType elementType) {
            return switch (elementType) {
                case UINT8, INT8 -> byte[].class;
                case UINT16, INT16 -> short[].class;
                case UINT32, INT32 -> int[].class;
                case UINT64, INT64 -> long[].class;
                case FLOAT32 -> float[].class;
                case FLOAT64 -> double[].class;
                case BOOL -> boolean[].class;
                case STRING -> String[].class;
                case ARRAY -> ArrayValue[].class;
            };
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        /** Number of elements. */
        public int length() {
            return java.lang.reflect.Array.getLength(elements);
        }

        /** Element {@code i} widened to long (unsigned types zero-extended), for integer arrays. */
        public long getLong(int i) {
            return switch (elementType) {
                case UINT8 -> ((byte[]) elements)[i] & 0xffL;
                case INT8 -> ((byte[]) elements)[i];
                case UINT16 -> ((short[]) elements)[i] & 0xffffL;
                case INT16 -> ((short[]) elements)[i];
                case UINT32 -> ((int[]) elements)[i] & 0xffff_ffffL;
                case INT32 -> ((int[]) elements)[i];
                case UINT64, INT64 -> ((long[]) elements)[i];
                default -> throw new IllegalStateException("an array of " + elementType + " has no integer elements");
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayValue other && elementType == other.elementType
                    && Arrays.deepEquals(new Object[] {elements}, new Object[] {other.elements});
        }

        @Override
        public int hashCode() {
            return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {elements});
        }

        @Override
        public String toString() {
            return "array<" + elementType + ">[" + length() + "]";
        }
    }

    static IntValue uint8(int value) {
        return new IntValue(GgufValueType.UINT8, value);
    }

    static IntValue int8(int value) {
        return new IntValue(GgufValueType.INT8, value);
    }

    static IntValue uint16(int value) {
        return new IntValue(GgufValueType.UINT16, value);
    }

    static IntValue int16(int value) {
        return new IntValue(GgufValueType.INT16, value);
    }

    static IntValue uint32(long value) {
        return new IntValue(GgufValueType.UINT32, value);
    }

    static IntValue int32(int value) {
        return new IntValue(GgufValueType.INT32, value);
    }

    /** A uint64 given by its bits: {@code -1L} is 2^64 − 1. */
    static IntValue uint64(long bits) {
        return new IntValue(GgufValueType.UINT64, bits);
    }

    static IntValue int64(long value) {
        return new IntValue(GgufValueType.INT64, value);
    }

    static FloatValue float32(float value) {
        return new FloatValue(GgufValueType.FLOAT32, value);
    }

    static FloatValue float64(double value) {
        return new FloatValue(GgufValueType.FLOAT64, value);
    }

    static BoolValue bool(boolean value) {
        return new BoolValue(value);
    }

    static StringValue string(String value) {
        return new StringValue(value);
    }

    static ArrayValue strings(String... values) {
        return new ArrayValue(GgufValueType.STRING, values.clone());
    }

    static ArrayValue float32s(float... values) {
        return new ArrayValue(GgufValueType.FLOAT32, values.clone());
    }

    static ArrayValue int32s(int... values) {
        return new ArrayValue(GgufValueType.INT32, values.clone());
    }

    static ArrayValue array(GgufValueType elementType, Object elements) {
        return new ArrayValue(elementType, elements);
    }
}
