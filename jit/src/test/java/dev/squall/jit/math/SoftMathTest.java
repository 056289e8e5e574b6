package dev.squall.jit.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** SoftMath against StrictMath (fdlibm) on random inputs over each function's range: errors in ulp. */
class SoftMathTest {

    private final Random random = new Random();
    private static final int SAMPLES = 200_000;

    /** Distance in units in the last place of the reference. */
    static double ulps(double actual, double expected) {
        if (Double.isNaN(expected)) {
            return Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (actual == expected) {
            return 0;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - expected) / Math.ulp(expected);
    }

    private void check(String name, DoubleUnaryOperator soft, DoubleUnaryOperator exact, double lo, double hi,
                       double maxUlps) {
        double worst = 0;
        double worstAt = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double x = lo + (hi - lo) * random.nextDouble();
            double e = ulps(soft.applyAsDouble(x), exact.applyAsDouble(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= maxUlps, name + ": " + worst + " ulp at x = " + worstAt);
    }

    private void checkLog(String name, DoubleUnaryOperator soft, DoubleUnaryOperator exact, double maxUlps) {
        double worst = 0;
        double worstAt = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double x = Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL); // any positive finite double
            double e = ulps(soft.applyAsDouble(x), exact.applyAsDouble(x));
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= maxUlps, name + ": " + worst + " ulp at x = " + worstAt);
    }

    /** The float exp that kernels get on PTX: within 2 ulp of float(e^x) over its whole range, and its edges exact. */
    @Test
    void floatExp() {
        float worst = 0;
        float worstAt = 0;
        for (int i = 0; i < SAMPLES; i++) {
            float x = (float) (-104 + 193 * random.nextDouble());
            float expected = (float) StrictMath.exp(x);
            float actual = SoftMath.expf(x);
            float e = expected == 0f || Float.isInfinite(expected) ? (actual == expected ? 0 : Float.POSITIVE_INFINITY)
                    : Math.abs(actual - expected) / Math.ulp(expected);
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        assertTrue(worst <= 2, "expf: " + worst + " ulp at x = " + worstAt);
        assertTrue(SoftMath.expf(0f) == 1f && SoftMath.expf(-200f) == 0f && SoftMath.expf(100f) == Float.POSITIVE_INFINITY);
        assertTrue(Float.isNaN(SoftMath.expf(Float.NaN)));
        // near the half-integers of x·log2 e, where the rounding of k decides the reduction, and near the top
        for (float x : new float[] {0.5f / 1.44269504f, 1.5f / 1.44269504f, -2.5f / 1.44269504f, 87.5f}) {
            float e = Math.abs(SoftMath.expf(x) - (float) StrictMath.exp(x)) / Math.ulp((float) StrictMath.exp(x));
            assertTrue(e <= 2, "expf(" + x + "): " + e + " ulp");
        }
    }

    // Bounds are the worst seen over 2·10^7 random samples per function (one more ulp of margin,
    // since each run draws fresh inputs): sinh 3, tanh 4, tan 4, expm1 2, the rest at most 2.
    @Test
    void exponentials() {
        check("exp", SoftMath::exp, StrictMath::exp, -745, 709.7, 1.5);
        check("exp small", SoftMath::exp, StrictMath::exp, -1, 1, 1.5);
        check("expm1", SoftMath::expm1, StrictMath::expm1, -40, 709, 3);
        check("expm1 small", SoftMath::expm1, StrictMath::expm1, -1e-3, 1e-3, 1.5);
        check("sinh", SoftMath::sinh, StrictMath::sinh, -710, 710, 4);
        check("cosh", SoftMath::cosh, StrictMath::cosh, -710, 710, 3);
        check("tanh", SoftMath::tanh, StrictMath::tanh, -30, 30, 5);
        check("tanh small", SoftMath::tanh, StrictMath::tanh, -1e-4, 1e-4, 3);
    }

    @Test
    void logarithms() {
        checkLog("log", SoftMath::log, StrictMath::log, 1.5);
        check("log near 1", SoftMath::log, StrictMath::log, 0.5, 2, 1.5);
        check("log subnormal", SoftMath::log, StrictMath::log, 0, 1e-310, 1.5);
        checkLog("log10", SoftMath::log10, StrictMath::log10, 2);
        check("log1p", SoftMath::log1p, StrictMath::log1p, -0.999, 100, 2);
        check("log1p small", SoftMath::log1p, StrictMath::log1p, -1e-5, 1e-5, 2);
    }

    @Test
    void trigonometry() {
        check("sin", SoftMath::sin, StrictMath::sin, -1e5, 1e5, 2);
        check("sin small", SoftMath::sin, StrictMath::sin, -4, 4, 1.5);
        check("cos", SoftMath::cos, StrictMath::cos, -1e5, 1e5, 2);
        check("cos small", SoftMath::cos, StrictMath::cos, -4, 4, 1.5);
        check("tan", SoftMath::tan, StrictMath::tan, -1e4, 1e4, 5); // sin/cos quotient: worst seen 4.0
        check("atan", SoftMath::atan, StrictMath::atan, -1e3, 1e3, 2);
        check("atan small", SoftMath::atan, StrictMath::atan, -1, 1, 2);
        check("asin", SoftMath::asin, StrictMath::asin, -1, 1, 3);
        check("acos", SoftMath::acos, StrictMath::acos, -1, 1, 3);
    }

    @Test
    void twoArgumentFunctions() {
        check2("atan2", SoftMath::atan2, StrictMath::atan2, 100, 2.5);
        check2("hypot", SoftMath::hypot, StrictMath::hypot, 1e10, 1.5);
        check2("pow", (x, y) -> SoftMath.pow(Math.abs(x), y / 10), (x, y) -> StrictMath.pow(Math.abs(x), y / 10), 100, 2);
        check2("fmod", SoftMath::fmod, (x, y) -> x % y, 1e6, 0);
    }

    private void check2(String name, DoubleBinaryOperator soft, DoubleBinaryOperator exact, double range, double maxUlps) {
        double worst = 0;
        String at = "";
        for (int i = 0; i < SAMPLES; i++) {
            double x = (random.nextDouble() * 2 - 1) * range;
            double y = (random.nextDouble() * 2 - 1) * range;
            double e = ulps(soft.applyAsDouble(x, y), exact.applyAsDouble(x, y));
            if (e > worst) {
                worst = e;
                at = x + ", " + y;
            }
        }
        assertTrue(worst <= maxUlps, name + ": " + worst + " ulp at " + at);
    }

    @Test
    void roots() {
        check("cbrt", SoftMath::cbrt, StrictMath::cbrt, -1e300, 1e300, 1.5);
        check("cbrt small", SoftMath::cbrt, StrictMath::cbrt, -1e-300, 1e-300, 1.5);
        check("cbrt unit", SoftMath::cbrt, StrictMath::cbrt, -2, 2, 1.5);
    }

    @Test
    void specialValuesFollowJava() {
        double[] values = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double x : values) {
            for (double y : values) {
                assertSame("pow(" + x + ", " + y + ")", StrictMath.pow(x, y), SoftMath.pow(x, y));
                assertSame("atan2(" + x + ", " + y + ")", StrictMath.atan2(x, y), SoftMath.atan2(x, y));
                assertSame("fmod(" + x + ", " + y + ")", x % y, SoftMath.fmod(x, y));
                assertSame("hypot(" + x + ", " + y + ")", StrictMath.hypot(x, y), SoftMath.hypot(x, y));
            }
            for (String f : new String[] {"exp", "log", "sin", "cos", "tanh", "atan", "cbrt", "expm1", "log1p", "sinh"}) {
                double soft = switch (f) {
                    case "exp" -> SoftMath.exp(x);
                    case "log" -> SoftMath.log(x);
                    case "sin" -> SoftMath.sin(x);
                    case "cos" -> SoftMath.cos(x);
                    case "tanh" -> SoftMath.tanh(x);
                    case "atan" -> SoftMath.atan(x);
                    case "cbrt" -> SoftMath.cbrt(x);
                    case "expm1" -> SoftMath.expm1(x);
                    case "log1p" -> SoftMath.log1p(x);
                    default -> SoftMath.sinh(x);
                };
                double exact = switch (f) {
                    case "exp" -> StrictMath.exp(x);
                    case "log" -> StrictMath.log(x);
                    case "sin" -> StrictMath.sin(x);
                    case "cos" -> StrictMath.cos(x);
                    case "tanh" -> StrictMath.tanh(x);
                    case "atan" -> StrictMath.atan(x);
                    case "cbrt" -> StrictMath.cbrt(x);
                    case "expm1" -> StrictMath.expm1(x);
                    case "log1p" -> StrictMath.log1p(x);
                    default -> StrictMath.sinh(x);
                };
                if ((f.equals("sin") || f.equals("cos")) && Math.abs(x) > 0x1p30) {
                    assertTrue(Double.isNaN(soft), "arguments beyond 2^30 are refused");
                    continue;
                }
                assertTrue(ulps(soft, exact) <= 2, f + "(" + x + ") = " + soft + ", expected " + exact);
            }
        }
    }

    /** Equal, including the sign of zero and NaN-ness, or within 2 ulp for finite non-zero results. */
    private static void assertSame(String what, double expected, double actual) {
        if (Double.isNaN(expected) || expected == 0 || Double.isInfinite(expected)) {
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), what);
        } else {
            assertTrue(ulps(actual, expected) <= 2, what + " = " + actual + ", expected " + expected);
        }
    }

    @Test
    void floatFunctions() {
        float worst = 0;
        for (int i = 0; i < SAMPLES; i++) {
            float x = random.nextFloat() * 190 - 100;
            float soft = SoftMath.expf(x);
            float exact = (float) StrictMath.exp(x);
            if (exact != 0 && !Float.isInfinite(exact) && Math.abs(exact) >= Float.MIN_NORMAL) {
                worst = Math.max(worst, Math.abs(soft - exact) / Math.ulp(exact));
            }
        }
        assertTrue(worst <= 2, "expf: " + worst + " ulp");
        assertEquals(Float.POSITIVE_INFINITY, SoftMath.expf(100f));
        assertEquals(0f, SoftMath.expf(-200f));
        assertTrue(Float.isNaN(SoftMath.expf(Float.NaN)));
        for (int i = 0; i < 10_000; i++) {
            float x = (random.nextFloat() * 2 - 1) * 1e4f;
            float y = (random.nextFloat() * 2 - 1) * 100f;
            assertEquals(Float.floatToIntBits(x % y), Float.floatToIntBits(SoftMath.fmodf(x, y)), x + " % " + y);
        }
    }
}
