package dev.squall.models.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.models.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and truncated files: each targeted corruption must name its offset and field; random
 * flips and every truncation must end in a GgufFormatException or a clean parse, never anything else.
 */
class GgufCorruptionTest {

    @TempDir
    Path dir;

    /** Hand-assembles little-endian GGUF bytes, so each test can break exactly one field. */
    private static final class Raw {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Raw u8(int v) {
            out.write(v);
            return this;
        }

        Raw u32(long v) {
            return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        Raw u64(long v) {
            return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        Raw str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return u64(b.length).bytes(b);
        }

        Raw bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Raw header(long tensors, long kvs) {
            return bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors).u64(kvs);
        }

        int size() {
            return out.size();
        }

        /** Pads with zeros up to {@code total} bytes. */
        Raw padTo(int total) {
            while (out.size() < total) {
                out.write(0);
            }
            return this;
        }

        byte[] array() {
            return out.toByteArray();
        }
    }

    private static GgufFormatException bad(byte[] bytes) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes)));
        assertNull(e.getCause(), () -> "found by an explicit check, not by a caught runtime exception: " + e);
        return e;
    }

    private static void assertBad(byte[] bytes, long offset, String field, String problemPart) {
        GgufFormatException e = bad(bytes);
        assertEquals(offset, e.offset(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.problem().contains(problemPart), e.getMessage());
        assertTrue(e.getMessage().startsWith("GGUF: at byte offset " + offset + " (" + field + "): "), e.getMessage());
    }

    @Test
    void magicAndVersion() {
        assertBad(new byte[0], 0, "magic", "truncated");
        assertBad("GGML".getBytes(StandardCharsets.US_ASCII), 0, "magic", "not a GGUF file: starts with 0x47474d4c");
        byte[] bigEndian = new Raw().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).bytes(new byte[] {0, 0, 0, 3})
                .u64(0).u64(0).array();
        assertBad(bigEndian, 4, "version", "big-endian GGUF file (version 3)");
        assertBad(new Raw().bytes("FUGG".getBytes(StandardCharsets.US_ASCII)).array(), 0, "magic", "big-endian");
        assertBad(new Raw().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(1).array(), 4, "version", "version 1");
        assertBad(new Raw().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(4).array(), 4, "version", "unsupported GGUF version 4");
        assertBad(new Raw().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u32(0).array(), 8, "tensor_count", "truncated");
    }

    @Test
    void absurdCountsAndLengthsAreRefusedBeforeAllocating() {
        assertBad(new Raw().header(1L << 62, 0).array(), 8, "tensor_count", "cannot fit");
        assertBad(new Raw().header(0, -1L).array(), 16, "metadata_kv_count", "18446744073709551615 entries cannot fit");
        assertBad(new Raw().header(0, 1).u64(1L << 40).u32(0).u8(0).array(), 24, "metadata[0].key.length", "cannot fit");
        byte[] hugeArray = new Raw().header(0, 1).str("k").u32(9).u32(10).u64(1L << 31).padTo(200).array();
        assertBad(hugeArray, 24 + 9 + 4 + 4, "metadata['k'].count", "array of 2147483648 UINT64 elements cannot fit");
        byte[] stringArray = new Raw().header(0, 1).str("k").u32(9).u32(8).u64(100).padTo(600).array();
        assertBad(stringArray, 24 + 9 + 4 + 4, "metadata['k'].count", "cannot fit"); // 100 strings need 800 bytes at least
        byte[] longString = new Raw().header(0, 1).str("k").u32(8).u64(50).bytes(new byte[49]).array();
        assertBad(longString, 24 + 9 + 4, "metadata['k'].length", "string of 50 bytes cannot fit in the 49 bytes");
    }

    @Test
    void unknownTypesAndBadValues() {
        assertBad(new Raw().header(0, 1).str("k").u32(13).u64(0).array(), 33, "metadata['k'].type", "unknown metadata value type 13");
        assertBad(new Raw().header(0, 1).str("k").u32(9).u32(99).u64(0).array(), 37, "metadata['k'].element_type",
                "unknown metadata value type 99");
        assertBad(new Raw().header(0, 1).str("k").u32(7).u8(2).array(), 37, "metadata['k']", "bool must be 0 or 1");
        assertBad(new Raw().header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2).array(), 41, "metadata[1].key",
                "duplicate key 'k'");
        Raw nested = new Raw().header(0, 1).str("k").u32(9);
        for (int i = 0; i < 20; i++) {
            nested.u32(9).u64(1);
        }
        GgufFormatException deep = bad(nested.u32(4).u64(0).padTo(400).array());
        assertTrue(deep.problem().contains("arrays nested deeper than 16"), deep.getMessage());
        assertTrue(deep.field().startsWith("metadata['k'][0][0]"), deep.field());
        assertBad(new Raw().header(0, 1).str(GgufHeader.ALIGNMENT_KEY).u32(4).u32(48).array(), 24 + 8 + 17 + 4,
                "metadata['general.alignment']", "alignment 48 is not a power of two");
        assertBad(new Raw().header(0, 1).str(GgufHeader.ALIGNMENT_KEY).u32(5).u32(64).array(), 24 + 8 + 17 + 4,
                "metadata['general.alignment']", "must be a UINT32, found INT32");
    }

    /** A file with one tensor entry: name "t", the given dims, type and offset, then {@code dataBytes} of data. */
    private static byte[] oneTensor(long[] dims, long type, long offset, int dataBytes) {
        Raw raw = new Raw().header(1, 0).str("t").u32(dims.length);
        for (long d : dims) {
            raw.u64(d);
        }
        raw.u32(type).u64(offset);
        return raw.padTo((raw.size() + 31) / 32 * 32 + dataBytes).array();
    }

    @Test
    void tensorEntries() {
        // entry fields start at 24 + 9 ("t" with its length) = 33: n_dims, dims, type, offset
        assertBad(oneTensor(new long[] {4}, 0, 32, 16), 49, "tensor_infos[0] ('t').offset", "runs past the end of the file");
        assertBad(oneTensor(new long[] {4}, 0, 4, 64), 49, "tensor_infos[0] ('t').offset", "not a multiple of the alignment 32");
        assertBad(oneTensor(new long[] {4}, 4, 0, 64), 45, "tensor_infos[0] ('t').type", "unknown ggml tensor type 4");
        assertBad(oneTensor(new long[] {4}, 1000, 0, 64), 45, "tensor_infos[0] ('t').type", "unknown ggml tensor type 1000");
        assertBad(oneTensor(new long[] {1L << 62, 8}, 0, 0, 64), 37, "tensor_infos[0] ('t').dims", "element count overflows");
        assertBad(oneTensor(new long[] {1L << 61}, 0, 0, 64), 37, "tensor_infos[0] ('t').dims", "byte size overflows");
        assertBad(oneTensor(new long[] {-2}, 0, 0, 64), 37, "tensor_infos[0] ('t').dims[0]", "18446744073709551614 is out of range");
        assertBad(oneTensor(new long[] {31}, 8, 0, 64), 37, "tensor_infos[0] ('t').dims[0]", "Q8_0 stores blocks of 32");
        assertBad(oneTensor(new long[] {1, 1, 1, 1, 1}, 0, 0, 64), 33, "tensor_infos[0] ('t').n_dims", "5 dimensions; at most 4");
        Raw two = new Raw().header(2, 0).str("a").u32(1).u64(16).u32(0).u64(0).str("b").u32(1).u64(4).u32(0).u64(32);
        assertBad(two.padTo(96 + 64).array(), 82, "tensor_infos[1] ('b').offset", "overlaps tensor 'a' at [0, 64)");
        Raw dup = new Raw().header(2, 0).str("a").u32(1).u64(4).u32(0).u64(0).str("a").u32(1).u64(4).u32(0).u64(32);
        assertBad(dup.padTo(160).array(), 57, "tensor_infos[1].name", "duplicate tensor name 'a'");
    }

    /** A small but varied valid file: every metadata type, a vocabulary, three tensors of different types. */
    static byte[] sampleFile() throws IOException {
        GgufWriter writer = new GgufWriter();
        GgufWriterTest.everyType().forEach(writer::put);
        writer.put("tokenizer.ggml.tokens", GgufValue.strings("<unk>", "<s>", "</s>", "▁a", "▁b", "ab", "▁ab"));
        writer.put("tokenizer.ggml.scores", GgufValue.float32s(0, 0, 0, -1, -2, -3, -4));
        float[] values = GgufWriterTest.randomFloats(64, 5);
        writer.addTensor("f32", FloatArray.fromArray(Arrays.copyOf(values, 16)), 8, 2)
                .addTensor("f16", HalfFloatArray.fromFloats(Arrays.copyOf(values, 16)), 16)
                .addTensor("q8", Q8_0Array.quantize(values), 32, 2);
        return writer.toByteArray();
    }

    /**
     * Parses (from native memory, aligned as a mapping is) and on success reads every element of
     * every tensor; only GgufFormatException may escape.
     */
    private static boolean parsesCleanly(byte[] bytes, int length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment contents = arena.allocate(Math.max(1, length), 64).asSlice(0, length);
            contents.copyFrom(MemorySegment.ofArray(bytes).asSlice(0, length));
            GgufFile gguf = GgufFile.parse(contents);
            for (GgufTensor t : gguf.tensors()) {
                if (t.type().isWrappable() && t.info().elementCount() <= Integer.MAX_VALUE) {
                    float sum = 0;
                    for (float f : t.toFloats()) {
                        sum += f;
                    }
                    assertTrue(Float.isFinite(sum) || !Float.isFinite(sum)); // touched every element
                } else {
                    t.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, t.segment().byteSize() - 1);
                }
            }
            return true;
        } catch (GgufFormatException e) {
            if (e.getCause() != null) {
                fail(what + ": a missed check surfaced as " + e.getCause(), e);
            }
            return false;
        } catch (Throwable t) {
            fail(what + ": " + t, t);
            return false;
        }
    }

    @Test
    void everyTruncationOfTheSampleFileIsRefusedUntilTheDataIsComplete() throws IOException {
        byte[] file = sampleFile();
        GgufFile whole = GgufFile.parse(MemorySegment.ofArray(file));
        long dataEnd = 0;
        for (GgufTensorInfo t : whole.tensorInfos()) {
            dataEnd = Math.max(dataEnd, whole.dataOffset() + t.offset() + t.byteSize());
        }
        for (int length = 0; length < file.length; length++) {
            boolean ok = parsesCleanly(file, length, "truncated to " + length);
            assertEquals(length >= dataEnd, ok, "truncated to " + length + " of " + file.length + " (data ends at " + dataEnd + ")");
        }
    }

    @Test
    void randomHeaderCorruptionOnlyEverGivesAFormatException() throws IOException {
        byte[] original = sampleFile();
        int headerEnd = (int) GgufFile.parse(MemorySegment.ofArray(original)).dataOffset();
        int parsed = 0;
        int refused = 0;
        for (int seed = 0; seed < 10_000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(headerEnd);
                switch (random.nextInt(4)) {
                    case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));   // one bit
                    case 1 -> bytes[at] = (byte) random.nextInt(256);          // one byte
                    case 2 -> bytes[at] = (byte) 0xff;                         // saturate (huge lengths)
                    default -> bytes[at] = 0;                                  // zero (empty lengths, type 0)
                }
            }
            int length = random.nextInt(8) == 0 ? random.nextInt(bytes.length + 1) : bytes.length;
            if (parsesCleanly(bytes, length, "seed " + seed)) {
                parsed++;
            } else {
                refused++;
            }
        }
        assertTrue(parsed > 300 && refused > 300, "both outcomes are exercised: parsed " + parsed + ", refused " + refused);
    }

    @Test
    void truncatedCopiesOfTheRealFixtureAreRefused() throws IOException {
        byte[] file = Files.readAllBytes(Fixtures.tinyLlama());
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 40; i++) {
            int length = i < 30 ? random.nextInt(724_416) : 724_416 + random.nextInt(file.length - 724_416);
            GgufFormatException e = assertThrows(GgufFormatException.class,
                    () -> GgufFile.parse(MemorySegment.ofArray(file).asSlice(0, length)));
            assertNull(e.getCause());
            assertTrue(e.offset() <= length, e.getMessage());
        }
        // and the file on disk: open() names the path
        Path truncated = dir.resolve("truncated.gguf");
        Files.write(truncated, Arrays.copyOf(file, 1000));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(truncated));
        assertTrue(e.getMessage().startsWith("GGUF file " + truncated + ": at byte offset "), e.getMessage());
        assertTrue(e.field().startsWith("metadata['tokenizer.ggml.tokens']"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        GgufFormatException none = assertThrows(GgufFormatException.class, () -> GgufFile.open(empty));
        assertEquals("magic", none.field());
        assertEquals(0, none.offset());
    }
}
