package dev.squall.models.llama;

import dev.squall.models.gguf.GgufMetadata;
import dev.squall.models.gguf.GgufMetadataException;

/**
 * Hyperparameters of a Llama-family model, read from {@code <arch>.*} GGUF metadata.
 *
 * @param architecture  llama (also Mistral) or qwen2
 * @param contextLength trained context, {@code <arch>.context_length}
 * @param dim           model width, {@code <arch>.embedding_length}
 * @param layers        {@code <arch>.block_count}
 * @param ffnDim        hidden width of the SwiGLU feed-forward, {@code <arch>.feed_forward_length}
 * @param heads         query heads, {@code <arch>.attention.head_count}
 * @param kvHeads       key/value heads (GQA when fewer than heads), {@code <arch>.attention.head_count_kv}
 * @param headDim       per-head width, {@code <arch>.attention.key_length} or dim / heads
 * @param rmsEps        RMSNorm epsilon, {@code <arch>.attention.layer_norm_rms_epsilon}
 * @param ropeBase      RoPE frequency base θ, {@code <arch>.rope.freq_base} (10000 if absent)
 * @param ropeDim       rotated dimensions per head, {@code <arch>.rope.dimension_count} (headDim if absent)
 * @param vocabSize     number of tokens, from {@code tokenizer.ggml.tokens} (or {@code <arch>.vocab_size})
 */
public record LlamaConfig(Architecture architecture, int contextLength, int dim, int layers, int ffnDim, int heads,
        int kvHeads, int headDim, float rmsEps, float ropeBase, int ropeDim, int vocabSize) {

    public LlamaConfig {
        positive("contextLength", contextLength);
        positive("dim", dim);
        positive("layers", layers);
        positive("ffnDim", ffnDim);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("headDim", headDim);
        positive("ropeDim", ropeDim);
        positive("vocabSize", vocabSize);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot be shared evenly by " + kvHeads + " key/value heads");
        }
        if (ropeDim % 2 != 0 || ropeDim > headDim) {
            throw new IllegalArgumentException("ropeDim " + ropeDim + " must be even and at most headDim " + headDim);
        }
        if (!(rmsEps > 0) || !(ropeBase > 0)) {
            throw new IllegalArgumentException("rmsEps (" + rmsEps + ") and ropeBase (" + ropeBase + ") must be positive");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The configuration in a GGUF file's metadata. */
    public static LlamaConfig fromGguf(GgufMetadata m) {
        Architecture arch = Architecture.fromGguf(m.getString("general.architecture"));
        String p = arch.ggufName() + ".";
        int dim = m.getInt(p + "embedding_length");
        int heads = m.getInt(p + "attention.head_count");
        int kvHeads = m.getInt(p + "attention.head_count_kv", heads);
        if (!m.has(p + "attention.key_length") && dim % heads != 0) {
            throw new GgufMetadataException(p + "attention.head_count", heads + " heads do not divide embedding_length " + dim);
        }
        int headDim = m.getInt(p + "attention.key_length", dim / heads);
        if (m.has(p + "attention.value_length") && m.getInt(p + "attention.value_length") != headDim) {
            throw new GgufMetadataException(p + "attention.value_length", "differs from the key length " + headDim
                    + "; such models are not supported");
        }
        int vocab = m.has(p + "vocab_size") ? m.getInt(p + "vocab_size") : m.getArray("tokenizer.ggml.tokens").length();
        try {
            return new LlamaConfig(arch, m.getInt(p + "context_length"), dim, m.getInt(p + "block_count"),
                    m.getInt(p + "feed_forward_length"), heads, kvHeads, headDim,
                    m.getFloat(p + "attention.layer_norm_rms_epsilon"), m.getFloat(p + "rope.freq_base", 10000f),
                    m.getInt(p + "rope.dimension_count", headDim), vocab);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GGUF metadata of a '" + arch.ggufName() + "' model is inconsistent: "
                    + e.getMessage(), e);
        }
    }

    /** Width of all query heads together. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of all key (or value) heads together: one position of one layer's K cache. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    public RopeStyle ropeStyle() {
        return architecture.ropeStyle();
    }
}
