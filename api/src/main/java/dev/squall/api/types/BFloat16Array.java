package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap bfloat16 elements (the top 16 bits of a float) with no header. Widening is exact;
 * {@link #setFloat(int, float)} rounds to nearest, ties to even.
 */
public final class BFloat16Array extends NativeArray {

    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT;

    public BFloat16Array(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private BFloat16Array(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A view of {@code segment} (2-byte aligned, an even number of bytes) with no copy. */
    public static BFloat16Array fromSegment(MemorySegment segment) {
        return new BFloat16Array(segment);
    }

    public static BFloat16Array fromFloats(float... values) {
        BFloat16Array array = new BFloat16Array(values.length);
        for (int i = 0; i < values.length; i++) {
            array.setFloat(i, values[i]);
        }
        return array;
    }

    /** The float with the same top 16 bits. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The nearest bfloat16, ties to even; NaN stays a quiet NaN of its sign. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public float getFloat(int index) {
        return toFloat(getBits(index));
    }

    public void setFloat(int index, float value) {
        setBits(index, fromFloat(value));
    }

    public short getBits(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void setBits(int index, short bits) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, bits);
    }

    public float[] toFloatArray() {
        checkLive();
        float[] copy = new float[size];
        for (int i = 0; i < size; i++) {
            copy[i] = toFloat(segment.getAtIndex(LAYOUT, i));
        }
        return copy;
    }
}
