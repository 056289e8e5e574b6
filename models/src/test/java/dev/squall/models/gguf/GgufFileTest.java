package dev.squall.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.models.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the llama.cpp-written fixture and checks it against facts about the file and a second, byte-level decode. */
class GgufFileTest {

    /** The whole fixture, decoded independently with a ByteBuffer. */
    private static ByteBuffer raw() throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(Fixtures.tinyLlama())).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void headerAndModelHyperparameters() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            assertEquals(3, gguf.version());
            assertEquals("llama", gguf.architecture());
            GgufMetadata m = gguf.metadata();
            assertEquals(18, m.size());
            assertEquals("LLaMA v2", m.getString("general.name"));
            assertEquals(1, m.getInt("llama.block_count"));
            assertEquals(8, m.getInt("llama.embedding_length"));
            assertEquals(2, m.getInt("llama.attention.head_count"));
            assertEquals(2, m.getInt("llama.attention.head_count_kv"));
            assertEquals(32, m.getInt("llama.feed_forward_length"));
            assertEquals(4096, m.getInt("llama.context_length"));
            assertEquals(4, m.getInt("llama.rope.dimension_count"));
            assertEquals(1e-5f, m.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(GgufValueType.UINT32, m.get("llama.block_count").orElseThrow().type());
            assertEquals("llama", m.getString("tokenizer.ggml.model"));
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(32000, tokens.length);
            assertEquals(List.of("<unk>", "<s>", "</s>", "<0x00>"), List.of(tokens).subList(0, 4));
            assertEquals("▁The", tokens[450]);
            int[] types = m.getIntArray("tokenizer.ggml.token_type");
            assertArrayEquals(new int[] {2, 3, 3, 6}, java.util.Arrays.copyOf(types, 4));
            assertEquals(32000, m.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(1, m.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(2, m.getInt("tokenizer.ggml.eos_token_id"));
            assertEquals(0, m.getInt("tokenizer.ggml.unknown_token_id"));
            assertEquals(32, gguf.alignment());
            assertEquals(724_416, gguf.dataOffset(), "tensor infos end at 724,398; rounded up to 32");
        }
    }

    @Test
    void tensorNamesShapesTypesAndOffsets() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            List<String> expected = List.of(
                    "token_embd.weight F16 [8, 32000] @0",
                    "blk.0.attn_q.weight F16 [8, 8] @512000",
                    "blk.0.attn_k.weight F16 [8, 8] @512128",
                    "blk.0.attn_v.weight F16 [8, 8] @512256",
                    "blk.0.attn_output.weight F16 [8, 8] @512384",
                    "blk.0.ffn_gate.weight F16 [8, 32] @512512",
                    "blk.0.ffn_up.weight F16 [8, 32] @513024",
                    "blk.0.ffn_down.weight F16 [32, 8] @513536",
                    "blk.0.attn_norm.weight F32 [8] @514048",
                    "blk.0.ffn_norm.weight F32 [8] @514080",
                    "output_norm.weight F32 [8] @514112",
                    "output.weight F16 [8, 32000] @514144");
            assertEquals(expected, gguf.tensorInfos().stream().map(GgufTensorInfo::toString).toList());
            GgufTensor embd = gguf.tensor("token_embd.weight");
            assertEquals(256_000, embd.info().elementCount());
            assertEquals(512_000, embd.segment().byteSize());
            assertInstanceOf(HalfFloatArray.class, embd.asArray());
            assertInstanceOf(FloatArray.class, gguf.tensor("output_norm.weight").asArray());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> gguf.tensor("blk.1.attn_q.weight"));
            assertTrue(missing.getMessage().contains("no tensor 'blk.1.attn_q.weight'"), missing.getMessage());
        }
    }

    @Test
    void tensorValuesMatchAnIndependentDecodeOfTheBytes() throws IOException {
        ByteBuffer raw = raw();
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            long base = gguf.dataOffset();
            // F16: token 450 ("▁The"), all 8 elements of its embedding row; Float.float16ToFloat is the JDK's own decoder
            HalfFloatArray embd = gguf.tensor("token_embd.weight").asHalfFloatArray();
            for (int i = 0; i < 8; i++) {
                int index = 450 * 8 + i;
                float expected = Float.float16ToFloat(raw.getShort((int) (base + 2L * index)));
                assertEquals(expected, embd.getFloat(index));
            }
            // the last element of the file is the last element of output.weight
            HalfFloatArray output = gguf.tensor("output.weight").asHalfFloatArray();
            assertEquals(Float.float16ToFloat(raw.getShort(raw.capacity() - 2)), output.getFloat(output.getSize() - 1));
            // F32 norm weights
            FloatArray norm = gguf.tensor("blk.0.ffn_norm.weight").asFloatArray();
            for (int i = 0; i < 8; i++) {
                assertEquals(raw.getFloat((int) (base + 514_080 + 4L * i)), norm.get(i));
            }
            // metadata: locate the scores array by its key's bytes, then read its header and element 450 by hand
            byte[] key = "tokenizer.ggml.scores".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int at = indexOf(raw.array(), key) + key.length;
            assertEquals(9, raw.getInt(at), "value type ARRAY");
            assertEquals(6, raw.getInt(at + 4), "element type FLOAT32");
            assertEquals(32000L, raw.getLong(at + 8));
            float[] scores = gguf.metadata().getFloatArray("tokenizer.ggml.scores");
            assertEquals(raw.getFloat(at + 16 + 4 * 450), scores[450]);
            assertTrue(scores[450] < 0, "normal pieces have negative log-probability scores");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void wrongOrMissingMetadataNamesTheKeyAndTheActualType() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            GgufMetadata m = gguf.metadata();
            GgufMetadataException wrong = assertThrows(GgufMetadataException.class, () -> m.getInt("general.architecture"));
            assertEquals("GGUF metadata 'general.architecture': expected an integer but the file has STRING", wrong.getMessage());
            GgufMetadataException array = assertThrows(GgufMetadataException.class, () -> m.getString("tokenizer.ggml.scores"));
            assertTrue(array.getMessage().contains("array of FLOAT32"), array.getMessage());
            GgufMetadataException missing = assertThrows(GgufMetadataException.class, () -> m.getFloat("llama.rope.freq_base"));
            assertEquals("GGUF metadata 'llama.rope.freq_base': missing", missing.getMessage());
            assertEquals(10000f, m.getFloat("llama.rope.freq_base", 10000f));
            assertFalse(m.getBool("tokenizer.ggml.add_eos_token", false));
            assertThrows(GgufMetadataException.class, () -> m.getStringArray("tokenizer.ggml.scores"));
        }
    }

    @Test
    void closingUnmapsAndLaterAccessFailsCleanly() throws IOException {
        GgufFile gguf = GgufFile.open(Fixtures.tinyLlama());
        FloatArray norm = gguf.tensor("output_norm.weight").asFloatArray();
        float before = norm.get(3);
        assertTrue(Float.isFinite(before));
        gguf.close();
        assertThrows(IllegalStateException.class, () -> norm.get(3));
        gguf.close(); // idempotent
    }

    @Test
    void mappedTensorsAreReadOnly() throws IOException {
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyLlama())) {
            FloatArray norm = gguf.tensor("output_norm.weight").asFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> norm.set(0, 1f));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }
}
