package dev.squall.models.gguf;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;

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
     * Elements {@code [from, from + n)} into {@code out[0..n)}: one row of a weight matrix.
     * Dispatches on the storage once per row, not once per element.
     */
    public static void row(NativeArray array, int from, float[] out, int n) {
        switch (array) {
            case FloatArray a -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a.get(from + i);
                }
            }
            case HalfFloatArray a -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a.getFloat(from + i);
                }
            }
            case BFloat16Array a -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a.getFloat(from + i);
                }
            }
            case Q8_0Array a -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a.getFloat(from + i);
                }
            }
            case Q4_0Array a -> {
                for (int i = 0; i < n; i++) {
                    out[i] = a.getFloat(from + i);
                }
            }
            default -> throw new UnsupportedOperationException(array.getClass().getSimpleName() + " does not hold model weights");
        }
    }
}
