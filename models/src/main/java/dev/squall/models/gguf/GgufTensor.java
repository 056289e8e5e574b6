package dev.squall.models.gguf;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A tensor of an open GGUF file: its header entry and its bytes, a slice of the file's memory
 * mapping. The {@code as...} methods wrap the bytes as Squall arrays with no copy; they stay
 * valid until the {@link GgufFile} is closed, and are read-only.
 */
public record GgufTensor(GgufTensorInfo info, MemorySegment segment) {

    public GgufTensor {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() != info.byteSize()) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' needs " + info.byteSize() + " bytes, segment has "
                    + segment.byteSize());
        }
    }

    public String name() {
        return info.name();
    }

    public GgmlType type() {
        return info.type();
    }

    /** Sizes fastest-varying first (see {@link GgufTensorInfo#dims()}). */
    public long[] dims() {
        return info.dims();
    }

    /** The data as the Squall array of its type: FloatArray, HalfFloatArray, BFloat16Array, Q8_0Array or Q4_0Array. */
    public NativeArray asArray() {
        return switch (type()) {
            case F32 -> FloatArray.fromSegment(checkedSegment());
            case F16 -> HalfFloatArray.fromSegment(checkedSegment());
            case BF16 -> BFloat16Array.fromSegment(checkedSegment());
            case Q8_0 -> Q8_0Array.fromSegment(checkedSegment());
            case Q4_0 -> Q4_0Array.fromSegment(checkedSegment());
            default -> throw new UnsupportedOperationException("tensor '" + name() + "' has type " + type()
                    + ", an unsupported tensor type for Squall arrays (supported: F32, F16, BF16, Q8_0, Q4_0);"
                    + " its raw bytes are available from segment()");
        };
    }

    public FloatArray asFloatArray() {
        return as(FloatArray.class);
    }

    public HalfFloatArray asHalfFloatArray() {
        return as(HalfFloatArray.class);
    }

    public BFloat16Array asBFloat16Array() {
        return as(BFloat16Array.class);
    }

    public Q8_0Array asQ8_0Array() {
        return as(Q8_0Array.class);
    }

    public Q4_0Array asQ4_0Array() {
        return as(Q4_0Array.class);
    }

    private <T extends NativeArray> T as(Class<T> kind) {
        NativeArray array = asArray();
        if (!kind.isInstance(array)) {
            throw new UnsupportedOperationException("tensor '" + name() + "' has type " + type() + ", not the type of a "
                    + kind.getSimpleName());
        }
        return kind.cast(array);
    }

    /** Every element widened or dequantised to float, in storage order (a heap copy). */
    public float[] toFloats() {
        return Dequantize.toFloats(asArray());
    }

    private MemorySegment checkedSegment() {
        if (info.elementCount() > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("tensor '" + name() + "' has " + info.elementCount()
                    + " elements; Squall arrays hold at most " + Integer.MAX_VALUE);
        }
        long alignment = type() == GgmlType.F32 ? 4 : 2;
        if (segment.maxByteAlignment() < alignment) {
            throw new IllegalStateException("tensor '" + name() + "' data is not aligned to " + alignment
                    + " bytes; GGUF bytes given to GgufFile.parse must be in memory aligned as a mapping is (not a byte[])");
        }
        return segment;
    }

    @Override
    public String toString() {
        return "GgufTensor[" + info + "]";
    }
}
