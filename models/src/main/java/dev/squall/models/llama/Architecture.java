package dev.squall.models.llama;

import java.util.Arrays;

/** The Llama-family architectures this package runs, by their GGUF {@code general.architecture} name. */
public enum Architecture {
    /** Llama 1/2/3 and Mistral 7B (which GGUF files label {@code llama}). */
    LLAMA("llama", RopeStyle.ADJACENT_PAIRS, false),
    /** Qwen2 / Qwen2.5: biases on Q, K and V, NeoX-style RoPE. */
    QWEN2("qwen2", RopeStyle.HALF_SPLIT, true);

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final boolean qkvBias;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean qkvBias) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkvBias = qkvBias;
    }

    /** The {@code general.architecture} value, also the prefix of the hyperparameter keys. */
    public String ggufName() {
        return ggufName;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    /** Whether Q, K and V projections have biases ({@code blk.N.attn_q.bias} …). */
    public boolean hasQkvBias() {
        return qkvBias;
    }

    /** The architecture called {@code name} in GGUF metadata. */
    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("architecture '" + name + "' is not supported; supported: "
                + Arrays.stream(values()).map(Architecture::ggufName).toList());
    }
}
