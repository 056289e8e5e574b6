package dev.squall.models.llama;

import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An independent float64 Llama/Qwen2 forward for tests: weights decoded here from the raw GGUF
 * bytes (with the JDK's own binary16 decoder), the whole sequence processed at once with a causal
 * mask and no cache, one straightforward loop per formula. Shares nothing with ReferenceLlama but
 * the LlamaConfig.
 */
final class Float64Llama {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final LlamaConfig c;
    private final GgufFile gguf;
    private final RopeStyle ropeStyle;

    Float64Llama(GgufFile gguf, LlamaConfig config) {
        this(gguf, config, config.ropeStyle());
    }

    /** With a RoPE convention other than the architecture's: to show that the comparison can tell them apart. */
    Float64Llama(GgufFile gguf, LlamaConfig config, RopeStyle ropeStyle) {
        this.gguf = gguf;
        this.c = config;
        this.ropeStyle = ropeStyle;
    }

    /** All elements of a tensor, decoded from its bytes. */
    static double[] decode(GgufTensor t) {
        MemorySegment s = t.segment();
        int n = (int) t.info().elementCount();
        double[] out = new double[n];
        switch (t.type()) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = s.get(F32, 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(s.get(I16, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((s.get(I16, 2L * i) & 0xffff) << 16);
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    double d = Float.float16ToFloat(s.get(I16, 34L * b));
                    for (int j = 0; j < 32; j++) {
                        out[32 * b + j] = d * s.get(ValueLayout.JAVA_BYTE, 34L * b + 2 + j);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    double d = Float.float16ToFloat(s.get(I16, 18L * b));
                    for (int j = 0; j < 16; j++) {
                        int packed = s.get(ValueLayout.JAVA_BYTE, 18L * b + 2 + j) & 0xff;
                        out[32 * b + j] = d * ((packed & 0xf) - 8);
                        out[32 * b + j + 16] = d * ((packed >> 4) - 8);
                    }
                }
            }
            default -> throw new IllegalArgumentException("no decoder for " + t.type());
        }
        return out;
    }

    /** A matrix tensor with ne = [cols, rows] as rows of cols. */
    private double[][] matrix(String name) {
        GgufTensor t = gguf.tensor(name);
        int cols = (int) t.dims()[0];
        int rows = (int) t.dims()[1];
        double[] flat = decode(t);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, m[r], 0, cols);
        }
        return m;
    }

    private double[] vector(String name) {
        return decode(gguf.tensor(name));
    }

    private static double[] mul(double[][] w, double[] x) {
        double[] y = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += w[r][i] * x[i];
            }
            y[r] = sum;
        }
        return y;
    }

    private double[] rmsNorm(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * w[i];
        }
        return y;
    }

    /** Rotates every head of {@code v} (heads × headDim) for position {@code pos}. */
    private void rope(double[] v, int heads, int pos, double[] factors) {
        int rd = c.ropeDim();
        for (int head = 0; head < heads; head++) {
            int o = head * c.headDim();
            for (int i = 0; i < rd / 2; i++) {
                double angle = pos * Math.pow(c.ropeBase(), -2.0 * i / rd) / (factors != null ? factors[i] : 1);
                int a = ropeStyle == RopeStyle.ADJACENT_PAIRS ? o + 2 * i : o + i;
                int b = ropeStyle == RopeStyle.ADJACENT_PAIRS ? a + 1 : a + rd / 2;
                double x0 = v[a];
                double x1 = v[b];
                v[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
                v[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
            }
        }
    }

    /** Logits after every position of {@code tokens}: [position][vocab]. */
    double[][] logits(int[] tokens) {
        int n = tokens.length;
        double[][] embd = matrix("token_embd.weight");
        double[][] x = new double[n][];
        for (int p = 0; p < n; p++) {
            x[p] = embd[tokens[p]].clone();
        }
        double[] factors = gguf.hasTensor("rope_freqs.weight") ? vector("rope_freqs.weight") : null;
        int hd = c.headDim();
        for (int l = 0; l < c.layers(); l++) {
            String b = "blk." + l + ".";
            double[][] wq = matrix(b + "attn_q.weight");
            double[][] wk = matrix(b + "attn_k.weight");
            double[][] wv = matrix(b + "attn_v.weight");
            double[][] wo = matrix(b + "attn_output.weight");
            double[] attnNorm = vector(b + "attn_norm.weight");
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int p = 0; p < n; p++) {
                double[] h = rmsNorm(x[p], attnNorm);
                q[p] = mul(wq, h);
                k[p] = mul(wk, h);
                v[p] = mul(wv, h);
                if (c.architecture().hasQkvBias()) {
                    double[] bq = vector(b + "attn_q.bias");
                    double[] bk = vector(b + "attn_k.bias");
                    double[] bv = vector(b + "attn_v.bias");
                    for (int i = 0; i < bq.length; i++) {
                        q[p][i] += bq[i];
                    }
                    for (int i = 0; i < bk.length; i++) {
                        k[p][i] += bk[i];
                        v[p][i] += bv[i];
                    }
                }
                rope(q[p], c.heads(), p, factors);
                rope(k[p], c.kvHeads(), p, factors);
            }
            for (int p = 0; p < n; p++) {
                double[] out = new double[c.qDim()];
                for (int head = 0; head < c.heads(); head++) {
                    int kvHead = head / (c.heads() / c.kvHeads());
                    double[] s = new double[p + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= p; t++) { // causal: positions up to p
                        for (int i = 0; i < hd; i++) {
                            s[t] += q[p][head * hd + i] * k[t][kvHead * hd + i];
                        }
                        s[t] /= Math.sqrt(hd);
                        max = Math.max(max, s[t]);
                    }
                    double z = 0;
                    for (int t = 0; t <= p; t++) {
                        s[t] = Math.exp(s[t] - max);
                        z += s[t];
                    }
                    for (int t = 0; t <= p; t++) {
                        for (int i = 0; i < hd; i++) {
                            out[head * hd + i] += s[t] / z * v[t][kvHead * hd + i];
                        }
                    }
                }
                double[] o = mul(wo, out);
                for (int i = 0; i < o.length; i++) {
                    x[p][i] += o[i];
                }
            }
            double[][] gate = matrix(b + "ffn_gate.weight");
            double[][] up = matrix(b + "ffn_up.weight");
            double[][] down = matrix(b + "ffn_down.weight");
            double[] ffnNorm = vector(b + "ffn_norm.weight");
            for (int p = 0; p < n; p++) {
                double[] h = rmsNorm(x[p], ffnNorm);
                double[] g = mul(gate, h);
                double[] u = mul(up, h);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] d = mul(down, g);
                for (int i = 0; i < d.length; i++) {
                    x[p][i] += d[i];
                }
            }
        }
        double[][] output = gguf.hasTensor("output.weight") ? matrix("output.weight") : embd;
        double[] outNorm = vector("output_norm.weight");
        double[][] logits = new double[n][];
        for (int p = 0; p < n; p++) {
            logits[p] = mul(output, rmsNorm(x[p], outNorm));
        }
        return logits;
    }

    /** ‖out − ref‖ / ‖ref‖; NaN anywhere gives NaN, which fails every comparison. */
    static double relativeL2(float[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = out[i] - ref[i];
            diff += d * d;
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }
}
