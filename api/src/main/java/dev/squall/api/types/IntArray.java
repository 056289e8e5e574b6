package dev.squall.api.types;

import java.lang.invoke.VarHandle;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code int} elements with no header; see {@link NativeArray}. */
public final class IntArray extends NativeArray {

    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT;

    /** {@code size} elements, all zero. */
    public IntArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private IntArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static IntArray fromArray(int[] values) {
        IntArray array = new IntArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static IntArray fromElements(int... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 4 and its
     * address aligned to 4. The caller keeps ownership of the memory.
     */
    public static IntArray fromSegment(MemorySegment segment) {
        return new IntArray(segment);
    }

    public int get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, int value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(int value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public int[] toHeapArray() {
        checkLive();
        int[] copy = new int[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(IntArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("IntArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }

    private static final VarHandle ATOMIC = ValueLayout.JAVA_INT.arrayElementVarHandle();

    /** Atomically adds {@code value} to element {@code index}; returns the previous value. */
    public int atomicGetAndAdd(int index, int value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return (int) ATOMIC.getAndAdd(segment, 0L, (long) index, value);
    }

    /** Atomically stores {@code max(get(index), value)}; returns the previous value. */
    public int atomicGetAndMax(int index, int value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        int old = (int) ATOMIC.getVolatile(segment, 0L, (long) index);
        while (old < value && !ATOMIC.compareAndSet(segment, 0L, (long) index, old, value)) {
            old = (int) ATOMIC.getVolatile(segment, 0L, (long) index);
        }
        return old;
    }

    /** Atomically stores {@code min(get(index), value)}; returns the previous value. */
    public int atomicGetAndMin(int index, int value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        int old = (int) ATOMIC.getVolatile(segment, 0L, (long) index);
        while (old > value && !ATOMIC.compareAndSet(segment, 0L, (long) index, old, value)) {
            old = (int) ATOMIC.getVolatile(segment, 0L, (long) index);
        }
        return old;
    }
}
