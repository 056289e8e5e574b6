package dev.squall.kernels.transformer;

import static dev.squall.kernels.Accuracy.assertWithinTwiceNaive;
import static dev.squall.kernels.Accuracy.poisoned;
import static dev.squall.kernels.Accuracy.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.KernelContext;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.graph.TestDevices;
import dev.squall.graph.WorkerGrid1D;
import dev.squall.kernels.KernelLaunches;
import dev.squall.kernels.attention.FlashDecoding;
import dev.squall.kernels.gemm.NormGemvByLanes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder kernels, both forms, through task graphs on the JVM and every accelerator, against
 * float64 references with the FlashAttention tests' rule (error at most twice a plain float
 * computation's): odd shapes, one row, accumulation into random outputs, both RoPE layouts,
 * grouped-query ratios, the first position and a long one. Outputs start as NaN.
 */
class TransformerKernelsTest {

    private final Random rng = new Random();

    static Stream<Device> devices() {
        return TestDevices.all();
    }

    // ---- running one kernel ----------------------------------------------------------------------

    /** Runs {@code name} once on {@code device}; a positive {@code global} makes it an SPMD launch. */
    private static void run(Device device, Class<?> owner, String name, int global, int local, Object... args) {
        KernelLaunches.run(device, KernelLaunches.kernel(owner, name),
                global > 0 ? new WorkerGrid1D(global).setLocalWork(local) : null, args);
    }

    /** A fused form's launch, every int argument compiled as a constant when {@code intsConstant} (as DeviceLlama). */
    private static void runFused(Device device, FusedForm form, int rows, int lanes, boolean intsConstant,
                                 Object... args) {
        int[] constants = intsConstant
                ? IntStream.range(0, args.length).filter(i -> args[i] instanceof Integer).toArray() : new int[0];
        KernelLaunches.runSpecialized(device, KernelLaunches.kernel(form.owner(), form.kernel()),
                new WorkerGrid1D(form.global(rows, lanes)).setLocalWork(form.local()), constants, args);
    }

    /** The arguments with each Q8_0 matrix as the work-group kernels take it: its quants, then its scales. */
    private static Object[] workGroupWeights(Object... args) {
        List<Object> out = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof Q8_0Array q) {
                out.add(q.quants());
                out.add(q.scales());
            } else {
                out.add(a);
            }
        }
        return out.toArray();
    }

    private static Object[] withContext(Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = new KernelContext();
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    // ---- matrix-vector products ------------------------------------------------------------------

    static Stream<Arguments> matVecCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : devices().toList()) {
            for (String type : List.of("F32", "F16", "BF16", "Q8", "Q4")) {
                // the last two: rows longer than 32 lanes' first runs (8 or 16 columns each), so every lane loops
                for (int[] shape : new int[][] {{1, 64}, {3, 96}, {37, 160}, {5, 1024}, {3, 2080}}) {
                    cases.add(Arguments.of(d, type, shape[0], shape[1]));
                }
            }
            cases.add(Arguments.of(d, "F32", 5, 100)); // columns not a multiple of the lanes
            cases.add(Arguments.of(d, "F16", 19, 33));
            cases.add(Arguments.of(d, "F16", 9, 5000)); // long rows: more lanes per row
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("matVecCases")
    void matVecBothFormsAgainstFloat64(Device device, String type, int rows, int cols) {
        NativeArray w = weights(type, rows * cols);
        float[] dequantised = dequantise(w, rows * cols);
        FloatArray x = random(rng, cols);
        for (boolean accumulate : new boolean[] {false, true}) {
            FloatArray start = random(rng, rows);
            double[] ref = new double[rows];
            float[] naive = new float[rows];
            double[] magnitudes = new double[rows];
            for (int r = 0; r < rows; r++) {
                double sum = accumulate ? start.get(r) : 0;
                float sumF = 0f;
                double magnitude = accumulate ? Math.abs(start.get(r)) : 0;
                for (int c = 0; c < cols; c++) {
                    sum += (double) dequantised[r * cols + c] * x.get(c);
                    sumF += dequantised[r * cols + c] * x.get(c);
                    magnitude += Math.abs((double) dequantised[r * cols + c] * x.get(c));
                }
                ref[r] = sum;
                naive[r] = accumulate ? start.get(r) + sumF : sumF;
                magnitudes[r] = magnitude;
            }
            FloatArray loop = accumulate ? FloatArray.fromArray(start.toHeapArray()) : poisoned(rows);
            run(device, MatVec.class, "matVec" + type, 0, 0, w, x, loop, rows, cols, accumulate ? 1 : 0);
            // rows of up to 2080 columns summed in another order than the naive one (four accumulators, lanes): the
            // slack scales with the terms' magnitude, which |ref| (cancelling) can understate
            assertWithinTwiceNaive(loop, ref, naive, magnitudes, 1e-6, "matVec" + type + (accumulate ? " accumulate" : "") + " on "
                    + device.id());
            for (int lanes : new int[] {32, MatVec.lanesFor(rows, cols), MatVec.GROUP_SIZE}) {
                FloatArray out = accumulate ? FloatArray.fromArray(start.toHeapArray()) : poisoned(rows);
                run(device, MatVec.class, "matVec" + type + "Spmd", MatVec.spmdGlobalSize(rows, lanes), MatVec.GROUP_SIZE,
                        withContext(workGroupWeights(w, x, out, rows, cols, accumulate ? 1 : 0, lanes)));
                assertWithinTwiceNaive(out, ref, naive, magnitudes, 1e-6, "matVec" + type + "Spmd with " + lanes + " lanes"
                        + (accumulate ? " accumulate" : "") + " on " + device.id());
            }
        }
    }

    /**
     * W·h for h = RMSNorm(x) ⊙ g: in float64 (ref) and as a float pipeline that writes h first and
     * then multiplies (naive), the unfused way the fused kernels replace.
     */
    private static void referenceNormalised(float[] w, FloatArray x, FloatArray g, float eps, int rows, int cols,
                                            double[] ref, float[] naive) {
        double squares = 0;
        float squaresF = 0f;
        for (int c = 0; c < cols; c++) {
            squares += (double) x.get(c) * x.get(c);
            squaresF += x.get(c) * x.get(c);
        }
        double inverse = 1 / Math.sqrt(squares / cols + eps);
        float inverseF = (float) (1.0 / Math.sqrt(squaresF / cols + eps));
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            float sumF = 0f;
            for (int c = 0; c < cols; c++) {
                sum += w[r * cols + c] * (x.get(c) * inverse * g.get(c));
                sumF += w[r * cols + c] * (x.get(c) * inverseF * g.get(c));
            }
            ref[r] = sum;
            naive[r] = sumF;
        }
    }

    /** RMSNorm weights around 1, as trained models have them. */
    private FloatArray normWeights(int n) {
        FloatArray g = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            g.set(i, 0.5f + rng.nextFloat());
        }
        return g;
    }

    static Stream<Arguments> fusedCases() {
        // cols 200: runs of eight and a tail of 0; 204 and 100: tails of 4; a full window of the normalised input,
        // and two windows (the second partial) in F16 and Q8; F16 and Q8 also in NormGemvByLanes' forms
        int window = MatVec.NORM_WINDOW_COLS;
        return devices().flatMap(d -> Stream.of(Arguments.of(d, "F32", 100), Arguments.of(d, "F16", 200),
                Arguments.of(d, "F16", 204), Arguments.of(d, "F16", window), Arguments.of(d, "F16", window + 204),
                Arguments.of(d, "Q8", window + 320),
                Arguments.of(d, "BF16", 136), Arguments.of(d, "Q8", 320), Arguments.of(d, "Q4", 64))
                .flatMap(a -> {
                    Object type = a.get()[1];
                    Stream<Arguments> matVec = Stream.of(Arguments.of(a.get()[0], type, a.get()[2], false));
                    return type.equals("F16") || type.equals("Q8")
                            ? Stream.concat(matVec, Stream.of(Arguments.of(a.get()[0], type, a.get()[2], true))) : matVec;
                }));
    }

    /**
     * One of the fused forms: MatVec's ({@code rmsNorm<kind><type>Spmd}, a row's lanes in a work-group) or
     * NormGemvByLanes' ({@code <type><kind>}, two rows per lane group), with its grid for rows of output and lanes.
     */
    private record FusedForm(Class<?> owner, String kernel, boolean qkv, boolean byLanes) {

        static FusedForm of(String kind, String type, boolean byLanes) {
            boolean qkv = kind.equals("Qkv");
            return byLanes ? new FusedForm(NormGemvByLanes.class, type.toLowerCase(Locale.ROOT) + kind, qkv, true)
                    : new FusedForm(MatVec.class, "rmsNorm" + kind + type + "Spmd", qkv, false);
        }

        int global(int rows, int lanes) {
            if (!byLanes) {
                return MatVec.spmdGlobalSize(rows, lanes);
            }
            return qkv ? NormGemvByLanes.qkvGlobalX(rows, lanes) : NormGemvByLanes.swiGluGlobalX(rows, lanes);
        }

        int local() {
            return byLanes ? NormGemvByLanes.THREADS : MatVec.GROUP_SIZE;
        }

        /** Whether RoPE can be taken in at this lane count: MatVec's needs a row's partner in its work-group. */
        boolean ropes(int lanes) {
            return byLanes || lanes <= MatVec.GROUP_SIZE / 2;
        }
    }

    @ParameterizedTest(name = "{0} {1} cols {2} by lanes {3}")
    @MethodSource("fusedCases")
    void fusedQkvEqualsNormAndThreeProducts(Device device, String type, int cols, boolean byLanes) {
        FusedForm form = FusedForm.of("Qkv", type, byLanes);
        // 21 row pairs: at 64 and 128 lanes the last work-group has lane groups past the rows (pairs of 2 and 4)
        int qRows = 18;
        int kvRows = 12;
        NativeArray wq = weights(type, qRows * cols);
        NativeArray wk = weights(type, kvRows * cols);
        NativeArray wv = weights(type, kvRows * cols);
        FloatArray x = random(rng, cols);
        FloatArray g = normWeights(cols);
        float eps = 1e-5f;
        FloatArray q = poisoned(qRows);
        FloatArray k = poisoned(kvRows);
        FloatArray v = poisoned(kvRows);
        // RoPE taken in (rope = 1): 3 query heads and 2 kv heads of 6, 4 dimensions rotated, a head-major cache of 5
        // positions; the unused cache arguments of rope = 0 are the same arrays
        int headDim = 6;
        int ropeDim = 4;
        int positions = 5;
        int position = rng.nextInt(positions);
        FloatArray rotation = random(rng, ropeDim);
        FloatArray keyCache = random(rng, positions * kvRows);
        FloatArray valueCache = random(rng, positions * kvRows);
        IntArray state = IntArray.fromElements(position);
        for (int lanes : new int[] {32, 64, 128, MatVec.GROUP_SIZE}) {
            // NormGemvByLanes' forms also with their ints as constants (sizes, lanes, flags), at 64 and 256 lanes
            boolean constant = byLanes && lanes % 64 == 0;
            String name = form.kernel() + (constant ? " (ints constant)" : "");
            runFused(device, form, qRows + 2 * kvRows, lanes, constant, withContext(workGroupWeights(wq, wk, wv, x, g, q,
                    k, v, qRows, kvRows, cols, eps, lanes, keyCache, valueCache, rotation, state, headDim, ropeDim, headDim,
                    positions * headDim, 0)));
            NativeArray[] ws = {wq, wk, wv};
            FloatArray[] outs = {q, k, v};
            for (int m = 0; m < 3; m++) {
                int rows = m == 0 ? qRows : kvRows;
                double[] ref = new double[rows];
                float[] naive = new float[rows];
                referenceNormalised(dequantise(ws[m], rows * cols), x, g, eps, rows, cols, ref, naive);
                assertWithinTwiceNaive(outs[m], ref, naive, 1e-6, name + " output "
                        + "qkv".charAt(m) + " with " + lanes + " lanes on " + device.id());
            }
            if (form.ropes(lanes)) {
                float[] plainQ = q.toHeapArray();
                float[] plainK = k.toHeapArray();
                float[] plainV = v.toHeapArray();
                float[] keysBefore = keyCache.toHeapArray();
                float[] valuesBefore = valueCache.toHeapArray();
                q.init(Float.NaN);
                k.init(Float.NaN);
                v.init(Float.NaN);
                runFused(device, form, qRows + 2 * kvRows, lanes, constant, withContext(workGroupWeights(wq, wk, wv, x, g,
                        q, k, v, qRows, kvRows, cols, eps, lanes, keyCache, valueCache, rotation, state, headDim, ropeDim,
                        headDim, positions * headDim, 1)));
                String what = name + " with RoPE, " + lanes + " lanes on " + device.id();
                assertRotatedPairs(plainQ, q.toHeapArray(), rotation, headDim, ropeDim, "q, " + what);
                float[] cachedKey = new float[kvRows];
                for (int i = 0; i < kvRows; i++) {
                    int at = i / headDim * positions * headDim + position * headDim + i % headDim; // head-major
                    cachedKey[i] = keyCache.get(at);
                    assertEquals(plainV[i], valueCache.get(at), "value cache, " + what);
                    assertTrue(Float.isNaN(k.get(i)) && Float.isNaN(v.get(i)), "k and v are not written, " + what);
                }
                assertRotatedPairs(plainK, cachedKey, rotation, headDim, ropeDim, "key cache, " + what);
                for (int i = 0; i < positions * kvRows; i++) {
                    if (i % (positions * headDim) / headDim != position) {
                        assertEquals(keysBefore[i], keyCache.get(i), "key cache element " + i + " must not change, " + what);
                        assertEquals(valuesBefore[i], valueCache.get(i), "value cache element " + i + " must not change, "
                                + what);
                    }
                }
            }
            q.init(Float.NaN);
            k.init(Float.NaN);
            v.init(Float.NaN);
        }
    }

    /** Each adjacent pair (2i, 2i+1), i below ropeDim/2, of each head of {@code plain} rotated by rotation's cos/sin i. */
    private static void assertRotatedPairs(float[] plain, float[] rotated, FloatArray rotation, int headDim, int ropeDim,
                                           String what) {
        int half = ropeDim / 2;
        for (int e = 0; e < plain.length; e++) {
            int d = e % headDim;
            double expected = plain[e];
            if (d / 2 < half) {
                double cos = rotation.get(d / 2);
                double sin = rotation.get(half + d / 2);
                double a = plain[e - (d & 1)];
                double b = plain[e - (d & 1) + 1];
                expected = (d & 1) == 0 ? a * cos - b * sin : a * sin + b * cos;
            }
            double scale = Math.abs(plain[e - (d & 1)]) + Math.abs(plain[e - (d & 1) + 1]);
            assertEquals(expected, rotated[e], 2e-7 * scale + 1e-30, "element " + e + " of " + what);
        }
    }

    @ParameterizedTest(name = "{0} {1} cols {2} by lanes {3}")
    @MethodSource("fusedCases")
    void fusedSwiGluEqualsNormTwoProductsAndTheActivation(Device device, String type, int cols, boolean byLanes) {
        FusedForm form = FusedForm.of("SwiGlu", type, byLanes);
        int rows = 45;
        NativeArray gate = weights(type, rows * cols);
        NativeArray up = weights(type, rows * cols);
        FloatArray x = random(rng, cols);
        for (int i = 0; i < cols; i++) {
            // a residual stream far from unit scale, which the norm must bring back; the pre-activations are
            // then about ±√(cols/3), into both tails of the sigmoid
            x.set(i, x.get(i) * 50);
        }
        FloatArray norm = normWeights(cols);
        float eps = 1e-5f;
        double[] g = new double[rows];
        float[] gF = new float[rows];
        double[] u = new double[rows];
        float[] uF = new float[rows];
        referenceNormalised(dequantise(gate, rows * cols), x, norm, eps, rows, cols, g, gF);
        referenceNormalised(dequantise(up, rows * cols), x, norm, eps, rows, cols, u, uF);
        double[] ref = new double[rows];
        float[] naive = new float[rows];
        for (int r = 0; r < rows; r++) {
            ref[r] = g[r] / (1 + Math.exp(-g[r])) * u[r];
            naive[r] = gF[r] / (1f + (float) Math.exp(-gF[r])) * uF[r];
        }
        for (int lanes : new int[] {32, 64, 128, MatVec.GROUP_SIZE}) {
            FloatArray out = poisoned(rows);
            boolean constant = byLanes && lanes % 64 == 0; // as in the Q/K/V test
            runFused(device, form, rows, lanes, constant, withContext(workGroupWeights(gate, up, x, norm, out, rows, cols,
                    eps, lanes)));
            assertWithinTwiceNaive(out, ref, naive, 1e-6, form.kernel() + (constant ? " (ints constant)" : "") + " with "
                    + lanes + " lanes on "
                    + device.id());
        }
    }

    private NativeArray weights(String type, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = rng.nextFloat() * 2 - 1;
        }
        return switch (type) {
            case "F32" -> FloatArray.fromArray(values);
            case "F16" -> {
                HalfFloatArray h = new HalfFloatArray(n);
                for (int i = 0; i < n; i++) {
                    h.setFloat(i, values[i]);
                }
                yield h;
            }
            case "BF16" -> {
                BFloat16Array b = new BFloat16Array(n);
                for (int i = 0; i < n; i++) {
                    b.setFloat(i, values[i]);
                }
                yield b;
            }
            case "Q8" -> Q8_0Array.quantize(values);
            case "Q4" -> Q4_0Array.quantize(values);
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** The weights' values as the kernels see them (widened or dequantised). */
    private static float[] dequantise(NativeArray w, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (w) {
                case FloatArray f -> f.get(i);
                case HalfFloatArray h -> h.getFloat(i);
                case BFloat16Array b -> b.getFloat(i);
                case Q8_0Array q -> q.getFloat(i);
                case Q4_0Array q -> q.getFloat(i);
                default -> throw new IllegalArgumentException(w.toString());
            };
        }
        return out;
    }

    // ---- RMSNorm ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void rmsNormBothFormsAgainstFloat64(Device device) {
        int rows = 3;
        int n = 1000 + rng.nextInt(50);
        float eps = 1e-5f;
        FloatArray x = random(rng, rows * n);
        FloatArray weight = random(rng, n);
        double[] ref = new double[rows * n];
        float[] naive = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            float ssF = 0f;
            for (int j = 0; j < n; j++) {
                ss += (double) x.get(r * n + j) * x.get(r * n + j);
                ssF += x.get(r * n + j) * x.get(r * n + j);
            }
            double inv = 1 / Math.sqrt(ss / n + eps);
            float invF = (float) (1.0 / Math.sqrt(ssF / n + eps));
            for (int j = 0; j < n; j++) {
                ref[r * n + j] = x.get(r * n + j) * inv * weight.get(j);
                naive[r * n + j] = x.get(r * n + j) * invF * weight.get(j);
            }
        }
        FloatArray loop = poisoned(rows * n);
        run(device, RmsNorm.class, "rmsNorm", 0, 0, x, weight, loop, rows, n, eps);
        assertWithinTwiceNaive(loop, ref, naive, 1e-6, "rmsNorm on " + device.id());
        FloatArray spmd = poisoned(rows * n);
        run(device, RmsNorm.class, "rmsNormSpmd", rows * RmsNorm.GROUP_SIZE, RmsNorm.GROUP_SIZE,
                withContext(x, weight, spmd, rows, n, eps));
        assertWithinTwiceNaive(spmd, ref, naive, 1e-6, "rmsNormSpmd on " + device.id());
    }

    // ---- RoPE with the KV-cache write ------------------------------------------------------------

    static Stream<Arguments> ropeCases() {
        return devices().flatMap(d -> Stream.of(Arguments.of(d, 0, false), Arguments.of(d, 1, false),
                Arguments.of(d, 0, true)));
    }

    @ParameterizedTest(name = "{0} halfRotation={1} headMajor={2}")
    @MethodSource("ropeCases")
    void ropeRotatesQueriesAndWritesTheCacheRow(Device device, int halfRotation, boolean headMajor) {
        int heads = 4;
        int kvHeads = 2;
        int headDim = 16;
        int ropeDim = 12; // the last 4 dimensions of each head pass through
        int positions = 8;
        int position = 1 + rng.nextInt(positions - 1);
        int kvDim = kvHeads * headDim;
        FloatArray q = random(rng, heads * headDim);
        FloatArray k = random(rng, kvDim);
        FloatArray v = random(rng, kvDim);
        FloatArray keyCache = random(rng, positions * kvDim);
        FloatArray valueCache = random(rng, positions * kvDim);
        float[] keyBefore = keyCache.toHeapArray();
        float[] valueBefore = valueCache.toHeapArray();
        FloatArray rotation = new FloatArray(ropeDim);
        double[] angles = new double[ropeDim / 2];
        for (int i = 0; i < ropeDim / 2; i++) {
            angles[i] = position * Math.pow(10000, -2.0 * i / ropeDim);
            rotation.set(i, (float) Math.cos(angles[i]));
            rotation.set(ropeDim / 2 + i, (float) Math.sin(angles[i]));
        }
        double[] qRef = rotate(q.toHeapArray(), heads, headDim, ropeDim, angles, halfRotation != 0);
        double[] kRef = rotate(k.toHeapArray(), kvHeads, headDim, ropeDim, angles, halfRotation != 0);
        float[] qIn = q.toHeapArray();
        int positionStride = headMajor ? headDim : kvDim;
        int headStride = headMajor ? positions * headDim : headDim;
        run(device, RotaryEmbedding.class, "ropeAndCache", 0, 0, q, k, v, keyCache, valueCache, rotation,
                IntArray.fromElements(position), heads, kvHeads, headDim, ropeDim, halfRotation, (heads + kvHeads) * headDim / 2,
                positionStride, headStride);
        // rotation error: the float cos/sin tables against exact angles, a few ulp of |x|
        for (int i = 0; i < qRef.length; i++) {
            assertEquals(qRef[i], q.get(i), 1e-6, "q[" + i + "] (was " + qIn[i] + ") on " + device.id());
        }
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < kvDim; i++) {
                int at = p * positionStride + i / headDim * headStride + i % headDim;
                if (p == position) {
                    assertEquals(kRef[i], keyCache.get(at), 1e-6, "key cache row " + p + "[" + i + "]");
                    assertEquals(v.get(i), valueCache.get(at), "value cache row " + p + "[" + i + "]");
                } else {
                    assertEquals(keyBefore[at], keyCache.get(at), "key cache row " + p + " must not change");
                    assertEquals(valueBefore[at], valueCache.get(at), "value cache row " + p + " must not change");
                }
            }
        }
    }

    private static double[] rotate(float[] x, int heads, int headDim, int ropeDim, double[] angles, boolean halves) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        int half = ropeDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                int a = h * headDim + (halves ? i : 2 * i);
                int b = halves ? a + half : a + 1;
                out[a] = x[a] * Math.cos(angles[i]) - x[b] * Math.sin(angles[i]);
                out[b] = x[a] * Math.sin(angles[i]) + x[b] * Math.cos(angles[i]);
            }
        }
        return out;
    }

    // ---- decode attention ------------------------------------------------------------------------

    static Stream<Arguments> attentionCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : devices().toList()) {
            for (int[] heads : new int[][] {{4, 4}, {4, 2}, {8, 2}}) {
                for (int position : new int[] {0, 1, 150}) {
                    cases.add(Arguments.of(d, heads[0], heads[1], position));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} heads {1}/{2} position {3}")
    @MethodSource("attentionCases")
    void attentionBothFormsAgainstFloat64(Device device, int heads, int kvHeads, int position) {
        int headDim = 32;
        int maxSeq = 200;
        int kvDim = kvHeads * headDim;
        FloatArray q = random(rng, heads * headDim);
        FloatArray keys = random(rng, maxSeq * kvDim);
        FloatArray values = random(rng, maxSeq * kvDim);
        double[] ref = new double[heads * headDim];
        float[] naive = new float[heads * headDim];
        for (int h = 0; h < heads; h++) {
            int kv = h / (heads / kvHeads) * headDim;
            double[] s = new double[position + 1];
            float[] sF = new float[position + 1];
            double max = Double.NEGATIVE_INFINITY;
            float maxF = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= position; t++) {
                double dot = 0;
                float dotF = 0f;
                for (int i = 0; i < headDim; i++) {
                    dot += (double) q.get(h * headDim + i) * keys.get(t * kvDim + kv + i);
                    dotF += q.get(h * headDim + i) * keys.get(t * kvDim + kv + i);
                }
                s[t] = dot / Math.sqrt(headDim);
                sF[t] = dotF * (float) (1.0 / Math.sqrt(headDim));
                max = Math.max(max, s[t]);
                maxF = Math.max(maxF, sF[t]);
            }
            double sum = 0;
            float sumF = 0f;
            for (int t = 0; t <= position; t++) {
                s[t] = Math.exp(s[t] - max);
                sF[t] = (float) Math.exp(sF[t] - maxF);
                sum += s[t];
                sumF += sF[t];
            }
            for (int i = 0; i < headDim; i++) {
                double acc = 0;
                float accF = 0f;
                for (int t = 0; t <= position; t++) {
                    acc += s[t] / sum * values.get(t * kvDim + kv + i);
                    accF += sF[t] / sumF * values.get(t * kvDim + kv + i);
                }
                ref[h * headDim + i] = acc;
                naive[h * headDim + i] = accF;
            }
        }
        IntArray state = IntArray.fromElements(position);
        FloatArray loop = poisoned(heads * headDim);
        run(device, DecodeAttention.class, "attention", 0, 0, q, keys, values, poisoned(heads * maxSeq), loop, state,
                heads, kvHeads, headDim, maxSeq);
        assertWithinTwiceNaive(loop, ref, naive, 1e-6, "attention on " + device.id());
        FloatArray spmd = poisoned(heads * headDim);
        run(device, DecodeAttention.class, "attentionSpmd", heads * DecodeAttention.GROUP_SIZE, DecodeAttention.GROUP_SIZE,
                withContext(q, keys, values, poisoned(heads * maxSeq), spmd, state, heads, kvHeads, headDim, maxSeq));
        assertWithinTwiceNaive(spmd, ref, naive, 1e-6, "attentionSpmd on " + device.id());
        // split-KV: one split, a few, and more splits than positions (empty splits must merge away)
        for (int splits : new int[] {1, 3, DecodeAttention.splitsFor(maxSeq) + 5}) {
            FloatArray partialOut = poisoned(heads * splits * headDim);
            FloatArray partialLse = poisoned(heads * splits);
            run(device, DecodeAttention.class, "attentionSplitSpmd", heads * splits * DecodeAttention.GROUP_SIZE,
                    DecodeAttention.GROUP_SIZE, withContext(q, keys, values, poisoned(heads * maxSeq), partialOut, partialLse,
                            state, heads, kvHeads, headDim, maxSeq, splits));
            FloatArray split = poisoned(heads * headDim);
            run(device, FlashDecoding.class, "merge", FlashDecoding.mergeGlobalX(heads), FlashDecoding.THREADS,
                    withContext(partialOut, partialLse, split, poisoned(heads), heads, headDim, splits));
            assertWithinTwiceNaive(split, ref, naive, 1e-6, "attentionSplitSpmd with " + splits + " splits on " + device.id());
        }
    }

    // ---- SwiGLU ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void swiGluAgainstFloat64(Device device) {
        int n = 777;
        FloatArray gate = random(rng, n);
        for (int i = 0; i < n; i++) {
            gate.set(i, gate.get(i) * 8); // well into both tails of the sigmoid
        }
        FloatArray up = random(rng, n);
        double[] ref = new double[n];
        float[] naive = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gate.get(i);
            ref[i] = g / (1 + Math.exp(-g)) * up.get(i);
            naive[i] = gate.get(i) / (1f + (float) Math.exp(-gate.get(i))) * up.get(i);
        }
        run(device, Activations.class, "swiGlu", 0, 0, gate, up, n);
        assertWithinTwiceNaive(gate, ref, naive, 1e-7, "swiGlu on " + device.id());
    }

    // ---- argmax (greedy decoding on the device) ----------------------------------------------------

    static Stream<Arguments> argmaxCases() {
        return TestDevices.all().flatMap(d -> Stream.of(1, 300, 2049, 40_000, 600_000).map(n -> Arguments.of(d, n)));
    }

    /**
     * Both forms against a plain scan, on random values and then on the same values with the cases a
     * reduction tree gets wrong: the maximum tied at several indices (the lowest must win), ±0 as the
     * maximum, every value −∞, and NaNs (the lowest NaN index is reported). The work-group form runs
     * twice per case on the same tickets, so a ticket not left at 0 fails the second run.
     */
    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("argmaxCases")
    void argmaxBothFormsGiveTheLowestIndexOfTheMaximumAndReportNaN(Device device, int n) {
        FloatArray values = random(rng, n);
        checkArgmax(device, values, n, "random");
        int[] ties = {n - 1, n / 2, n / 3, n / 7}; // written high to low: the scan order must not matter
        for (int t : ties) {
            values.set(t, 5f);
        }
        checkArgmax(device, values, n, "tied maxima");
        for (int i = 0; i < n; i++) {
            values.set(i, -Math.abs(values.get(i)) - 1);
        }
        values.set(n - 1, 0f);
        values.set((n - 1) / 2, -0f);
        checkArgmax(device, values, n, "±0 as the maximum");
        values.init(Float.NEGATIVE_INFINITY);
        checkArgmax(device, values, n, "all −∞");
        values.set(n - 1, Float.NaN);
        values.set((n - 1) / 3, Float.NaN);
        checkArgmax(device, values, n, "NaNs");
    }

    /** n = 0: index n (0) and no NaN from both forms; the NaN in the array, past n, is not looked at. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void argmaxOfNothingIsNAndNoNaN(Device device) {
        checkArgmax(device, FloatArray.fromElements(Float.NaN), 0, "no values");
    }

    private void checkArgmax(Device device, FloatArray values, int n, String what) {
        int expected = n;
        int nan = -1;
        for (int i = n - 1; i >= 0; i--) { // backwards, with ≥: the lowest index of the maximum, by a second route
            float v = values.get(i);
            if (Float.isNaN(v)) {
                nan = i;
            } else if (expected == n || v >= values.get(expected)) {
                expected = i;
            }
        }
        String where = what + ", n = " + n + " on " + device.id();
        IntArray result = IntArray.fromArray(new int[] {-7, -7});
        run(device, ArgMax.class, "argmax", 0, 0, values, n, result);
        assertEquals(expected, result.get(0), "argmax index, " + where);
        assertEquals(nan, result.get(1), "argmax NaN index, " + where);
        int groups = ArgMax.globalSize(n) / ArgMax.GROUP_SIZE;
        IntArray tickets = new IntArray(1);
        for (int run = 0; run < 2; run++) {
            result.init(-7);
            run(device, ArgMax.class, "argmaxSpmd", ArgMax.globalSize(n), ArgMax.GROUP_SIZE, withContext(values, n,
                    poisoned(groups), IntArray.fromArray(new int[groups]), IntArray.fromArray(new int[groups]), tickets,
                    result));
            assertEquals(expected, result.get(0), "argmaxSpmd index (run " + run + "), " + where);
            assertEquals(nan, result.get(1), "argmaxSpmd NaN index (run " + run + "), " + where);
        }
    }
}
