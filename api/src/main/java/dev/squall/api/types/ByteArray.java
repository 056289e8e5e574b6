package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code byte} elements with no header; see {@link NativeArray}. */
public final class ByteArray extends NativeArray {

    private static final ValueLayout.OfByte LAYOUT = ValueLayout.JAVA_BYTE;

    /** {@code size} elements, all zero. */
    public ByteArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private ByteArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static ByteArray fromArray(byte[] values) {
        ByteArray array = new ByteArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static ByteArray fromElements(byte... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 1 and its
     * address aligned to 1. The caller keeps ownership of the memory.
     */
    public static ByteArray fromSegment(MemorySegment segment) {
        return new ByteArray(segment);
    }

    public byte get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, byte value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(byte value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public byte[] toHeapArray() {
        checkLive();
        byte[] copy = new byte[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(ByteArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("ByteArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }
}
