package dev.squall.models.gguf;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.models.gguf.GgufValue.ArrayValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes GGUF version 3 files: metadata of every type, then tensor entries, then the tensor data,
 * each tensor aligned to {@code general.alignment} (32 unless set). Tensor data is pulled from a
 * {@link TensorData} callback while writing, so a file larger than memory (a 7B model) can be
 * written one row at a time.
 *
 * <pre>{@code
 * new GgufWriter()
 *     .put("general.architecture", GgufValue.string("llama"))
 *     .addTensor("output_norm.weight", FloatArray.fromElements(1, 1, 1, 1), 4)
 *     .write(path);
 * }</pre>
 */
public final class GgufWriter {

    /** llama.cpp refuses tensor names of GGML_MAX_NAME (64) bytes or more. */
    public static final int MAX_TENSOR_NAME_BYTES = 63;

    /** Produces a tensor's bytes, in order, into a sink that accepts exactly the declared size. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(TensorSink sink) throws IOException;
    }

    /** Where a {@link TensorData} writes; refuses more bytes than the tensor holds. */
    public interface TensorSink {
        void write(ByteBuffer bytes) throws IOException;

        void write(MemorySegment bytes) throws IOException;
    }

    /** Told after every tensor: its name, the data bytes written so far and in all. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(String name, long bytesDone, long bytesTotal);
    }

    private record PendingTensor(GgufTensorInfo info, TensorData data) {
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int alignment = GgufHeader.DEFAULT_ALIGNMENT;
    private long dataBytes;

    /**
     * Adds or replaces a metadata entry. {@code general.alignment} must be a UINT32 power of two
     * and sets the alignment of the data.
     */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.equals(GgufHeader.ALIGNMENT_KEY)) {
            if (!(value instanceof GgufValue.IntValue i) || i.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(key + " must be a UINT32, got " + value.type());
            }
            setAlignment(i.value());
        }
        metadata.put(key, value);
        return this;
    }

    /** Copies every entry of {@code source} (say, another file's metadata). */
    public GgufWriter putAll(GgufMetadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.string(value));
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValue.uint32(value));
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, GgufValue.int32(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.float32(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.bool(value));
    }

    /** Sets the data alignment (a power of two) and records it as {@code general.alignment}. */
    public GgufWriter alignment(int alignment) {
        return put(GgufHeader.ALIGNMENT_KEY, GgufValue.uint32(alignment));
    }

    private void setAlignment(long value) {
        if (value <= 0 || (value & (value - 1)) != 0 || value > GgufParser.MAX_ALIGNMENT) {
            throw new IllegalArgumentException("alignment must be a power of two up to " + GgufParser.MAX_ALIGNMENT + ", got "
                    + value);
        }
        if (!tensors.isEmpty() && value != alignment) {
            throw new IllegalStateException("set the alignment before adding tensors");
        }
        alignment = (int) value;
    }

    /**
     * Declares a tensor whose bytes {@code data} writes when the file is written.
     *
     * @param dims sizes fastest-varying first: a matrix of N rows of K is {@code [K, N]}
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorData data) {
        Objects.requireNonNull(data, "data");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than " + MAX_TENSOR_NAME_BYTES + " bytes");
        }
        for (PendingTensor t : tensors) {
            if (t.info().name().equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' was already added");
            }
        }
        long offset = GgufParser.alignUp(dataBytes, alignment);
        GgufTensorInfo info = new GgufTensorInfo(name, type, dims, offset);
        tensors.add(new PendingTensor(info, data));
        dataBytes = offset + info.byteSize();
        return this;
    }

    /** Declares a tensor with the bytes of {@code bytes}, which must be exactly its size. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment bytes) {
        long expected = type.bytesFor(product(dims));
        if (bytes.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of " + type + " " + Arrays.toString(dims) + " needs "
                    + expected + " bytes, got " + bytes.byteSize());
        }
        return addTensor(name, type, dims, sink -> sink.write(bytes));
    }

    /**
     * Declares a tensor holding {@code array}, whose class gives the type (FloatArray → F32,
     * HalfFloatArray → F16, BFloat16Array → BF16, Q8_0Array → Q8_0, Q4_0Array → Q4_0).
     *
     * @param dims sizes fastest-varying first; their product must be the array's size
     */
    public GgufWriter addTensor(String name, NativeArray array, long... dims) {
        GgmlType type = typeOf(array);
        if (product(dims) != array.getSize()) {
            throw new IllegalArgumentException("tensor '" + name + "': dims " + Arrays.toString(dims) + " hold "
                    + product(dims) + " elements, the array has " + array.getSize());
        }
        return addTensor(name, type, dims, array.segment());
    }

    /** The GGUF type of a Squall array. */
    public static GgmlType typeOf(NativeArray array) {
        return switch (array) {
            case FloatArray a -> GgmlType.F32;
            case HalfFloatArray a -> GgmlType.F16;
            case BFloat16Array a -> GgmlType.BF16;
            case Q8_0Array a -> GgmlType.Q8_0;
            case Q4_0Array a -> GgmlType.Q4_0;
            default -> throw new IllegalArgumentException(array.getClass().getSimpleName() + " has no GGUF tensor type");
        };
    }

    private static long product(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Total bytes of tensor data, padding between tensors included. */
    public long dataBytes() {
        return dataBytes;
    }

    public void write(Path path) throws IOException {
        write(path, (name, done, total) -> {
        });
    }

    /** Writes the file, replacing any existing one; a failed write deletes the partial file. */
    public void write(Path path, Progress progress) throws IOException {
        boolean done = false;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(channel, progress);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The whole file in memory, for small files and tests. */
    public byte[] toByteArray() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(Channels.newChannel(bytes), (name, done, total) -> {
        });
        return bytes.toByteArray();
    }

    /** Writes the file to {@code channel} from its current position. */
    public void write(WritableByteChannel channel, Progress progress) throws IOException {
        GgufOutput out = new GgufOutput(channel);
        writeHeader(out);
        out.pad(alignment);
        long dataStart = out.position();
        for (PendingTensor t : tensors) {
            out.pad(alignment);
            long at = out.position() - dataStart;
            if (at != t.info().offset()) {
                throw new IllegalStateException("tensor '" + t.info().name() + "' at data offset " + at + ", declared "
                        + t.info().offset());
            }
            CountingSink sink = new CountingSink(out, t.info());
            t.data().writeTo(sink);
            sink.checkComplete();
            progress.tensorWritten(t.info().name(), out.position() - dataStart, dataBytes);
        }
        out.pad(alignment);
        out.flush();
    }

    private void writeHeader(GgufOutput out) throws IOException {
        out.u32(0x46554747); // "GGUF"
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            writeValue(out, e.getValue());
        }
        for (PendingTensor t : tensors) {
            GgufTensorInfo info = t.info();
            out.string(info.name());
            out.u32(info.rank());
            for (long d : info.dims()) {
                out.u64(d);
            }
            out.u32(info.type().id());
            out.u64(info.offset());
        }
    }

    private static void writeValue(GgufOutput out, GgufValue value) throws IOException {
        switch (value) {
            case GgufValue.IntValue i -> {
                switch (i.type().byteSize()) {
                    case 1 -> out.u8((int) i.value());
                    case 2 -> out.u16((int) i.value());
                    case 4 -> out.u32((int) i.value());
                    default -> out.u64(i.value());
                }
            }
            case GgufValue.FloatValue f -> {
                if (f.type() == GgufValueType.FLOAT32) {
                    out.f32((float) f.value());
                } else {
                    out.f64(f.value());
                }
            }
            case GgufValue.BoolValue b -> out.u8(b.value() ? 1 : 0);
            case GgufValue.StringValue s -> out.string(s.value());
            case ArrayValue a -> writeArray(out, a);
        }
    }

    private static void writeArray(GgufOutput out, ArrayValue a) throws IOException {
        out.u32(a.elementType().id());
        out.u64(a.length());
        switch (a.elements()) {
            case byte[] v -> {
                for (byte x : v) {
                    out.u8(x);
                }
            }
            case short[] v -> {
                for (short x : v) {
                    out.u16(x);
                }
            }
            case int[] v -> {
                for (int x : v) {
                    out.u32(x);
                }
            }
            case long[] v -> {
                for (long x : v) {
                    out.u64(x);
                }
            }
            case float[] v -> {
                for (float x : v) {
                    out.f32(x);
                }
            }
            case double[] v -> {
                for (double x : v) {
                    out.f64(x);
                }
            }
            case boolean[] v -> {
                for (boolean x : v) {
                    out.u8(x ? 1 : 0);
                }
            }
            case String[] v -> {
                for (String x : v) {
                    out.string(x);
                }
            }
            case ArrayValue[] v -> {
                for (ArrayValue x : v) {
                    writeArray(out, x);
                }
            }
            default -> throw new IllegalStateException("unexpected array storage " + a.elements().getClass());
        }
    }

    /** Passes bytes through, refusing more than the tensor holds and checking it got all of them. */
    private static final class CountingSink implements TensorSink {
        private final GgufOutput out;
        private final GgufTensorInfo info;
        private long count;

        CountingSink(GgufOutput out, GgufTensorInfo info) {
            this.out = out;
            this.info = info;
        }

        private void admit(long bytes) {
            if (bytes > info.byteSize() - count) {
                throw new IllegalStateException("tensor '" + info.name() + "' holds " + info.byteSize()
                        + " bytes; its data tried to write " + (count + bytes));
            }
            count += bytes;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            admit(bytes.remaining());
            out.bytes(bytes);
        }

        @Override
        public void write(MemorySegment bytes) throws IOException {
            admit(bytes.byteSize());
            out.bytes(bytes);
        }

        void checkComplete() {
            if (count != info.byteSize()) {
                throw new IllegalStateException("tensor '" + info.name() + "' holds " + info.byteSize()
                        + " bytes; its data wrote only " + count);
            }
        }
    }
}
