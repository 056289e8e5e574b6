package dev.squall.models.llama;

/**
 * One transformer block's weights, shapes as (rows, cols) for a model of width d, q = heads·headDim,
 * kv = kvHeads·headDim and feed-forward width f.
 *
 * @param attnNorm  (1, d) RMSNorm before attention, {@code blk.N.attn_norm.weight}
 * @param wq        (q, d) {@code blk.N.attn_q.weight}
 * @param wk        (kv, d) {@code blk.N.attn_k.weight}
 * @param wv        (kv, d) {@code blk.N.attn_v.weight}
 * @param bq        (1, q) query bias, or null (present for qwen2)
 * @param bk        (1, kv) key bias, or null
 * @param bv        (1, kv) value bias, or null
 * @param wo        (d, q) {@code blk.N.attn_output.weight}
 * @param ffnNorm   (1, d) RMSNorm before the feed-forward, {@code blk.N.ffn_norm.weight}
 * @param ffnGate   (f, d) {@code blk.N.ffn_gate.weight}
 * @param ffnUp     (f, d) {@code blk.N.ffn_up.weight}
 * @param ffnDown   (d, f) {@code blk.N.ffn_down.weight}
 */
public record LayerWeights(Weight attnNorm, Weight wq, Weight wk, Weight wv, Weight bq, Weight bk, Weight bv, Weight wo,
        Weight ffnNorm, Weight ffnGate, Weight ffnUp, Weight ffnDown) {

    public boolean hasQkvBias() {
        return bq != null;
    }
}
