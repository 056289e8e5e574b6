package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap IEEE binary16 elements with no header. {@link #getFloat(int)} and
 * {@link #setFloat(int, float)} convert on the fly (exactly, and round-to-nearest-even), so kernels
 * store half and compute in float without making objects.
 */
public final class HalfFloatArray extends NativeArray {

    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT;

    /** {@code size} elements, all +0.0. */
    public HalfFloatArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private HalfFloatArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** Each float rounded to the nearest half. */
    public static HalfFloatArray fromFloats(float... values) {
        HalfFloatArray array = new HalfFloatArray(values.length);
        for (int i = 0; i < values.length; i++) {
            array.setFloat(i, values[i]);
        }
        return array;
    }

    /** A view of {@code segment} (2-byte aligned, an even number of bytes) with no copy. */
    public static HalfFloatArray fromSegment(MemorySegment segment) {
        return new HalfFloatArray(segment);
    }

    /** Element {@code index} widened to float (exact). */
    public float getFloat(int index) {
        return Half.toFloat(getBits(index));
    }

    /** Stores {@code value} rounded to the nearest half, ties to even. */
    public void setFloat(int index, float value) {
        setBits(index, Half.fromFloat(value));
    }

    /** The raw binary16 bits of element {@code index}. */
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

    /** Sets every element to {@code value} rounded to half. */
    public void init(float value) {
        checkLive();
        short bits = Half.fromFloat(value);
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, bits);
        }
    }

    /** All elements widened to float. */
    public float[] toFloatArray() {
        checkLive();
        float[] copy = new float[size];
        for (int i = 0; i < size; i++) {
            copy[i] = Half.toFloat(segment.getAtIndex(LAYOUT, i));
        }
        return copy;
    }
}
