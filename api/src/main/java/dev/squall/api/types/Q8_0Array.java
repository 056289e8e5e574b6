package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGUF/ggml Q8_0 blocks: each block of 32 elements is a binary16 scale {@code d} followed by 32
 * signed bytes {@code q}, 34 bytes in all; element {@code i} is {@code d · q[i]}. A memory-mapped
 * Q8_0 tensor is an array of this type with no copy. Kernels read elements through
 * {@link #getFloat(int)} (or the block parts, to hoist the scale) and dequantise in registers.
 */
public final class Q8_0Array extends NativeArray {

    /** Elements per block. */
    public static final int BLOCK_ELEMENTS = 32;
    /** Bytes per block: the binary16 scale and 32 quants. */
    public static final int BLOCK_BYTES = 34;

    private static final Storage STORAGE = new Storage(BLOCK_ELEMENTS, BLOCK_BYTES, 2);
    private static final ValueLayout.OfShort SCALE = ValueLayout.JAVA_SHORT;

    /** {@code size} elements (a multiple of 32), all zero. */
    public Q8_0Array(int size) {
        super(size, STORAGE);
    }

    private Q8_0Array(MemorySegment view) {
        super(view, STORAGE);
    }

    /** A view of Q8_0 blocks in {@code segment}, with no copy. */
    public static Q8_0Array fromSegment(MemorySegment segment) {
        return new Q8_0Array(segment);
    }

    /**
     * Quantises {@code values} (a multiple of 32) as ggml does: per block, d = max|x| / 127 stored as
     * binary16, q = round(x / d) with ties away from zero (computed with the float d, as ggml does).
     */
    public static Q8_0Array quantize(float[] values) {
        Q8_0Array array = new Q8_0Array(values.length);
        for (int b = 0; b < values.length / BLOCK_ELEMENTS; b++) {
            float amax = 0;
            for (int j = 0; j < BLOCK_ELEMENTS; j++) {
                amax = Math.max(amax, Math.abs(values[b * BLOCK_ELEMENTS + j]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            long base = (long) b * BLOCK_BYTES;
            array.segment.set(SCALE, base, Half.fromFloat(d));
            for (int j = 0; j < BLOCK_ELEMENTS; j++) {
                float x = values[b * BLOCK_ELEMENTS + j] * id;
                array.segment.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) roundHalfAway(x));
            }
        }
        return array;
    }

    /** C's roundf: halfway cases away from zero (|x| ≤ 127 here, so x + 0.5 is exact enough). */
    static int roundHalfAway(float x) {
        return (int) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f));
    }

    /** Number of 32-element blocks. */
    public int blockCount() {
        return getSize() / BLOCK_ELEMENTS;
    }

    /** Element {@code index}, dequantised: scale of its block times its quant. */
    public float getFloat(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        long base = (long) (index >>> 5) * BLOCK_BYTES;
        return Half.toFloat(segment.get(SCALE, base)) * segment.get(ValueLayout.JAVA_BYTE, base + 2 + (index & 31));
    }

    /** The quant of element {@code index}. */
    public byte getQuant(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return segment.get(ValueLayout.JAVA_BYTE, (long) (index >>> 5) * BLOCK_BYTES + 2 + (index & 31));
    }

    /** The scale of block {@code block}, widened to float. */
    public float getScale(int block) {
        if (Integer.compareUnsigned(block, size / BLOCK_ELEMENTS) >= 0) {
            throw outOfBounds(block);
        }
        return Half.toFloat(segment.get(SCALE, (long) block * BLOCK_BYTES));
    }

    /** Sets one block from its binary16 scale bits and 32 quants. */
    public void setBlock(int block, short scaleBits, byte[] quants) {
        if (Integer.compareUnsigned(block, size / BLOCK_ELEMENTS) >= 0) {
            throw outOfBounds(block);
        }
        if (quants.length != BLOCK_ELEMENTS) {
            throw new IllegalArgumentException("a Q8_0 block has 32 quants, got " + quants.length);
        }
        long base = (long) block * BLOCK_BYTES;
        segment.set(SCALE, base, scaleBits);
        MemorySegment.copy(quants, 0, segment, ValueLayout.JAVA_BYTE, base + 2, BLOCK_ELEMENTS);
    }

    /**
     * The quants alone, one byte per element in element order: with {@link #scales()}, the layout GPU
     * kernels read in 16-byte runs (a block's 34 bytes are only 2-byte aligned, so its quants cannot be).
     */
    public ByteArray quants() {
        checkLive();
        ByteArray out = new ByteArray(size);
        for (int b = 0; b < size / BLOCK_ELEMENTS; b++) {
            MemorySegment.copy(segment, (long) b * BLOCK_BYTES + 2, out.segment, (long) b * BLOCK_ELEMENTS, BLOCK_ELEMENTS);
        }
        return out;
    }

    /** The blocks' scales, one binary16 per 32 elements (block b's at index b); see {@link #quants()}. */
    public HalfFloatArray scales() {
        checkLive();
        HalfFloatArray out = new HalfFloatArray(size / BLOCK_ELEMENTS);
        for (int b = 0; b < size / BLOCK_ELEMENTS; b++) {
            out.segment.set(SCALE, 2L * b, segment.get(SCALE, (long) b * BLOCK_BYTES));
        }
        return out;
    }

    /** All elements dequantised. */
    public float[] toFloatArray() {
        checkLive();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }
}
