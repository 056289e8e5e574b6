package dev.squall.models.llama;

/**
 * Which elements of a head rotary position embedding rotates together. The two conventions give
 * different results on the same weights, so the one matching the GGUF file's layout must be used:
 * llama.cpp's converter permutes the Q/K rows of {@code llama} models for {@link #ADJACENT_PAIRS},
 * while {@code qwen2} keeps Hugging Face's layout and needs {@link #HALF_SPLIT}.
 */
public enum RopeStyle {
    /** Pairs (x[2i], x[2i+1]): ggml's "normal" mode, used for arch {@code llama}. */
    ADJACENT_PAIRS,
    /** Pairs (x[i], x[i + d/2]): GPT-NeoX's "rotate half", used for arch {@code qwen2}. */
    HALF_SPLIT
}
