package dev.squall.models.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.models.gguf.GgmlType;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufTensorInfo;
import dev.squall.models.tokenizer.BytePairTokenizer;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelTest {

    @TempDir
    Path dir;

    @Test
    void presetsHaveThePublishedParameterCounts() {
        // totals from the models' releases (embedding and output counted separately unless tied)
        assertEquals(6_738_415_616L, ModelPresets.get("llama-2-7b").parameterCount());
        assertEquals(8_030_261_248L, ModelPresets.get("llama-3-8b").parameterCount());
        assertEquals(7_241_732_096L, ModelPresets.get("mistral-7b").parameterCount());
        assertEquals(1_235_814_400L, ModelPresets.get("llama-3.2-1b").parameterCount());
        assertEquals(494_032_768L, ModelPresets.get("qwen2-0.5b").parameterCount());
        assertEquals(List.of("tiny", "tiny-qwen2", "llama-3.2-1b", "llama-2-7b", "llama-3-8b", "mistral-7b", "qwen2-0.5b"),
                ModelPresets.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelPresets.get("gpt-5"));
        assertTrue(e.getMessage().startsWith("no preset 'gpt-5'; presets: [tiny,"), e.getMessage());
    }

    @Test
    void largeFilesAreOnlyDeclaredUntilWritten() {
        // declaring a 7B f16 model generates nothing: the writer knows its size from the shapes alone
        ModelPreset p = ModelPresets.LLAMA_2_7B;
        long vectors = (long) p.dim() * (2L * p.layers() + 1);
        long matrices = p.parameterCount() - vectors;
        long bytes = SyntheticModel.writer(p, WeightDType.F16, 1).dataBytes();
        assertTrue(bytes >= 2 * matrices + 4 * vectors && bytes < 2 * matrices + 4 * vectors + 32L * 300, "" + bytes);
        assertEquals(matrices / 32 * 34 + 4 * vectors, SyntheticModel.writer(p, WeightDType.Q8_0, 1).dataBytes(),
                "these shapes need no padding");
    }

    @Test
    void tinyPresetWritesAReadableModelInEveryDType() throws IOException {
        for (WeightDType dtype : WeightDType.values()) {
            Path file = dir.resolve("tiny-" + dtype.label() + ".gguf");
            List<String> progress = new ArrayList<>();
            SyntheticModel.write(ModelPresets.TINY, dtype, 7, file, (name, done, total) -> progress.add(name));
            assertEquals(3 + 2 * 9, progress.size(), "every tensor reported");
            try (GgufFile gguf = GgufFile.open(file)) {
                assertEquals(ModelPresets.TINY.config(), dev.squall.models.llama.LlamaConfig.fromGguf(gguf.metadata()));
                assertEquals(ModelPresets.TINY.parameterCount(),
                        gguf.tensorInfos().stream().mapToLong(GgufTensorInfo::elementCount).sum());
                assertEquals(dtype.fileType(), gguf.metadata().getInt("general.file_type"));
                for (GgufTensorInfo info : gguf.tensorInfos()) {
                    GgmlType expected = info.rank() == 2 ? dtype.matrixType() : GgmlType.F32;
                    assertEquals(expected, info.type(), info.name());
                }
                assertArrayEquals(new long[] {64, 384}, gguf.tensor("token_embd.weight").dims());
                assertArrayEquals(new long[] {64, 32}, gguf.tensor("blk.1.attn_k.weight").dims(), "2 kv heads of 16");
                assertArrayEquals(new long[] {128, 64}, gguf.tensor("blk.0.ffn_down.weight").dims());
                float[] norm = gguf.tensor("blk.0.attn_norm.weight").toFloats();
                assertEquals(1f, norm[0]);
                float[] embd = gguf.tensor("token_embd.weight").toFloats();
                double sumSquares = 0;
                float max = 0;
                for (float v : embd) {
                    sumSquares += v * v;
                    max = Math.max(max, Math.abs(v));
                }
                double std = Math.sqrt(sumSquares / embd.length);
                assertEquals(0.02, std, 0.002, "uniform weights with std 0.02");
                assertTrue(max <= 0.02 * Math.sqrt(3) * 1.01, "bounded by √3·std");
            }
        }
    }

    @Test
    void theSameSeedWritesTheSameFile() throws IOException {
        byte[] a = SyntheticModel.writer(ModelPresets.TINY, WeightDType.Q8_0, 5).toByteArray();
        byte[] b = SyntheticModel.writer(ModelPresets.TINY, WeightDType.Q8_0, 5).toByteArray();
        byte[] c = SyntheticModel.writer(ModelPresets.TINY, WeightDType.Q8_0, 6).toByteArray();
        assertArrayEquals(a, b);
        assertEquals(a.length, c.length);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void placeholderVocabularyTokenizes() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(ModelPresets.TINY, WeightDType.F32, 1, file, (n, d, t) -> {
        });
        try (GgufFile gguf = GgufFile.open(file)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf.metadata());
            assertInstanceOf(BytePairTokenizer.class, tokenizer);
            assertEquals(384, tokenizer.vocabSize());
            assertEquals(379, tokenizer.bos(), "specials come last: 384 − 5");
            assertEquals("<|begin_of_text|>", tokenizer.vocabulary().token(379));
            String text = "the quick brown fox, 42 times ✓";
            int[] ids = tokenizer.encode(text);
            assertEquals(379, ids[0]);
            assertTrue(ids.length < text.length(), "merges shorten the text: " + ids.length);
            assertEquals(text, tokenizer.decode(ids));
        }
        PlaceholderVocabulary v = PlaceholderVocabulary.of(300, List.of("<s>", "</s>"));
        assertEquals("ĠĠ", v.tokens()[256]);
        assertEquals("Ġe", v.tokens()[257]);
        assertEquals("Ġ e", v.merges()[1]);
        assertEquals(42, v.merges().length);
        assertThrows(IllegalArgumentException.class, () -> PlaceholderVocabulary.of(257, List.of("<s>", "</s>")));
    }
}
