package dev.squall.models.synth;

import dev.squall.models.llama.Architecture;
import dev.squall.models.llama.LlamaConfig;
import java.util.List;

/**
 * The shape of a real model (or a tiny one for tests), enough to write a GGUF file of the same
 * architecture with random weights.
 *
 * @param name           e.g. {@code llama-3-8b}
 * @param tiedEmbeddings no {@code output.weight}: the output projection is the token embedding
 * @param specialTokens  the last tokens of the vocabulary; the first is BOS, the second EOS
 */
public record ModelPreset(String name, Architecture architecture, int dim, int layers, int heads, int kvHeads, int ffnDim,
        int vocabSize, int contextLength, float ropeBase, float rmsEps, boolean tiedEmbeddings, List<String> specialTokens) {

    public ModelPreset {
        specialTokens = List.copyOf(specialTokens);
        if (specialTokens.size() < 2) {
            throw new IllegalArgumentException(name + ": needs at least BOS and EOS special tokens");
        }
        if (vocabSize < 256 + specialTokens.size()) {
            throw new IllegalArgumentException(name + ": a byte-level vocabulary needs at least 256 + "
                    + specialTokens.size() + " tokens, got " + vocabSize);
        }
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException(name + ": " + heads + " heads do not divide dim " + dim);
        }
        // validates the remaining dimensions (fields are not yet assigned here, so not via config())
        new LlamaConfig(architecture, contextLength, dim, layers, ffnDim, heads, kvHeads, dim / heads, rmsEps, ropeBase,
                dim / heads, vocabSize);
    }

    public int headDim() {
        return dim / heads;
    }

    /** The configuration a file written from this preset declares. */
    public LlamaConfig config() {
        return new LlamaConfig(architecture, contextLength, dim, layers, ffnDim, heads, kvHeads, dim / heads, rmsEps, ropeBase,
                dim / heads, vocabSize);
    }

    /** Number of weights (every element of every tensor). */
    public long parameterCount() {
        long d = dim;
        long kv = (long) kvHeads * headDim();
        long perLayer = d                           // attn_norm
                + d * d + 2 * kv * d                // q, k, v
                + (architecture.hasQkvBias() ? d + 2 * kv : 0)
                + d * d                             // attn_output
                + d                                 // ffn_norm
                + 3 * d * ffnDim;                   // gate, up, down
        return (long) vocabSize * d * (tiedEmbeddings ? 1 : 2) + layers * perLayer + d;
    }
}
