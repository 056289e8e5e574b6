package dev.squall.api.types;

import java.lang.invoke.VarHandle;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code long} elements with no header; see {@link NativeArray}. */
public final class LongArray extends NativeArray {

    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG;

    /** {@code size} elements, all zero. */
    public LongArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private LongArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static LongArray fromArray(long[] values) {
        LongArray array = new LongArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static LongArray fromElements(long... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 8 and its
     * address aligned to 8. The caller keeps ownership of the memory.
     */
    public static LongArray fromSegment(MemorySegment segment) {
        return new LongArray(segment);
    }

    public long get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, long value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(long value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public long[] toHeapArray() {
        checkLive();
        long[] copy = new long[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(LongArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("LongArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }

    private static final VarHandle ATOMIC = ValueLayout.JAVA_LONG.arrayElementVarHandle();

    /** Atomically adds {@code value} to element {@code index}; returns the previous value. */
    public long atomicGetAndAdd(int index, long value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return (long) ATOMIC.getAndAdd(segment, 0L, (long) index, value);
    }

    /** Atomically stores {@code max(get(index), value)}; returns the previous value. */
    public long atomicGetAndMax(int index, long value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        long old = (long) ATOMIC.getVolatile(segment, 0L, (long) index);
        while (old < value && !ATOMIC.compareAndSet(segment, 0L, (long) index, old, value)) {
            old = (long) ATOMIC.getVolatile(segment, 0L, (long) index);
        }
        return old;
    }

    /** Atomically stores {@code min(get(index), value)}; returns the previous value. */
    public long atomicGetAndMin(int index, long value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        long old = (long) ATOMIC.getVolatile(segment, 0L, (long) index);
        while (old > value && !ATOMIC.compareAndSet(segment, 0L, (long) index, old, value)) {
            old = (long) ATOMIC.getVolatile(segment, 0L, (long) index);
        }
        return old;
    }
}
