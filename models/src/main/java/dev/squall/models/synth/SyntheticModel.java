package dev.squall.models.synth;

import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q8_0Array;
import dev.squall.models.gguf.GgmlType;
import dev.squall.models.gguf.GgufValue;
import dev.squall.models.gguf.GgufWriter;
import dev.squall.models.llama.Architecture;
import dev.squall.models.llama.LlamaConfig;
import dev.squall.models.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a GGUF model with a preset's real architecture and random weights, for benchmarks and
 * tests where only shapes and types matter. Matrices are uniform with standard deviation 0.02
 * (the usual initialisation), norms are 1, biases small. Each tensor is generated and written a
 * chunk of rows at a time from its own seed, so a 7B model is written with a few megabytes of
 * memory and the same seed always gives the same file.
 */
public final class SyntheticModel {

    /** Standard deviation of the random matrices. */
    static final double WEIGHT_STD = 0.02;
    /** Elements generated, converted and written per step. */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private SyntheticModel() {
    }

    /** Writes {@code preset} with {@code dtype} matrices to {@code out}, reporting each tensor to {@code progress}. */
    public static void write(ModelPreset preset, WeightDType dtype, long seed, Path out, GgufWriter.Progress progress)
            throws IOException {
        writer(preset, dtype, seed).write(out, progress);
    }

    /** The writer, with metadata and every tensor declared (nothing generated until it writes). */
    public static GgufWriter writer(ModelPreset preset, WeightDType dtype, long seed) {
        LlamaConfig c = preset.config();
        String arch = preset.architecture().ggufName();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch)
                .putString("general.name", "synthetic " + preset.name() + " (random weights)")
                .putUInt32("general.file_type", dtype.fileType())
                .putUInt32(arch + ".context_length", c.contextLength())
                .putUInt32(arch + ".embedding_length", c.dim())
                .putUInt32(arch + ".block_count", c.layers())
                .putUInt32(arch + ".feed_forward_length", c.ffnDim())
                .putUInt32(arch + ".attention.head_count", c.heads())
                .putUInt32(arch + ".attention.head_count_kv", c.kvHeads())
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", c.rmsEps())
                .putFloat32(arch + ".rope.freq_base", c.ropeBase())
                .putUInt32(arch + ".rope.dimension_count", c.ropeDim());
        PlaceholderVocabulary vocab = PlaceholderVocabulary.of(preset.vocabSize(), preset.specialTokens());
        boolean qwen = preset.architecture() == Architecture.QWEN2;
        w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", qwen ? "qwen2" : "llama-bpe")
                .put(Vocabulary.TOKENS, GgufValue.strings(vocab.tokens()))
                .put(Vocabulary.TOKEN_TYPE, GgufValue.int32s(vocab.types()))
                .put("tokenizer.ggml.merges", GgufValue.strings(vocab.merges()))
                .putUInt32(Vocabulary.BOS, vocab.firstSpecialId())
                .putUInt32(Vocabulary.EOS, vocab.firstSpecialId() + 1)
                .putBool(Vocabulary.ADD_BOS, !qwen);

        Tensors t = new Tensors(w, dtype, seed);
        t.matrix("token_embd.weight", c.vocabSize(), c.dim());
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            t.ones(p + "attn_norm.weight", c.dim());
            t.matrix(p + "attn_q.weight", c.qDim(), c.dim());
            t.matrix(p + "attn_k.weight", c.kvDim(), c.dim());
            t.matrix(p + "attn_v.weight", c.kvDim(), c.dim());
            if (preset.architecture().hasQkvBias()) {
                t.bias(p + "attn_q.bias", c.qDim());
                t.bias(p + "attn_k.bias", c.kvDim());
                t.bias(p + "attn_v.bias", c.kvDim());
            }
            t.matrix(p + "attn_output.weight", c.dim(), c.qDim());
            t.ones(p + "ffn_norm.weight", c.dim());
            t.matrix(p + "ffn_gate.weight", c.ffnDim(), c.dim());
            t.matrix(p + "ffn_up.weight", c.ffnDim(), c.dim());
            t.matrix(p + "ffn_down.weight", c.dim(), c.ffnDim());
        }
        t.ones("output_norm.weight", c.dim());
        if (!preset.tiedEmbeddings()) {
            t.matrix("output.weight", c.vocabSize(), c.dim());
        }
        return w;
    }

    /** Declares tensors whose data is generated while the writer writes. */
    private record Tensors(GgufWriter writer, WeightDType dtype, long seed) {

        void matrix(String name, int rows, int cols) {
            double bound = WEIGHT_STD * Math.sqrt(3); // uniform on [-b, b] has std b / √3
            declare(name, dtype.matrixType(), new long[] {cols, rows}, (long) rows * cols, cols, bound, 0);
        }

        void ones(String name, int length) {
            declare(name, GgmlType.F32, new long[] {length}, length, length, 0, 1);
        }

        void bias(String name, int length) {
            declare(name, GgmlType.F32, new long[] {length}, length, length, WEIGHT_STD * Math.sqrt(3), 0);
        }

        /** Elements uniform in [offset − bound, offset + bound], written whole rows per chunk. */
        private void declare(String name, GgmlType type, long[] dims, long elements, int rowLength, double bound, double offset) {
            long tensorSeed = seed * 0x9E3779B97F4A7C15L + name.hashCode();
            writer.addTensor(name, type, dims, sink -> {
                SplittableRandom random = new SplittableRandom(tensorSeed);
                int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowLength);
                float[] values = new float[(int) Math.min(elements, (long) rowsPerChunk * rowLength)];
                for (long done = 0; done < elements; ) {
                    int n = (int) Math.min(values.length, elements - done);
                    float[] chunk = n == values.length ? values : new float[n];
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (float) (offset + bound * (2 * random.nextDouble() - 1));
                    }
                    NativeArray array = switch (type) {
                        case F32 -> FloatArray.fromArray(chunk);
                        case F16 -> HalfFloatArray.fromFloats(chunk);
                        case Q8_0 -> Q8_0Array.quantize(chunk);
                        default -> throw new IllegalStateException("no synthetic " + type + " weights");
                    };
                    sink.write(array.segment());
                    array.free();
                    done += n;
                }
            });
        }
    }
}
