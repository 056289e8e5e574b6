package dev.squall.jit.corpus;

import dev.squall.api.KernelMath;
import dev.squall.api.Parallel;
import dev.squall.api.Reduce;
import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.ByteArray;
import dev.squall.api.types.DoubleArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.Half;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import dev.squall.api.types.ShortArray;

/** Loop and serial kernels covering the constructs the front end must handle. */
public final class LoopKernels {

    /** A constant javac cannot fold: read from the class at compile time. */
    static final int SCALE = Integer.parseInt("3");

    private LoopKernels() {
    }

    public static void startAndStride(FloatArray in, FloatArray out, int n) {
        for (@Parallel int i = 3; i < n; i += 2) {
            out.set(i, in.get(i) * 2f + i);
        }
    }

    public static void inclusiveBound(FloatArray in, FloatArray out, int n) {
        for (@Parallel int i = 1; i <= n; i++) {
            out.set(i - 1, in.get(i - 1) - in.get(n - i));
        }
    }

    /** An inner serial loop left early by break. */
    public static void firstAbove(FloatArray rows, IntArray firstIndex, int cols, float threshold) {
        for (@Parallel int r = 0; r < firstIndex.getSize(); r++) {
            int found = -1;
            for (int c = 0; c < cols; c++) {
                if (rows.get(r * cols + c) > threshold) {
                    found = c;
                    break;
                }
            }
            firstIndex.set(r, found);
        }
    }

    /** continue, and a labeled break out of two loops. */
    public static void sumPositivesUntilNaN(FloatArray rows, FloatArray out, int cols) {
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            float sum = 0;
            outer:
            for (int block = 0; block < cols; block += 4) {
                for (int c = block; c < Math.min(block + 4, cols); c++) {
                    float v = rows.get(r * cols + c);
                    if (v < 0) {
                        continue;
                    }
                    if (Float.isNaN(v)) {
                        break outer;
                    }
                    sum += v;
                }
            }
            out.set(r, sum);
        }
    }

    /** while and do-while loops with data-dependent trip counts. */
    public static void collatz(IntArray start, IntArray steps) {
        for (@Parallel int i = 0; i < start.getSize(); i++) {
            long x = Math.abs(start.get(i)) + 1L;
            int count = 0;
            while (x != 1) {
                x = (x & 1) == 0 ? x >> 1 : 3 * x + 1;
                count++;
            }
            int digits = 0;
            int v = count;
            do {
                digits++;
                v /= 10;
            } while (v != 0);
            steps.set(i, count * 10 + digits);
        }
    }

    public static void ternaries(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            float a = v > 0.5f ? 1f : v < -0.5f ? -1f : v * 2;
            int sign = v >= 0 ? 1 : -1;
            out.set(i, a * sign + (i % 2 == 0 ? v : -v));
        }
    }

    public static void tableSwitch(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            int r;
            switch (Helpers.floorMod(v, 6)) {
                case 0 -> r = v;
                case 1 -> r = v * 2;
                case 2 -> r = -v;
                case 3 -> r = v >> 2;
                case 4 -> r = 42;
                default -> r = v ^ 0x5a5a;
            }
            out.set(i, r);
        }
    }

    public static void lookupSwitch(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i) & 0xfff;
            int r = switch (v) {
                case 7 -> 1;
                case 100, 200 -> 2;
                case 1000 -> 3;
                case 4095 -> 4;
                default -> v & 1;
            };
            out.set(i, r);
        }
    }

    public static void longMath(LongArray in, LongArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            long v = in.get(i);
            long h = Helpers.mix(v + i);
            long d = v == 0 ? 1 : v;
            out.set(i, h / d + h % d + (v << (i & 127)) + (v >>> 61) + (v >> 70) + Long.MIN_VALUE / (d | 1));
        }
    }

    public static void doubleMath(DoubleArray in, DoubleArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            double x = in.get(i);
            double r = Math.sqrt(Math.abs(x)) + Math.pow(Math.abs(x), 1.5) + Math.exp(-x * x) + Math.log(1 + x * x)
                    + Math.sin(x) * Math.cos(x) + Math.tanh(x) + Math.atan2(x, 0.3) + Math.hypot(x, 2)
                    + Math.floor(x * 3) + Math.ceil(x * 3) + Math.rint(x * 3) + Math.fma(x, x, -1)
                    + Math.cbrt(x) + Math.log10(2 + x) + Math.expm1(x) + Math.log1p(x * x) + Math.signum(x)
                    + Math.asin(x / 2) + Math.acos(x / 2) + Math.atan(x) + Math.sinh(x) + Math.cosh(x) + Math.tan(x / 3)
                    + Math.copySign(2.0, x) + Math.toRadians(x) + Math.toDegrees(x);
            out.set(i, r);
        }
    }

    /** Conversions with Java's rules: NaN and out-of-range to int, narrowing, widening. */
    public static void casts(FloatArray in, IntArray ints, LongArray longs, FloatArray floats) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            float big = v * 1e10f;
            double d = v * 1e20;
            ints.set(i, (int) big + (int) (float) d + (byte) (int) (v * 300) + (short) (int) (v * 70000)
                    + (char) (int) (v * 70000) + (int) (v / 0f));
            longs.set(i, (long) d + (long) big + (long) (v * 3.5f) + (int) (long) (d * 1e3));
            floats.set(i, (float) (double) v + (float) d + (float) (long) big + (float) (int) v);
        }
    }

    public static void intSemantics(IntArray a, IntArray b, IntArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i);
            int y = b.get(i);
            int d = y == 0 ? -1 : y;
            int r = x / d + x % d + (x << y) + (x >> y) + (x >>> y) + x * y + Integer.MIN_VALUE / (d | -1)
                    + Integer.MIN_VALUE % (d | -1) + Math.max(x, y) - Math.min(x, y) + Math.abs(x) + (x & y) + (x | y)
                    + (x ^ y) + ~x + -y;
            out.set(i, r);
        }
    }

    /** NaN and signed zeros through min, max, comparisons and remainder. */
    public static void floatSemantics(FloatArray a, FloatArray b, FloatArray out, IntArray flags) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            float x = a.get(i);
            float y = b.get(i);
            out.set(i, Math.min(x, y) + 2 * Math.max(x, y) + x % y + x / y);
            int f = (x < y ? 1 : 0) | (x <= y ? 2 : 0) | (x == y ? 4 : 0) | (x != y ? 8 : 0) | (x > y ? 16 : 0)
                    | (x >= y ? 32 : 0) | (!(x < y) ? 64 : 0) | (Float.isNaN(x) ? 128 : 0) | (Float.isInfinite(y) ? 256 : 0)
                    | (Float.isFinite(x) ? 512 : 0) | (Math.min(x, y) == 0 && 1 / Math.min(x, y) < 0 ? 1024 : 0);
            flags.set(i, f);
        }
    }

    public static void helperCalls(FloatArray in, FloatArray out, IntArray kinds) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i) * 2;
            out.set(i, Helpers.smoothClamp(v) + Helpers.lerp(0, v, 0.5f));
            kinds.set(i, Helpers.classify(v) + Helpers.floorMod(i - 7, 3) * 10);
        }
    }

    /** A record carried around a loop and through helpers. */
    public static void records(FloatArray xs, FloatArray ys, FloatArray out, int steps) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            Float2 p = new Float2(xs.get(i), ys.get(i));
            Float2 acc = Float2.of(0.5f);
            for (int s = 0; s < steps; s++) {
                acc = acc.add(p.scale(0.5f)).scale(0.9f);
            }
            Float2 chosen = acc.x() > acc.y() ? acc : p;
            Span span = new Span(i, -2, chosen);
            out.set(i, chosen.dot(p) + span.end() + span.weight().x());
        }
    }

    public static void bitTricks(IntArray in, FloatArray f, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            float x = f.get(i);
            int bits = Float.floatToRawIntBits(x);
            float back = Float.intBitsToFloat(bits ^ 0x80000000);
            out.set(i, Integer.bitCount(v) + 100 * Integer.numberOfLeadingZeros(v) + 10000 * Integer.numberOfTrailingZeros(v)
                    + Float.floatToIntBits(back) + (int) Long.bitCount((long) v * v) + Long.numberOfLeadingZeros(v));
        }
    }

    public static void halfAndBfloat(HalfFloatArray h, BFloat16Array bf, FloatArray in, HalfFloatArray hOut,
                                     FloatArray out) {
        for (@Parallel int i = 0; i < h.getSize(); i++) {
            float v = in.get(i);
            hOut.setFloat(i, v * 3);
            out.set(i, h.getFloat(i) + bf.getFloat(i) + Half.toFloat(Half.fromFloat(v * 1000))
                    + Float.float16ToFloat(Float.floatToFloat16(v)) + BFloat16Array.toFloat(BFloat16Array.fromFloat(v))
                    + h.getBits(i));
        }
    }

    /** Dequantising dot products: each row of a quantised matrix times a float vector. */
    public static void quantizedDot(Q8_0Array q8, Q4_0Array q4, FloatArray x, FloatArray out, int cols) {
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            float s = 0;
            for (int c = 0; c < cols; c++) {
                s += (q8.getFloat(r * cols + c) + q4.getFloat(r * cols + c)) * x.get(c);
            }
            out.set(r, s + q8.getScale(r) + q4.getNibble(r * cols) + q8.getQuant(r * cols + 1));
        }
    }

    public static void bytesAndShorts(ByteArray b, ShortArray s, ByteArray bOut, ShortArray sOut, IntArray out) {
        for (@Parallel int i = 0; i < b.getSize(); i++) {
            byte x = b.get(i);
            short y = s.get(i);
            bOut.set(i, (byte) (x * 3 + y));
            sOut.set(i, (short) (y * 7 - x));
            out.set(i, x + y + (x & 0xff) + (y & 0xffff));
        }
    }

    public static void javaArrays(float[] in, int[] idx, float[] out) {
        for (@Parallel int i = 0; i < out.length; i++) {
            out[i] = in[idx[i] % in.length] * SCALE + in.length;
        }
    }

    public static void grid3d(FloatArray in, FloatArray out, int nx, int ny, int nz) {
        for (@Parallel int z = 0; z < nz; z++) {
            for (@Parallel int y = 0; y < ny; y++) {
                for (@Parallel int x = 0; x < nx; x++) {
                    int at = (z * ny + y) * nx + x;
                    out.set(at, in.get(at) + x * 0.5f - y + z * 2f);
                }
            }
        }
    }

    /** An inner parallel bound that depends on the outer index: its trip count is known only per row. */
    public static void triangular(FloatArray in, FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < i + 1; j++) {
                out.set(i * n + j, in.get(i * n + j) + in.get(j * n + i));
            }
        }
    }

    public static void kernelMath(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            out.set(i, KernelMath.exp(v) + KernelMath.sqrt(Math.abs(v)) + KernelMath.silu(v) + KernelMath.rsqrt(1 + v * v)
                    + KernelMath.tanh(v) + KernelMath.log(2 + v) + KernelMath.sin(v) + KernelMath.cos(v)
                    + KernelMath.pow(Math.abs(v), 0.7f) + Math.fma(v, v, 1f));
        }
    }

    public static void booleanLogic(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            boolean even = (v & 1) == 0;
            boolean big = v > 1000 || v < -1000;
            boolean both = even && big;
            boolean either = even || (v % 3 == 0 && !big);
            out.set(i, (both ? 1 : 0) + (either ? 2 : 0) + (even ^ big ? 4 : 0) + (!both ? 8 : 0));
        }
    }

    public static void specialized(FloatArray in, FloatArray out, int n, float scale) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, in.get(i) * scale + n);
        }
    }

    public static void sumDouble(DoubleArray in, @Reduce DoubleArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
    }

    public static void minLong(LongArray in, @Reduce LongArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, Math.min(result.get(0), in.get(i) * 3 - i));
        }
    }

    public static void productInt(IntArray in, @Reduce IntArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) * (in.get(i) | 1));
        }
    }

    public static void sumOfSquares(FloatArray in, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            result.set(0, result.get(0) + (v > 0 ? v * v : 0));
        }
    }

    /** A serial kernel: one work-item, a prefix sum. */
    public static void prefixSum(IntArray in, IntArray out) {
        int running = 0;
        for (int i = 0; i < in.getSize(); i++) {
            running += in.get(i);
            out.set(i, running);
        }
    }
}
