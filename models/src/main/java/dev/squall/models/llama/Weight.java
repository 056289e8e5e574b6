package dev.squall.models.llama;

import dev.squall.api.types.NativeArray;
import dev.squall.models.gguf.Dequantize;
import dev.squall.models.gguf.GgmlType;
import java.util.Objects;

/**
 * A weight matrix or vector of a model: a Squall array (often a zero-copy view of the GGUF
 * mapping) with its row-major shape. Element (r, c) is element {@code r·cols + c} of the array;
 * in GGUF terms the tensor's dims are {@code [cols, rows]}. A vector has one row.
 *
 * @param name  the GGUF tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type  storage type: F32, F16, BF16, Q8_0 or Q4_0
 * @param array the elements, a FloatArray, HalfFloatArray, BFloat16Array, Q8_0Array or Q4_0Array
 * @param rows  output features (1 for a vector)
 * @param cols  input features, contiguous in memory (a multiple of 32 for Q8_0 and Q4_0)
 */
public record Weight(String name, GgmlType type, NativeArray array, int rows, int cols) {

    public Weight {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(array, "array");
        if ((long) rows * cols != array.getSize()) {
            throw new IllegalArgumentException(name + ": " + rows + " × " + cols + " does not match the array's "
                    + array.getSize() + " elements");
        }
    }

    public boolean isVector() {
        return rows == 1;
    }

    /** Element (row, col), dequantised. */
    public float get(int row, int col) {
        return Dequantize.get(array, row * cols + col);
    }

    /** Row {@code row}, dequantised, into {@code out[0..cols)}. */
    public void row(int row, float[] out) {
        if (out.length < cols) {
            throw new IllegalArgumentException(name + ": a row has " + cols + " elements, the buffer only " + out.length);
        }
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException(name + ": row " + row + " of " + rows);
        }
        Dequantize.row(array, row * cols, out, cols);
    }

    /** All elements, dequantised, row-major (a heap copy). */
    public float[] toFloats() {
        return Dequantize.toFloats(array);
    }

    @Override
    public String toString() {
        return name + " " + type + " (" + rows + ", " + cols + ")";
    }
}
