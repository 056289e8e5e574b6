package dev.squall.models.gguf;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.Half;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Element access to the float-valued Squall arrays a GGUF tensor can be, whatever their storage. */
public final class Dequantize {

    private Dequantize() {
    }

    /** Element {@code index} of {@code array} as float (widened or dequantised). */
    public static float get(NativeArray array, int index) {
        return switch (array) {
            case FloatArray a -> a.get(index);
            case HalfFloatArray a -> a.getFloat(index);
            case BFloat16Array a -> a.getFloat(index);
            case Q8_0Array a -> a.getFloat(index);
            case Q4_0Array a -> a.getFloat(index);
            default -> throw new UnsupportedOperationException(array.getClass().getSimpleName() + " does not hold model weights");
        };
    }

    /** All elements as floats (a heap copy). */
    public static float[] toFloats(NativeArray array) {
        return switch (array) {
            case FloatArray a -> a.toHeapArray();
            case HalfFloatArray a -> a.toFloatArray();
            case BFloat16Array a -> a.toFloatArray();
            case Q8_0Array a -> a.toFloatArray();
            case Q4_0Array a -> a.toFloatArray();
            default -> throw new UnsupportedOperationException(array.getClass().getSimpleName() + " does not hold model weights");
        };
    }

    /**
     * Elements {@code [from, from + n)} into {@code out[0..n)}: one row of a weight matrix. Copies
     * the row's bytes out of the segment in one go and converts them there, so the per-element cost
     * is the conversion alone (block types need {@code from} and {@code n} to be whole blocks, which
     * matrix rows are).
     */
    public static void row(NativeArray array, int from, float[] out, int n) {
        if (from < 0 || n < 0 || n > out.length || (long) from + n > array.getSize()) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + ((long) from + n) + ") of " + array.getSize()
                    + " into a buffer of " + out.length);
        }
        MemorySegment s = array.segment();
        switch (array) {
            case FloatArray a -> MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * from, out, 0, n);
            case HalfFloatArray a -> {
                short[] bits = new short[n];
                MemorySegment.copy(s, ValueLayout.JAVA_SHORT_UNALIGNED, 2L * from, bits, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = Half.toFloat(bits[i]);
                }
            }
            case BFloat16Array a -> {
                short[] bits = new short[n];
                MemorySegment.copy(s, ValueLayout.JAVA_SHORT_UNALIGNED, 2L * from, bits, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = BFloat16Array.toFloat(bits[i]);
                }
            }
            case Q8_0Array a when from % 32 == 0 && n % 32 == 0 -> {
                byte[] blocks = new byte[n / 32 * Q8_0Array.BLOCK_BYTES];
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, (long) from / 32 * Q8_0Array.BLOCK_BYTES, blocks, 0, blocks.length);
                for (int b = 0; b < n / 32; b++) {
                    int base = b * Q8_0Array.BLOCK_BYTES;
                    float d = Half.toFloat((short) ((blocks[base] & 0xff) | blocks[base + 1] << 8)); // little-endian scale
                    for (int j = 0; j < 32; j++) {
                        out[32 * b + j] = d * blocks[base + 2 + j];
                    }
                }
            }
            case Q4_0Array a when from % 32 == 0 && n % 32 == 0 -> {
                byte[] blocks = new byte[n / 32 * Q4_0Array.BLOCK_BYTES];
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, (long) from / 32 * Q4_0Array.BLOCK_BYTES, blocks, 0, blocks.length);
                for (int b = 0; b < n / 32; b++) {
                    int base = b * Q4_0Array.BLOCK_BYTES;
                    float d = Half.toFloat((short) ((blocks[base] & 0xff) | blocks[base + 1] << 8));
                    for (int j = 0; j < 16; j++) {
                        int packed = blocks[base + 2 + j] & 0xff;
                        out[32 * b + j] = d * ((packed & 0xf) - 8);
                        out[32 * b + j + 16] = d * ((packed >>> 4) - 8);
                    }
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = get(array, from + i);
                }
            }
        }
    }
}
