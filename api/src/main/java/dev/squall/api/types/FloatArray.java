package dev.squall.api.types;

import java.lang.invoke.VarHandle;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap {@code float} elements with no header; see {@link NativeArray}. */
public final class FloatArray extends NativeArray {

    private static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT;

    /** {@code size} elements, all zero. */
    public FloatArray(int size) {
        super(size, Storage.of(LAYOUT));
    }

    private FloatArray(MemorySegment view) {
        super(view, Storage.of(LAYOUT));
    }

    /** A copy of {@code values}. */
    public static FloatArray fromArray(float[] values) {
        FloatArray array = new FloatArray(values.length);
        MemorySegment.copy(values, 0, array.segment, LAYOUT, 0, values.length);
        return array;
    }

    /** A new array holding {@code values}. */
    public static FloatArray fromElements(float... values) {
        return fromArray(values);
    }

    /**
     * A view of {@code segment} with no copy; its byte size must be a multiple of 4 and its
     * address aligned to 4. The caller keeps ownership of the memory.
     */
    public static FloatArray fromSegment(MemorySegment segment) {
        return new FloatArray(segment);
    }

    public float get(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, float value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(float value) {
        checkLive();
        for (int i = 0; i < size; i++) {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    /** A heap copy of the elements. */
    public float[] toHeapArray() {
        checkLive();
        float[] copy = new float[size];
        MemorySegment.copy(segment, LAYOUT, 0, copy, 0, size);
        return copy;
    }

    /** Copies all elements of {@code source}, which must have the same size. */
    public void copyFrom(FloatArray source) {
        checkLive();
        source.checkLive();
        if (source.size != size) {
            throw new IllegalArgumentException("FloatArray.copyFrom: source has " + source.size + " elements, this has " + size);
        }
        MemorySegment.copy(source.segment, 0, segment, 0, byteSize());
    }

    private static final VarHandle BITS = ValueLayout.JAVA_INT.arrayElementVarHandle();

    /**
     * Atomically adds {@code value} to element {@code index} (a compare-and-set loop on the bits,
     * as GPUs without a native float atomic do it); returns the previous value.
     */
    public float atomicGetAndAdd(int index, float value) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        while (true) {
            int oldBits = (int) BITS.getVolatile(segment, 0L, (long) index);
            float old = Float.intBitsToFloat(oldBits);
            int newBits = Float.floatToRawIntBits(old + value);
            if (BITS.compareAndSet(segment, 0L, (long) index, oldBits, newBits)) {
                return old;
            }
        }
    }
}
