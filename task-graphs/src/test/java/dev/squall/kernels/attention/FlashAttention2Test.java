package dev.squall.kernels.attention;

import dev.squall.kernels.KernelLaunches;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FlashAttention-2 forward, fp32 and fp16 forms, through task graphs on the JVM and every
 * accelerator, against a float64 reference with the FlashAttention tests' rule (largest error at
 * most twice that of a plain same-precision computation), for the output and the log-sum-exp.
 * Shapes: sequence lengths 1, 37 and 100 (not multiples of the tiles), causal and not, grouped-query
 * ratios 4/4, 4/2 and 4/1, head dimensions 64 and 128 (plus 36 and 100), batch 1 and 2. Outputs start
 * as NaN; queries are scaled up so the softmax is far from uniform and the running max moves.
 */
class FlashAttention2Test {

    private final Random rng = new Random();

    /**
     * Every (form, causal, headDim, seqLen) on every device, the head ratios and batch sizes rotating
     * through them so each meets every other parameter; plus odd head dimensions, and (not on the
     * JVM device, which runs work-items as threads) two long sequences.
     */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] headRatios = {{4, 4}, {4, 2}, {4, 1}};
        for (Device d : TestDevices.all().toList()) {
            boolean jvm = d.type() == DeviceType.JVM;
            int n = 0;
            for (String form : List.of("F32", "F16")) {
                for (int causal = 0; causal <= 1; causal++) {
                    for (int headDim : new int[] {64, 128}) {
                        for (int seqLen : new int[] {1, 37, 100}) {
                            int[] ratio = headRatios[(n + n / 3) % 3];
                            int batch = 1 + n / 2 % 2;
                            n++;
                            cases.add(Arguments.of(d, form, batch, ratio[0], ratio[1], seqLen, headDim, causal));
                        }
                    }
                }
            }
            cases.add(Arguments.of(d, "F32", 1, 2, 1, 70, 36, 1)); // head dimension below 64, not a power of two
            cases.add(Arguments.of(d, "F16", 2, 3, 3, 45, 100, 0)); // between 64 and 128, not a multiple of 8
            if (!jvm) {
                cases.add(Arguments.of(d, "F32", 2, 4, 2, 300, 128, 1)); // many tiles, most skipped by the mask
                cases.add(Arguments.of(d, "F16", 1, 4, 1, 257, 64, 0));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} batch {2} heads {3}/{4} seq {5} dim {6} causal {7}")
    @MethodSource("cases")
    void forwardAgainstFloat64(Device device, String form, int batch, int heads, int kvHeads, int seqLen, int headDim,
                               int causal) {
        boolean half = form.equals("F16");
        int qSize = batch * heads * seqLen * headDim;
        int kvSize = batch * kvHeads * seqLen * headDim;
        // Inputs as the kernel sees them (fp16-representable for the fp16 form).
        float[] q = values(qSize, 3f, half);
        float[] k = values(kvSize, 1f, half);
        float[] v = values(kvSize, 1f, half);
        int rows = batch * heads * seqLen;
        double[] ref = new double[qSize];
        float[] naive = new float[qSize];
        double[] lseRef = new double[rows];
        float[] lseNaive = new float[rows];
        reference(q, k, v, batch, heads, kvHeads, seqLen, headDim, causal != 0, ref, naive, lseRef, lseNaive);
        if (half) {
            for (int i = 0; i < qSize; i++) {
                naive[i] = Float.float16ToFloat(Float.floatToFloat16(naive[i])); // the naive form stores fp16 too
            }
        }
        FloatArray lse = poisoned(rows);
        FloatArray out;
        KernelContext context = new KernelContext();
        int globalY = FlashAttention2.globalY(batch, heads);
        if (half) {
            HalfFloatArray outHalf = new HalfFloatArray(qSize);
            outHalf.init(Float.NaN);
            run(device, "forwardF16", seqLen, globalY, context, halves(q), halves(k), halves(v), outHalf, lse, seqLen,
                    heads, kvHeads, headDim, causal);
            out = FloatArray.fromArray(outHalf.toFloatArray());
        } else {
            out = poisoned(qSize);
            run(device, "forward", seqLen, globalY, context, FloatArray.fromArray(q), FloatArray.fromArray(k),
                    FloatArray.fromArray(v), out, lse, seqLen, heads, kvHeads, headDim, causal);
        }
        String what = form + " batch " + batch + " heads " + heads + "/" + kvHeads + " seq " + seqLen + " dim "
                + headDim + (causal != 0 ? " causal" : "") + " on " + device.id();
        assertWithinTwiceNaive(out, ref, naive, 1e-6, what + ": output");
        assertWithinTwiceNaive(lse, lseRef, lseNaive, 1e-5, what + ": log-sum-exp");
    }

    /**
     * A NaN in one key makes every output and log-sum-exp whose row sees that key NaN, as the float64
     * reference gives, never a quiet 0 or a finite value; the other rows still match. The F32 shape of
     * {@link #cases} with four query heads over two kv heads, sequence 37, dimension 64, not causal.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.squall.graph.TestDevices#all")
    void aNanKeyMakesTheRowsThatSeeItNaN(Device device) {
        int batch = 1;
        int heads = 4;
        int kvHeads = 2;
        int seqLen = 37;
        int headDim = 64;
        float[] q = values(batch * heads * seqLen * headDim, 3f, false);
        float[] k = values(batch * kvHeads * seqLen * headDim, 1f, false);
        float[] v = values(k.length, 1f, false);
        k[(seqLen + 20) * headDim + 5] = Float.NaN; // kv head 1, key 20
        int rows = batch * heads * seqLen;
        double[] ref = new double[q.length];
        double[] lseRef = new double[rows];
        reference(q, k, v, batch, heads, kvHeads, seqLen, headDim, false, ref, new float[q.length], lseRef,
                new float[rows]);
        FloatArray out = poisoned(q.length);
        FloatArray lse = poisoned(rows);
        run(device, "forward", seqLen, FlashAttention2.globalY(batch, heads), new KernelContext(), FloatArray.fromArray(q),
                FloatArray.fromArray(k), FloatArray.fromArray(v), out, lse, seqLen, heads, kvHeads, headDim, 0);
        int nanRows = 0;
        for (int r = 0; r < rows; r++) {
            boolean nan = Double.isNaN(lseRef[r]);
            nanRows += nan ? 1 : 0;
            assertEquals(nan, Float.isNaN(lse.get(r)), "lse NaN? row " + r + " on "
                    + device.id() + ": " + lse.get(r));
            for (int d = 0; d < headDim; d++) {
                float o = out.get(r * headDim + d);
                double want = ref[r * headDim + d];
                assertTrue(nan ? Float.isNaN(o) : Math.abs(o - want) <= 1e-4 + 1e-4
                        * Math.abs(want), "out " + d + " of row " + r + " on " + device.id() + ": " + o + " vs " + want);
            }
        }
        assertEquals(2 * seqLen, nanRows, "the reference: two query heads see the key");
    }

    /** Uniform in [−scale, scale), rounded to fp16 when {@code half}. */
    private float[] values(int n, float scale, boolean half) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (rng.nextFloat() * 2 - 1) * scale;
            a[i] = half ? Float.float16ToFloat(Float.floatToFloat16(x)) : x;
        }
        return a;
    }

    private static HalfFloatArray halves(float[] a) {
        return HalfFloatArray.fromFloats(a);
    }

    /**
     * Attention in float64 ({@code ref}, {@code lseRef}) and as a plain float computation ({@code naive},
     * {@code lseNaive}: scores, max, exponentials, sum and weighted values, all in float).
     */
    private static void reference(float[] q, float[] k, float[] v, int batch, int heads, int kvHeads, int seqLen,
                                  int headDim, boolean causal, double[] ref, float[] naive, double[] lseRef,
                                  float[] lseNaive) {
        double scale = 1.0 / Math.sqrt(headDim);
        float scaleF = (float) scale;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int bh = b * heads + h;
                int kvBase = (b * kvHeads + h / (heads / kvHeads)) * seqLen * headDim;
                for (int i = 0; i < seqLen; i++) {
                    int qRow = (bh * seqLen + i) * headDim;
                    int keys = causal ? i + 1 : seqLen;
                    double[] s = new double[keys];
                    float[] sF = new float[keys];
                    double max = Double.NEGATIVE_INFINITY;
                    float maxF = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        double dot = 0;
                        float dotF = 0f;
                        for (int c = 0; c < headDim; c++) {
                            dot += (double) q[qRow + c] * k[kvBase + j * headDim + c];
                            dotF += q[qRow + c] * k[kvBase + j * headDim + c];
                        }
                        s[j] = dot * scale;
                        sF[j] = dotF * scaleF;
                        max = Math.max(max, s[j]);
                        maxF = Math.max(maxF, sF[j]);
                    }
                    double sum = 0;
                    float sumF = 0f;
                    for (int j = 0; j < keys; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sF[j] = (float) Math.exp(sF[j] - maxF);
                        sum += s[j];
                        sumF += sF[j];
                    }
                    lseRef[bh * seqLen + i] = max + Math.log(sum);
                    lseNaive[bh * seqLen + i] = maxF + (float) Math.log(sumF);
                    for (int c = 0; c < headDim; c++) {
                        double acc = 0;
                        float accF = 0f;
                        for (int j = 0; j < keys; j++) {
                            acc += s[j] * v[kvBase + j * headDim + c];
                            accF += sF[j] * v[kvBase + j * headDim + c];
                        }
                        ref[qRow + c] = acc / sum;
                        naive[qRow + c] = accF / sumF;
                    }
                }
            }
        }
    }

    /** One launch on the kernel's grid: (globalX(seqLen), globalY(batch, heads)), work-groups (THREADS, 1). */
    private static void run(Device device, String name, int seqLen, int globalY, Object... args) {
        KernelLaunches.run(device, KernelLaunches.kernel(FlashAttention2.class, name),
                new WorkerGrid2D(FlashAttention2.globalX(seqLen), globalY).setLocalWork(FlashAttention2.THREADS, 1), args);
    }
}
