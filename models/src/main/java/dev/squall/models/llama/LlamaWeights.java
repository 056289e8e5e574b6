package dev.squall.models.llama;

import dev.squall.models.gguf.GgmlType;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * All weights of a Llama-family model, mapped from llama.cpp's tensor names with every shape
 * checked against the {@link LlamaConfig}. The arrays are views of the GGUF file's mapping: they
 * stay valid while the {@link GgufFile} is open and are read-only.
 *
 * @param config         the hyperparameters the shapes were checked against
 * @param tokenEmbedding (vocab, d) {@code token_embd.weight}: row t is token t's embedding
 * @param layers         the transformer blocks in order
 * @param outputNorm     (1, d) {@code output_norm.weight}
 * @param output         (vocab, d) {@code output.weight}, or the token embedding when the file has none
 * @param outputTied     true when {@code output} is the token embedding
 * @param ropeFreqs      (1, ropeDim/2) {@code rope_freqs.weight}: divisors of the RoPE frequencies (Llama 3.1
 *                       long-context scaling), or null
 */
public record LlamaWeights(LlamaConfig config, Weight tokenEmbedding, List<LayerWeights> layers, Weight outputNorm,
        Weight output, boolean outputTied, Weight ropeFreqs) {

    public LlamaWeights {
        layers = List.copyOf(layers);
    }

    /** Config and weights of an open GGUF file. */
    public static LlamaWeights load(GgufFile gguf) {
        return load(gguf, LlamaConfig.fromGguf(gguf.metadata()));
    }

    public static LlamaWeights load(GgufFile gguf, LlamaConfig c) {
        int d = c.dim();
        Weight embedding = matrix(gguf, "token_embd.weight", c.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        boolean bias = c.architecture().hasQkvBias();
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            layers.add(new LayerWeights(
                    vector(gguf, p + "attn_norm.weight", d),
                    matrix(gguf, p + "attn_q.weight", c.qDim(), d),
                    matrix(gguf, p + "attn_k.weight", c.kvDim(), d),
                    matrix(gguf, p + "attn_v.weight", c.kvDim(), d),
                    bias ? vector(gguf, p + "attn_q.bias", c.qDim()) : null,
                    bias ? vector(gguf, p + "attn_k.bias", c.kvDim()) : null,
                    bias ? vector(gguf, p + "attn_v.bias", c.kvDim()) : null,
                    matrix(gguf, p + "attn_output.weight", d, c.qDim()),
                    vector(gguf, p + "ffn_norm.weight", d),
                    matrix(gguf, p + "ffn_gate.weight", c.ffnDim(), d),
                    matrix(gguf, p + "ffn_up.weight", c.ffnDim(), d),
                    matrix(gguf, p + "ffn_down.weight", d, c.ffnDim())));
        }
        Weight outputNorm = vector(gguf, "output_norm.weight", d);
        boolean tied = !gguf.hasTensor("output.weight");
        Weight output = tied ? embedding : matrix(gguf, "output.weight", c.vocabSize(), d);
        Weight ropeFreqs = gguf.hasTensor("rope_freqs.weight") ? vector(gguf, "rope_freqs.weight", c.ropeDim() / 2) : null;
        return new LlamaWeights(c, embedding, layers, outputNorm, output, tied, ropeFreqs);
    }

    private static Weight matrix(GgufFile gguf, String name, int rows, int cols) {
        return weight(gguf, name, new long[] {cols, rows}, rows, cols);
    }

    private static Weight vector(GgufFile gguf, String name, int length) {
        return weight(gguf, name, new long[] {length}, 1, length);
    }

    private static Weight weight(GgufFile gguf, String name, long[] expectedDims, int rows, int cols) {
        GgufTensor t = gguf.findTensor(name).orElseThrow(() -> new IncompatibleModelException(
                "the model has no tensor '" + name + "'"));
        if (!Arrays.equals(t.dims(), expectedDims)) {
            throw new IncompatibleModelException("tensor '" + name + "' has dims " + Arrays.toString(t.dims())
                    + "; the config needs " + Arrays.toString(expectedDims) + " (" + rows + " rows of " + cols
                    + ", GGUF lists the fastest dimension first)");
        }
        if (!t.type().isWrappable()) {
            throw new IncompatibleModelException("tensor '" + name + "' has type " + t.type()
                    + ", an unsupported tensor type (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }
        return new Weight(name, t.type(), t.asArray(), rows, cols);
    }

    /** Every weight, in file order of the blocks: for totals, transfers and listings. */
    public List<Weight> all() {
        List<Weight> all = new ArrayList<>();
        all.add(tokenEmbedding);
        for (LayerWeights l : layers) {
            for (Weight w : new Weight[] {l.attnNorm(), l.wq(), l.wk(), l.wv(), l.bq(), l.bk(), l.bv(), l.wo(), l.ffnNorm(),
                l.ffnGate(), l.ffnUp(), l.ffnDown()}) {
                if (w != null) {
                    all.add(w);
                }
            }
        }
        all.add(outputNorm);
        if (!outputTied) {
            all.add(output);
        }
        if (ropeFreqs != null) {
            all.add(ropeFreqs);
        }
        return all;
    }

    /** The storage type of most weights (that of the first block's Q projection). */
    public GgmlType weightType() {
        return layers.isEmpty() ? tokenEmbedding.type() : layers.getFirst().wq().type();
    }

    public Optional<Weight> ropeFrequencyFactors() {
        return Optional.ofNullable(ropeFreqs);
    }
}
