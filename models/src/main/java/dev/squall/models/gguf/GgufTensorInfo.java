package dev.squall.models.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's entry in the GGUF header.
 *
 * @param name   e.g. {@code blk.0.attn_q.weight}
 * @param type   element type
 * @param dims   sizes listed fastest-varying first, as ggml's {@code ne}: a matrix with
 *               {@code dims = [K, N]} is N rows of K contiguous elements
 * @param offset byte offset of the data from the start of the data section
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, long offset) {

    /** ggml tensors have at most four dimensions. */
    public static final int MAX_DIMS = 4;

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = dims.clone();
        if (dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + dims.length + " dims; at most " + MAX_DIMS);
        }
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dim: " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        if (dims.length > 0 && dims[0] % type.blockElements() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " needs dims[0] to be a multiple of "
                    + type.blockElements() + ", got " + dims[0]);
        }
        type.bytesFor(count); // overflow check
        if (offset < 0) {
            throw new IllegalArgumentException("tensor '" + name + "' has a negative offset " + offset);
        }
    }

    /** A copy of the dims, fastest-varying first. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i} (0 = fastest), 1 beyond the rank, as ggml pads shapes. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    public long elementCount() {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        return count;
    }

    /** Bytes of the tensor's data (excluding padding). */
    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo other && name.equals(other.name) && type == other.type
                && Arrays.equals(dims, other.dims) && offset == other.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " @" + offset;
    }
}
