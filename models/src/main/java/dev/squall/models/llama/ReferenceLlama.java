package dev.squall.models.llama;

import java.util.Arrays;
import java.util.List;

/**
 * A plain-Java float32 forward pass of a Llama-family model with a KV cache: the reference a
 * device implementation is checked against. Clarity over speed: one loop per formula, weights
 * dequantised row by row from their Squall arrays (so any supported storage type works).
 *
 * <pre>
 * x = embed[token]
 * per layer:  h = rmsnorm(x)·w_attn_norm;  q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv)
 *             rope(q, k at position);  cache k, v;  per head: softmax(q·K / √headDim) · V  (GQA: kv head = head / group)
 *             x += Wo attn;  h = rmsnorm(x)·w_ffn_norm;  x += Wdown (silu(Wgate h) ⊙ Wup h)
 * logits = Wout (rmsnorm(x)·w_output_norm)
 * </pre>
 *
 * <p>Not thread-safe: one sequence at a time.
 */
public final class ReferenceLlama implements LanguageModel {

    private final LlamaWeights weights;
    private final LlamaConfig c;
    private final int maxSequenceLength;
    private final float[] ropeFactors;
    // (layer, position · kvDim): keys already rotated
    private final float[][] keyCache;
    private final float[][] valueCache;
    private int length;

    // scratch buffers, reused by every forward
    private final float[] x;
    private final float[] h;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attn;
    private final float[] gate;
    private final float[] up;
    private final float[] scores;
    private final float[] rowBuffer;

    /**
     * @param maxSequenceLength positions the KV cache holds (at most the model's context length)
     */
    public ReferenceLlama(LlamaWeights weights, int maxSequenceLength) {
        this.weights = weights;
        this.c = weights.config();
        if (maxSequenceLength <= 0 || maxSequenceLength > c.contextLength()) {
            throw new IllegalArgumentException("maxSequenceLength " + maxSequenceLength + " must be in 1.." + c.contextLength());
        }
        this.maxSequenceLength = maxSequenceLength;
        this.ropeFactors = weights.ropeFreqs() != null ? weights.ropeFreqs().toFloats() : null;
        this.keyCache = new float[c.layers()][Math.multiplyExact(maxSequenceLength, c.kvDim())];
        this.valueCache = new float[c.layers()][Math.multiplyExact(maxSequenceLength, c.kvDim())];
        this.x = new float[c.dim()];
        this.h = new float[c.dim()];
        this.q = new float[c.qDim()];
        this.k = new float[c.kvDim()];
        this.v = new float[c.kvDim()];
        this.attn = new float[c.qDim()];
        this.gate = new float[c.ffnDim()];
        this.up = new float[c.ffnDim()];
        this.scores = new float[maxSequenceLength];
        this.rowBuffer = new float[Math.max(Math.max(c.dim(), c.qDim()), c.ffnDim())];
    }

    @Override
    public LlamaConfig config() {
        return c;
    }

    @Override
    public int capacity() {
        return maxSequenceLength;
    }

    @Override
    public String describe() {
        return "reference forward pass (plain Java, float32)";
    }

    /** Positions currently in the KV cache. */
    @Override
    public int length() {
        return length;
    }

    /** Forgets the cached positions. */
    @Override
    public void reset() {
        length = 0;
    }

    /**
     * Runs token {@code token} at {@code position} and returns the logits over the vocabulary.
     * Positions before it must be cached: {@code position ≤ length()}; a smaller position
     * rewinds the sequence to there.
     */
    @Override
    public float[] forward(int token, int position) {
        LanguageModel.checkStep(c, token, position, length, maxSequenceLength);
        weights.tokenEmbedding().row(token, x);
        List<LayerWeights> layers = weights.layers();
        for (int l = 0; l < layers.size(); l++) {
            LayerWeights w = layers.get(l);
            rmsNorm(x, w.attnNorm(), h);
            matmul(w.wq(), h, q);
            matmul(w.wk(), h, k);
            matmul(w.wv(), h, v);
            if (w.hasQkvBias()) {
                addBias(w.bq(), q);
                addBias(w.bk(), k);
                addBias(w.bv(), v);
            }
            Rope.apply(q, 0, c.heads(), c.headDim(), c.ropeDim(), position, c.ropeBase(), c.ropeStyle(), ropeFactors);
            Rope.apply(k, 0, c.kvHeads(), c.headDim(), c.ropeDim(), position, c.ropeBase(), c.ropeStyle(), ropeFactors);
            System.arraycopy(k, 0, keyCache[l], position * c.kvDim(), c.kvDim());
            System.arraycopy(v, 0, valueCache[l], position * c.kvDim(), c.kvDim());
            attention(l, position);
            matmul(w.wo(), attn, h);
            add(x, h);
            rmsNorm(x, w.ffnNorm(), h);
            matmul(w.ffnGate(), h, gate);
            matmul(w.ffnUp(), h, up);
            for (int i = 0; i < gate.length; i++) {
                gate[i] = silu(gate[i]) * up[i];
            }
            matmul(w.ffnDown(), gate, h);
            add(x, h);
        }
        length = position + 1;
        rmsNorm(x, weights.outputNorm(), h);
        float[] logits = new float[c.vocabSize()];
        matmul(weights.output(), h, logits);
        return logits;
    }

    /** The final hidden state of the last forward, after the output norm (length dim). */
    public float[] lastHiddenState() {
        return Arrays.copyOf(h, h.length);
    }

    /** Scaled dot-product attention of every query head over cached positions 0..position. */
    private void attention(int layer, int position) {
        int hd = c.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] keys = keyCache[layer];
        float[] values = valueCache[layer];
        for (int head = 0; head < c.heads(); head++) {
            int kvOffset = (head / c.groupSize()) * hd;
            int qOffset = head * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= position; t++) {
                float dot = 0;
                int kBase = t * c.kvDim() + kvOffset;
                for (int i = 0; i < hd; i++) {
                    dot += q[qOffset + i] * keys[kBase + i];
                }
                scores[t] = dot * scale;
                max = Math.max(max, scores[t]);
            }
            float sum = 0;
            for (int t = 0; t <= position; t++) {
                scores[t] = (float) Math.exp(scores[t] - max);
                sum += scores[t];
            }
            Arrays.fill(attn, qOffset, qOffset + hd, 0f);
            for (int t = 0; t <= position; t++) {
                float p = scores[t] / sum;
                int vBase = t * c.kvDim() + kvOffset;
                for (int i = 0; i < hd; i++) {
                    attn[qOffset + i] += p * values[vBase + i];
                }
            }
        }
    }

    /** out = x / √(mean(x²) + ε) ⊙ weight. */
    private void rmsNorm(float[] in, Weight weight, float[] out) {
        float sumSquares = 0;
        for (float value : in) {
            sumSquares += value * value;
        }
        float inv = (float) (1.0 / Math.sqrt(sumSquares / in.length + c.rmsEps()));
        weight.row(0, rowBuffer);
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * inv * rowBuffer[i];
        }
    }

    /** out[r] = Σ_c W[r, c] · in[c], W dequantised one row at a time. */
    private void matmul(Weight w, float[] in, float[] out) {
        for (int r = 0; r < w.rows(); r++) {
            w.row(r, rowBuffer);
            float sum = 0;
            for (int i = 0; i < w.cols(); i++) {
                sum += rowBuffer[i] * in[i];
            }
            out[r] = sum;
        }
    }

    private static void addBias(Weight bias, float[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] += bias.get(0, i);
        }
    }

    private static void add(float[] acc, float[] delta) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += delta[i];
        }
    }

    /** x · σ(x). */
    static float silu(float value) {
        return (float) (value / (1.0 + Math.exp(-value)));
    }
}
