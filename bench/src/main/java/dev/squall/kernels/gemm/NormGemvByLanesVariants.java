package dev.squall.kernels.gemm;

import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.kernels.transformer.NormalisedInput;
import dev.squall.kernels.vector.Q8Runs;
import dev.squall.kernels.vector.Run8;

/**
 * {@link NormGemvByLanes#q8SwiGlu} with other ways of widening a Q8_0 quant to float, for the bench to time beside
 * it (the library's form converts each byte with an int-to-float conversion, which an H200 issues at a quarter
 * of the rate of float adds): by its bits, ((b &amp; 0xFF) ^ 0x80) | 0x4B000000 being the float 2^23 + b + 128
 * ({@link #q8SwiGluBits}), and the same from the quants read as 32-bit words, four per word
 * ({@link #q8SwiGluWords}). Both exact for every byte. Same arguments and grid as q8SwiGlu (the words form takes
 * the quants as an IntArray over the same bytes). And both forms issuing their first run's weight loads before the
 * norm's reduction ({@link #q8Preload}, {@link #f16Preload}), as compiled and held to six or eight work-groups a
 * compute unit.
 *
 * <p>All lost or tied on an H200 (Llama-3.2-1B's 2 × 8192×2048, sizes as constants, 32 lanes; medians in µs,
 * library form 20.6 for Q8_0 and 23.0–23.2 for f16; bench/results/2026-12-01-h200-q8-fused-norms.md): bits 24.8,
 * words 21.0, so the int-to-float conversion is not what bounds the Q8_0 form; preloading 22.6 (Q8_0) and 25.7
 * (f16) as compiled, the early runs widened before the norm's barriers holding 62 and 52 registers, and 29.2–31.1
 * held to six or eight work-groups (spills).
 *
 * <p>They keep the nineteenth session's reductions as timed then: the norm's sum in a local-memory tree and the
 * two sums by {@link FlatGemmByLanes#sumPass}. The library's forms have since taken the norm's sum by warp
 * shuffles, and the binary16 ones their two sums too (bench/results/2026-12-01-h200-warp-shuffles.md), so a
 * comparison with them now mixes both changes.
 */
public final class NormGemvByLanesVariants {

    /** 2^23 + 128: what the bits trick adds to every quant. */
    private static final float BIAS = 8_388_736f;

    private NormGemvByLanesVariants() {
    }

    /** {@link NormGemvByLanes#q8SwiGlu} widening each quant by its bits. */
    public static void q8SwiGluBits(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                    ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                    FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, FlatGemmByLanes.THREADS, lanes, 2, 1);
        int row = g.row() / 2;
        int w = Math.min(row, n - 1) * k;
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), FlatGemmByLanes.THREADS, x,
                normWeight, k, eps, false);
        float s0 = 0f;
        float s1 = 0f;
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), FlatGemmByLanes.THREADS, x, normWeight, start, k);
            }
            int width = Math.min(NormalisedInput.WINDOW_COLS, k - start);
            for (int c = 16 * g.lane(); c < width; c += 16 * lanes) {
                Run8 low = Run8.of(input, c);
                Run8 high = Run8.of(input, c + 8);
                int a = w + start + c;
                s0 = Math.fma(gateScales.getFloat(a >>> 5), bits(gateQuants, a).dot(low) + bits(gateQuants, a + 8).dot(high), s0);
                s1 = Math.fma(upScales.getFloat(a >>> 5), bits(upQuants, a).dot(low) + bits(upQuants, a + 8).dot(high), s1);
            }
        }
        NormGemvByLanes.swiGluStore(context, scratch, new Dots4(s0, s1, 0f, 0f), g, lanes, false, out, row, n, inverse);
    }

    /** {@link NormGemvByLanes#q8SwiGlu} reading the quants as words (four per int, little-endian) and widening by bits. */
    public static void q8SwiGluWords(KernelContext context, IntArray gateQuants, HalfFloatArray gateScales,
                                     IntArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                     FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, FlatGemmByLanes.THREADS, lanes, 2, 1);
        int row = g.row() / 2;
        int kw = k / 4;
        int w = Math.min(row, n - 1) * kw; // in words
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), FlatGemmByLanes.THREADS, x,
                normWeight, k, eps, false);
        float s0 = 0f;
        float s1 = 0f;
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), FlatGemmByLanes.THREADS, x, normWeight, start, k);
            }
            int widthWords = Math.min(NormalisedInput.WINDOW_COLS, k - start) / 4;
            int windowWords = w + (start >> 2); // a multiple of 4 the divisibility analysis can see (start is of 4096)
            for (int cw = 4 * g.lane(); cw < widthWords; cw += 4 * lanes) {
                int c = 4 * cw;
                Run8 low = Run8.of(input, c);
                Run8 high = Run8.of(input, c + 8);
                int a = windowWords + cw;
                s0 = Math.fma(gateScales.getFloat(a >>> 3), words(gateQuants, a, low, high), s0);
                s1 = Math.fma(upScales.getFloat(a >>> 3), words(upQuants, a, low, high), s1);
            }
        }
        NormGemvByLanes.swiGluStore(context, scratch, new Dots4(s0, s1, 0f, 0f), g, lanes, false, out, row, n, inverse);
    }

    /**
     * {@link NormGemvByLanes#q8SwiGlu} issuing its first run's weight loads (both rows' quants and scales) before
     * the norm's reduction, so that their memory latency overlaps it.
     */
    private static void q8Preload(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                       ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                       FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, FlatGemmByLanes.THREADS, lanes, 2, 1);
        int row = g.row() / 2;
        int w = Math.min(row, n - 1) * k;
        // the first run (lanes past k read the row's first run and drop it)
        int c0 = 16 * g.lane();
        int first = w + (c0 < k ? c0 : 0);
        Run8 gateLow = Run8.of(gateQuants, first);
        Run8 gateHigh = Run8.of(gateQuants, first + 8);
        Run8 upLow = Run8.of(upQuants, first);
        Run8 upHigh = Run8.of(upQuants, first + 8);
        float gateScale = gateScales.getFloat(first >>> 5);
        float upScale = upScales.getFloat(first >>> 5);
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), FlatGemmByLanes.THREADS, x,
                normWeight, k, eps, false);
        float s0 = 0f;
        float s1 = 0f;
        if (c0 < k) {
            Run8 low = Run8.of(input, c0);
            Run8 high = Run8.of(input, c0 + 8);
            s0 = gateScale * (gateLow.dot(low) + gateHigh.dot(high));
            s1 = upScale * (upLow.dot(low) + upHigh.dot(high));
        }
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), FlatGemmByLanes.THREADS, x, normWeight, start, k);
            }
            int width = Math.min(NormalisedInput.WINDOW_COLS, k - start);
            for (int c = start == 0 ? c0 + 16 * lanes : c0; c < width; c += 16 * lanes) {
                Run8 low = Run8.of(input, c);
                Run8 high = Run8.of(input, c + 8);
                s0 = Q8Runs.fma(gateQuants, gateScales, w + start + c, low, high, s0);
                s1 = Q8Runs.fma(upQuants, upScales, w + start + c, low, high, s1);
            }
        }
        NormGemvByLanes.swiGluStore(context, scratch, new Dots4(s0, s1, 0f, 0f), g, lanes, false, out, row, n, inverse);
    }

    /** {@link NormGemvByLanes#f16SwiGlu} issuing its first run's weight loads before the norm's reduction (k a multiple of 8). */
    private static void f16Preload(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                        FloatArray normWeight, FloatArray out, int n, int k, float eps, int lanes) {
        float[] scratch = context.allocateFloatLocalArray(FlatGemmByLanes.scratchLength(2, 1));
        float[] input = context.allocateFloatLocalArray(NormalisedInput.WINDOW_COLS);
        LaneGroup g = LaneGroup.of(context.localIdx, context.groupIdx, FlatGemmByLanes.THREADS, lanes, 2, 1);
        int row = g.row() / 2;
        int w = Math.min(row, n - 1) * k;
        int c0 = 8 * g.lane();
        int first = w + (c0 < k ? c0 : 0);
        Run8 gate = Run8.of(wGate, first);
        Run8 up = Run8.of(wUp, first);
        float inverse = NormalisedInput.firstWindow(context, scratch, input, g.local(), FlatGemmByLanes.THREADS, x,
                normWeight, k, eps, false);
        float s0 = 0f;
        float s1 = 0f;
        if (c0 < k) {
            Run8 h = Run8.of(input, c0);
            s0 = gate.dot(h);
            s1 = up.dot(h);
        }
        for (int start = 0; start < k; start += NormalisedInput.WINDOW_COLS) {
            if (start > 0) {
                NormalisedInput.stageWindow(context, input, g.local(), FlatGemmByLanes.THREADS, x, normWeight, start, k);
            }
            int width = Math.min(NormalisedInput.WINDOW_COLS, k - start);
            for (int c = start == 0 ? c0 + 8 * lanes : c0; c < width; c += 8 * lanes) {
                Run8 h = Run8.of(input, c);
                s0 = Run8.of(wGate, w + start + c).fmaDot(h, s0);
                s1 = Run8.of(wUp, w + start + c).fmaDot(h, s1);
            }
        }
        NormGemvByLanes.swiGluStore(context, scratch, new Dots4(s0, s1, 0f, 0f), g, lanes, false, out, row, n, inverse);
    }

    /** {@link #q8Preload} as it compiles (62 registers on sm_90: four work-groups a compute unit). */
    public static void q8SwiGluPreload(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                       ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                       FloatArray out, int n, int k, float eps, int lanes) {
        q8Preload(context, gateQuants, gateScales, upQuants, upScales, x, normWeight, out, n, k, eps, lanes);
    }

    /** {@link #q8Preload} held to six work-groups a compute unit (42 registers). */
    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 6)
    public static void q8SwiGluPreload6(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                        ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                        FloatArray out, int n, int k, float eps, int lanes) {
        q8Preload(context, gateQuants, gateScales, upQuants, upScales, x, normWeight, out, n, k, eps, lanes);
    }

    /** {@link #q8Preload} held to eight work-groups a compute unit (32 registers), as the library form runs. */
    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 8)
    public static void q8SwiGluPreload8(KernelContext context, ByteArray gateQuants, HalfFloatArray gateScales,
                                        ByteArray upQuants, HalfFloatArray upScales, FloatArray x, FloatArray normWeight,
                                        FloatArray out, int n, int k, float eps, int lanes) {
        q8Preload(context, gateQuants, gateScales, upQuants, upScales, x, normWeight, out, n, k, eps, lanes);
    }

    /** {@link #f16Preload} as it compiles (52 registers). */
    public static void f16SwiGluPreload(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                        FloatArray normWeight, FloatArray out, int n, int k, float eps, int lanes) {
        f16Preload(context, wGate, wUp, x, normWeight, out, n, k, eps, lanes);
    }

    /** {@link #f16Preload} held to six work-groups a compute unit. */
    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 6)
    public static void f16SwiGluPreload6(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                         FloatArray normWeight, FloatArray out, int n, int k, float eps, int lanes) {
        f16Preload(context, wGate, wUp, x, normWeight, out, n, k, eps, lanes);
    }

    /** {@link #f16Preload} held to eight work-groups a compute unit. */
    @LaunchBounds(maxGroupSize = 256, minGroupsPerComputeUnit = 8)
    public static void f16SwiGluPreload8(KernelContext context, HalfFloatArray wGate, HalfFloatArray wUp, FloatArray x,
                                         FloatArray normWeight, FloatArray out, int n, int k, float eps, int lanes) {
        f16Preload(context, wGate, wUp, x, normWeight, out, n, k, eps, lanes);
    }

    /** Quants at … at + 7 widened by their bits. */
    private static Run8 bits(ByteArray q, int at) {
        return new Run8(bits(q.get(at)), bits(q.get(at + 1)), bits(q.get(at + 2)), bits(q.get(at + 3)),
                bits(q.get(at + 4)), bits(q.get(at + 5)), bits(q.get(at + 6)), bits(q.get(at + 7)));
    }

    static float bits(byte b) {
        return Float.intBitsToFloat(((b & 0xFF) ^ 0x80) | 0x4B00_0000) - BIAS;
    }

    /** The 16 quants of words at … at + 3 against the 16 inputs low, high. */
    private static float words(IntArray q, int at, Run8 low, Run8 high) {
        int w0 = q.get(at) ^ 0x8080_8080;
        int w1 = q.get(at + 1) ^ 0x8080_8080;
        int w2 = q.get(at + 2) ^ 0x8080_8080;
        int w3 = q.get(at + 3) ^ 0x8080_8080;
        return new Run8(low(w0), second(w0), third(w0), high(w0), low(w1), second(w1), third(w1), high(w1)).dot(low)
                + new Run8(low(w2), second(w2), third(w2), high(w2), low(w3), second(w3), third(w3), high(w3)).dot(high);
    }

    private static float low(int w) {
        return Float.intBitsToFloat(0x4B00_0000 | (w & 0xFF)) - BIAS;
    }

    private static float second(int w) {
        return Float.intBitsToFloat(0x4B00_0000 | ((w >>> 8) & 0xFF)) - BIAS;
    }

    private static float third(int w) {
        return Float.intBitsToFloat(0x4B00_0000 | ((w >>> 16) & 0xFF)) - BIAS;
    }

    private static float high(int w) {
        return Float.intBitsToFloat(0x4B00_0000 | (w >>> 24)) - BIAS;
    }
}
