package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code short} elements with no header; see {@link NativeArray}. */
public final class ShortArray extends NativeArray {

    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT;

    /** {@code size} elements, all zero. */
    public ShortArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private ShortArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static ShortArray fromArray(short[] values) {
        ShortArray array = new ShortArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static ShortArray fromElements(short... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 2 and its
     * address aligned to 2. The caller keeps ownership of the memory.
     */
    public static ShortArray fromSegment(MemorySegment segment) {
        return new ShortArray(segment);
    }

    public short get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, short value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(short value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public short[] toHeapArray() {
        checkLive();
        short[] copy = new short[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(ShortArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("ShortArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }
}
