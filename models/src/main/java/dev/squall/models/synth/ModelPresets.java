package dev.squall.models.synth;

import dev.squall.models.llama.Architecture;
import java.util.List;

/** Published shapes of common models (from their released configs), and tiny ones for tests. */
public final class ModelPresets {

    private static final List<String> LLAMA3_SPECIALS = List.of("<|begin_of_text|>", "<|end_of_text|>",
            "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");
    private static final List<String> SENTENCEPIECE_ERA_SPECIALS = List.of("<s>", "</s>");
    private static final List<String> QWEN2_SPECIALS = List.of("<|endoftext|>", "<|im_end|>", "<|im_start|>");

    /** Llama architecture with GQA (4 query heads on 2 key/value heads), two layers: for tests. */
    public static final ModelPreset TINY = new ModelPreset("tiny", Architecture.LLAMA, 64, 2, 4, 2, 128, 384, 256, 10000f,
            1e-5f, false, LLAMA3_SPECIALS);
    /** Qwen2 architecture (Q/K/V biases, NeoX RoPE, tied embeddings), two layers: for tests. */
    public static final ModelPreset TINY_QWEN2 = new ModelPreset("tiny-qwen2", Architecture.QWEN2, 64, 2, 4, 2, 96, 384, 256,
            1_000_000f, 1e-6f, true, QWEN2_SPECIALS);
    public static final ModelPreset LLAMA_3_2_1B = new ModelPreset("llama-3.2-1b", Architecture.LLAMA, 2048, 16, 32, 8, 8192,
            128_256, 131_072, 500_000f, 1e-5f, true, LLAMA3_SPECIALS);
    public static final ModelPreset LLAMA_2_7B = new ModelPreset("llama-2-7b", Architecture.LLAMA, 4096, 32, 32, 32, 11008,
            32_000, 4096, 10000f, 1e-5f, false, SENTENCEPIECE_ERA_SPECIALS);
    public static final ModelPreset LLAMA_3_8B = new ModelPreset("llama-3-8b", Architecture.LLAMA, 4096, 32, 32, 8, 14336,
            128_256, 8192, 500_000f, 1e-5f, false, LLAMA3_SPECIALS);
    /** Mistral 7B v0.1 (GGUF files label it {@code llama}). */
    public static final ModelPreset MISTRAL_7B = new ModelPreset("mistral-7b", Architecture.LLAMA, 4096, 32, 32, 8, 14336,
            32_000, 32_768, 10000f, 1e-5f, false, SENTENCEPIECE_ERA_SPECIALS);
    public static final ModelPreset QWEN2_0_5B = new ModelPreset("qwen2-0.5b", Architecture.QWEN2, 896, 24, 14, 2, 4864,
            151_936, 32_768, 1_000_000f, 1e-6f, true, QWEN2_SPECIALS);

    private static final List<ModelPreset> ALL = List.of(TINY, TINY_QWEN2, LLAMA_3_2_1B, LLAMA_2_7B, LLAMA_3_8B, MISTRAL_7B,
            QWEN2_0_5B);

    private ModelPresets() {
    }

    public static List<ModelPreset> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(ModelPreset::name).toList();
    }

    /** The preset called {@code name}. */
    public static ModelPreset get(String name) {
        for (ModelPreset p : ALL) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no preset '" + name + "'; presets: " + names());
    }
}
