package dev.squall.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.models.Fixtures;
import dev.squall.models.gguf.GgufValue.ArrayValue;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @TempDir
    Path dir;

    /** One entry of every value type, edge values included, and arrays of every element type. */
    static Map<String, GgufValue> everyType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("u8", GgufValue.uint8(255));
        m.put("i8", GgufValue.int8(-128));
        m.put("u16", GgufValue.uint16(65535));
        m.put("i16", GgufValue.int16(-32768));
        m.put("u32", GgufValue.uint32(0xffff_ffffL));
        m.put("i32", GgufValue.int32(Integer.MIN_VALUE));
        m.put("f32", GgufValue.float32(-1.5e-7f));
        m.put("bool.true", GgufValue.bool(true));
        m.put("bool.false", GgufValue.bool(false));
        m.put("string", GgufValue.string("héllo ▁wörld 🙂"));
        m.put("string.empty", GgufValue.string(""));
        m.put("u64", GgufValue.uint64(-1L));
        m.put("i64", GgufValue.int64(Long.MIN_VALUE));
        m.put("f64", GgufValue.float64(Math.PI));
        m.put("a.u8", GgufValue.array(GgufValueType.UINT8, new byte[] {0, 1, (byte) 255}));
        m.put("a.i8", GgufValue.array(GgufValueType.INT8, new byte[] {-1, 127}));
        m.put("a.u16", GgufValue.array(GgufValueType.UINT16, new short[] {(short) 65535, 2}));
        m.put("a.i16", GgufValue.array(GgufValueType.INT16, new short[] {-3}));
        m.put("a.u32", GgufValue.array(GgufValueType.UINT32, new int[] {-1, 7}));
        m.put("a.i32", GgufValue.int32s(1, -2, 3));
        m.put("a.f32", GgufValue.float32s(0.5f, Float.NaN, Float.NEGATIVE_INFINITY));
        m.put("a.bool", GgufValue.array(GgufValueType.BOOL, new boolean[] {true, false, true}));
        m.put("a.string", GgufValue.strings("a", "", "ü b"));
        m.put("a.u64", GgufValue.array(GgufValueType.UINT64, new long[] {-1L}));
        m.put("a.i64", GgufValue.array(GgufValueType.INT64, new long[] {Long.MAX_VALUE, -5}));
        m.put("a.f64", GgufValue.array(GgufValueType.FLOAT64, new double[] {1e300, -0.0}));
        m.put("a.empty", GgufValue.array(GgufValueType.INT32, new int[0]));
        m.put("a.nested", GgufValue.array(GgufValueType.ARRAY, new ArrayValue[] {
                GgufValue.strings("x", "y"),
                GgufValue.array(GgufValueType.ARRAY, new ArrayValue[] {GgufValue.float32s(1f, 2f)}),
                GgufValue.int32s()}));
        return m;
    }

    static float[] randomFloats(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void everyMetadataTypeAndTensorTypeRoundTrips() throws IOException {
        float[] values = randomFloats(64 * 3, 1);
        FloatArray f32 = FloatArray.fromArray(values);
        HalfFloatArray f16 = HalfFloatArray.fromFloats(values);
        BFloat16Array bf16 = BFloat16Array.fromFloats(values);
        Q8_0Array q8 = Q8_0Array.quantize(values);
        Q4_0Array q4 = Q4_0Array.quantize(values);
        Map<String, GgufValue> metadata = everyType();
        GgufWriter writer = new GgufWriter();
        metadata.forEach(writer::put);
        writer.addTensor("f32", f32, 64, 3)
                .addTensor("f16", f16, 64, 3)
                .addTensor("bf16", bf16, 192)
                .addTensor("q8_0", q8, 64, 3)
                .addTensor("q4_0", q4, 32, 2, 3)
                .addTensor("scalar", FloatArray.fromElements(42f));
        Path file = dir.resolve("all.gguf");
        writer.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(3, gguf.version());
            assertEquals(metadata, gguf.metadata().asMap());
            assertEquals(List.copyOf(metadata.keySet()), List.copyOf(gguf.metadata().keys()), "file order kept");
            assertEquals(List.of("f32", "f16", "bf16", "q8_0", "q4_0", "scalar"),
                    gguf.tensorInfos().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo info : gguf.tensorInfos()) {
                assertEquals(0, info.offset() % 32, info.name());
                assertEquals(0, (gguf.dataOffset() + info.offset()) % 32, info.name());
            }
            assertArrayEquals(new long[] {64, 3}, gguf.tensor("f32").dims());
            assertArrayEquals(new long[] {32, 2, 3}, gguf.tensor("q4_0").dims());
            assertArrayEquals(new long[0], gguf.tensor("scalar").dims());
            assertArrayEquals(values, gguf.tensor("f32").asFloatArray().toHeapArray());
            assertArrayEquals(f16.toFloatArray(), gguf.tensor("f16").asHalfFloatArray().toFloatArray());
            assertArrayEquals(bf16.toFloatArray(), gguf.tensor("bf16").asBFloat16Array().toFloatArray());
            assertArrayEquals(q8.toFloatArray(), gguf.tensor("q8_0").asQ8_0Array().toFloatArray());
            assertArrayEquals(q4.toFloatArray(), gguf.tensor("q4_0").asQ4_0Array().toFloatArray());
            assertEquals(42f, gguf.tensor("scalar").asFloatArray().get(0));
            // the typed accessors see the round-tripped edge values
            GgufMetadata m = gguf.metadata();
            assertEquals(0xffff_ffffL, m.getLong("u32"));
            assertThrows(GgufMetadataException.class, () -> m.getInt("u32"), "2^32-1 does not fit in an int");
            assertThrows(GgufMetadataException.class, () -> m.getLong("u64"), "2^64-1 does not fit in a long");
            assertArrayEquals(new long[] {0, 1, 255}, m.getLongArray("a.u8"));
            assertArrayEquals(new int[] {65535, 2}, m.getIntArray("a.u16"));
            assertThrows(GgufMetadataException.class, () -> m.getIntArray("a.u32"));
            assertEquals(Math.PI, m.getDouble("f64"));
            assertTrue(m.getBool("bool.true"));
            assertEquals("héllo ▁wörld 🙂", m.getString("string"));
        }
    }

    @Test
    void alignmentIsHonouredAndRecorded() throws IOException {
        GgufWriter writer = new GgufWriter().alignment(256)
                .addTensor("a", FloatArray.fromArray(randomFloats(3, 2)), 3)
                .addTensor("b", FloatArray.fromArray(randomFloats(5, 3)), 5);
        byte[] bytes = writer.toByteArray();
        GgufFile gguf = GgufFile.parse(MemorySegment.ofArray(bytes));
        assertEquals(256, gguf.alignment());
        assertEquals(0, gguf.dataOffset() % 256);
        assertEquals(256, gguf.tensor("b").info().offset());
        assertEquals(0, bytes.length % 256, "the file ends padded");
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().alignment(48));
    }

    @Test
    void rewritingTheLlamaCppFixtureGivesTheSameBytes() throws IOException {
        // llama.cpp and this writer lay files out the same way: header, pad, tensors each padded to 32
        byte[] original = Files.readAllBytes(Fixtures.tinyLlama());
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            GgufWriter writer = new GgufWriter().putAll(gguf.metadata());
            for (GgufTensor t : gguf.tensors()) {
                writer.addTensor(t.name(), t.type(), t.dims(), t.segment());
            }
            byte[] rewritten = writer.toByteArray();
            assertEquals(original.length, rewritten.length);
            assertArrayEquals(original, rewritten);
        }
    }

    @Test
    void streamedTensorDataIsCheckedForSize() throws IOException {
        GgufWriter tooShort = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4},
                sink -> sink.write(ByteBuffer.allocate(12)));
        IllegalStateException shortError = assertThrows(IllegalStateException.class, tooShort::toByteArray);
        assertEquals("tensor 't' holds 16 bytes; its data wrote only 12", shortError.getMessage());
        GgufWriter tooLong = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4},
                sink -> sink.write(ByteBuffer.allocate(20)));
        assertThrows(IllegalStateException.class, tooLong::toByteArray);
        Path file = dir.resolve("failed.gguf");
        assertThrows(IllegalStateException.class, () -> tooLong.write(file));
        assertFalse(Files.exists(file), "a failed write leaves no partial file");
    }

    @Test
    void streamedTensorsArriveInPieces() throws IOException {
        // a tensor written 7 bytes at a time, larger than the writer's 1 MiB buffer
        int n = 300_000;
        GgufWriter writer = new GgufWriter().addTensor("big", GgmlType.F32, new long[] {n}, sink -> {
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putFloat(i * 0.5f);
            }
            b.flip();
            while (b.hasRemaining()) {
                int chunk = Math.min(7, b.remaining());
                sink.write(b.slice(b.position(), chunk));
                b.position(b.position() + chunk);
            }
        });
        List<String> progress = new ArrayList<>();
        Path file = dir.resolve("big.gguf");
        writer.write(file, (name, done, total) -> progress.add(name + " " + done + "/" + total));
        assertEquals(List.of("big 1200000/1200000"), progress);
        try (GgufFile gguf = GgufFile.open(file)) {
            FloatArray big = gguf.tensor("big").asFloatArray();
            assertEquals(0.5f * 123_457, big.get(123_457));
            assertEquals(0.5f * (n - 1), big.get(n - 1));
        }
    }

    @Test
    void wrappingAnUnsupportedTypeSaysSoButTheBytesAreReadable() throws IOException {
        byte[] block = new byte[144];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) i;
        }
        GgufWriter writer = new GgufWriter().addTensor("q4k", GgmlType.Q4_K, new long[] {256}, MemorySegment.ofArray(block));
        GgufFile gguf = GgufFile.parse(MemorySegment.ofArray(writer.toByteArray()));
        GgufTensor t = gguf.tensor("q4k");
        assertEquals(GgmlType.Q4_K, t.type());
        assertEquals(144, t.segment().byteSize());
        assertEquals((byte) 77, t.segment().get(ValueLayout.JAVA_BYTE, 77));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, t::asArray);
        assertTrue(e.getMessage().contains("tensor 'q4k' has type Q4_K, an unsupported tensor type"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, t::asFloatArray);
    }

    @Test
    void writerRefusesBadDeclarations() {
        GgufWriter writer = new GgufWriter().addTensor("a", FloatArray.fromElements(1f), 1);
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("a", FloatArray.fromElements(1f), 1));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("b", FloatArray.fromElements(1f, 2f), 3));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("q", GgmlType.Q8_0, new long[] {31},
                MemorySegment.ofArray(new byte[34])));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("x".repeat(64), FloatArray.fromElements(1f), 1));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(GgufValueType.FLOAT32, new int[0]));
    }
}
