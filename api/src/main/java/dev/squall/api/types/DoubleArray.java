package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code double} elements with no header; see {@link NativeArray}. */
public final class DoubleArray extends NativeArray {

    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE;

    /** {@code size} elements, all zero. */
    public DoubleArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private DoubleArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static DoubleArray fromArray(double[] values) {
        DoubleArray array = new DoubleArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static DoubleArray fromElements(double... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 8 and its
     * address aligned to 8. The caller keeps ownership of the memory.
     */
    public static DoubleArray fromSegment(MemorySegment segment) {
        return new DoubleArray(segment);
    }

    public double get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, double value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(double value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public double[] toHeapArray() {
        checkLive();
        double[] copy = new double[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(DoubleArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("DoubleArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }
}
