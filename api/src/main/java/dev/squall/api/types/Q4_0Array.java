package dev.squall.api.types;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGUF/ggml Q4_0 blocks: each block of 32 elements is a binary16 scale {@code d} followed by 16
 * bytes of 4-bit quants, 18 bytes in all. Element {@code j < 16} of a block is the low nibble of
 * byte {@code j}, element {@code j ≥ 16} the high nibble of byte {@code j − 16}; its value is
 * {@code d · (nibble − 8)}.
 */
public final class Q4_0Array extends NativeArray {

    public static final int BLOCK_ELEMENTS = 32;
    /** Bytes per block: the binary16 scale and 16 bytes of nibbles. */
    public static final int BLOCK_BYTES = 18;

    private static final Storage STORAGE = new Storage(BLOCK_ELEMENTS, BLOCK_BYTES, 2);
    private static final ValueLayout.OfShort SCALE = ValueLayout.JAVA_SHORT;

    public Q4_0Array(int size) {
        super(size, STORAGE);
    }

    private Q4_0Array(MemorySegment view) {
        super(view, STORAGE);
    }

    public static Q4_0Array fromSegment(MemorySegment segment) {
        return new Q4_0Array(segment);
    }

    /**
     * Quantises as ggml does: per block, take the element of largest magnitude m (with its sign),
     * d = m / −8, q = min(15, trunc(x / d + 8.5)).
     */
    public static Q4_0Array quantize(float[] values) {
        Q4_0Array array = new Q4_0Array(values.length);
        for (int b = 0; b < values.length / BLOCK_ELEMENTS; b++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < BLOCK_ELEMENTS; j++) {
                float v = values[b * BLOCK_ELEMENTS + j];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            long base = (long) b * BLOCK_BYTES;
            array.segment.set(SCALE, base, Half.fromFloat(d));
            for (int j = 0; j < BLOCK_ELEMENTS / 2; j++) {
                int low = Math.min(15, (int) (values[b * BLOCK_ELEMENTS + j] * id + 8.5f));
                int high = Math.min(15, (int) (values[b * BLOCK_ELEMENTS + j + 16] * id + 8.5f));
                array.segment.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) (low | high << 4));
            }
        }
        return array;
    }

    public int blockCount() {
        return getSize() / BLOCK_ELEMENTS;
    }

    /** Element {@code index}, dequantised. */
    public float getFloat(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        return Half.toFloat(segment.get(SCALE, (long) (index >>> 5) * BLOCK_BYTES)) * (getNibble(index) - 8);
    }

    /** The 4-bit quant (0..15) of element {@code index}. */
    public int getNibble(int index) {
        if (Integer.compareUnsigned(index, size) >= 0) {
            throw outOfBounds(index);
        }
        int j = index & 31;
        int packed = segment.get(ValueLayout.JAVA_BYTE, (long) (index >>> 5) * BLOCK_BYTES + 2 + (j & 15)) & 0xff;
        return j < 16 ? packed & 0xf : packed >>> 4;
    }

    public float getScale(int block) {
        if (Integer.compareUnsigned(block, size / BLOCK_ELEMENTS) >= 0) {
            throw outOfBounds(block);
        }
        return Half.toFloat(segment.get(SCALE, (long) block * BLOCK_BYTES));
    }

    public float[] toFloatArray() {
        checkLive();
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }
}
