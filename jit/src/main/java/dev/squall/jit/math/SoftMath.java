package dev.squall.jit.math;

/**
 * Math functions written in plain Java arithmetic, for targets without them in hardware (PTX has
 * only approximations). The compiler inlines these where a kernel calls {@code Math.exp},
 * {@code KernelMath.exp} and friends and the target needs it; they are ordinary Java, so they are
 * tested on the JVM against {@code StrictMath}. Accuracy, worst over 2·10^7 random samples per
 * function: exp, log, log10, atan 1 ulp; expm1, log1p, sin, cos, cosh, asin, acos 2; sinh 3; tan (a
 * quotient of the sine and cosine polynomials) and tanh 4. Java's {@code Math} promises 1 ulp for
 * most of these and 2.5 for the hyperbolic ones, so double-precision kernels on such targets are
 * slightly less accurate than on the JVM. ({@code sin}, {@code cos} and {@code tan} reduce arguments
 * with a three-part π/2: accurate for
 * |x| up to 1e5 as tested, and NaN beyond 2^30, where that reduction fails).
 *
 * <p>Only operations every target has natively are used here: + − × ÷, fma, sqrt, rint, floor,
 * abs, copySign and bit moves. Methods call no {@code java.lang.Math} function that would come
 * back here.
 */
public final class SoftMath {

    // ln 2 split so that k·LN2_HI is exact for |k| < 2^20 (a long-known choice, as in fdlibm)
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double SQRT2 = 1.41421356237309514547e+00;
    // π/2 in three parts of 33 bits, each with its tail (Cody–Waite reduction)
    private static final double PIO2_1 = 1.57079632673412561417e+00;
    private static final double PIO2_2 = 6.07710050630396597660e-11;
    private static final double PIO2_3 = 2.02226624871116645580e-21;
    private static final double PIO2_3T = 8.47842766036889956997e-32;
    private static final double TWO_OVER_PI = 6.36619772367581382433e-01;
    private static final double PI = 3.14159265358979311600e+00;
    private static final double PI_LO = 1.22464679914735317723e-16;
    private static final double PI_OVER_2 = 1.57079632679489655800e+00;
    private static final double PI_OVER_2_LO = 6.12323399573676603587e-17;
    private static final double ATAN_HALF = 0.4636476090008061;
    private static final double ATAN_HALF_LO = 2.2698777452961687e-17;
    private static final double PI_OVER_4 = 0.7853981633974483;
    private static final double PI_OVER_4_LO = 3.061616997868383e-17;
    private static final double ATAN_1_5 = 0.982793723247329;
    private static final double ATAN_1_5_LO = 1.3903311031230998e-17;
    private static final double INV_LN10 = 4.34294481903251816668e-01;
    private static final double EXP_OVERFLOW = 7.09782712893383973096e+02;
    private static final double EXP_UNDERFLOW = -7.45133219101941108420e+02;

    private SoftMath() {
    }

    // ---- exponentials ------------------------------------------------------------------------

    public static double exp(double x) {
        if (x != x) {
            return x;
        }
        if (x > EXP_OVERFLOW) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < EXP_UNDERFLOW) {
            return 0.0;
        }
        double k = Math.rint(x * INV_LN2);
        double r = Math.fma(-k, LN2_HI, x);
        r = Math.fma(-k, LN2_LO, r);
        return scale(expReduced(r), (int) k);
    }

    /** e^r for |r| ≤ ln2/2, by its Taylor series to degree 13 (truncation below 1e-17). */
    private static double expReduced(double r) {
        double p = 1.0 / 6227020800.0;
        p = Math.fma(p, r, 1.0 / 479001600.0);
        p = Math.fma(p, r, 1.0 / 39916800.0);
        p = Math.fma(p, r, 1.0 / 3628800.0);
        p = Math.fma(p, r, 1.0 / 362880.0);
        p = Math.fma(p, r, 1.0 / 40320.0);
        p = Math.fma(p, r, 1.0 / 5040.0);
        p = Math.fma(p, r, 1.0 / 720.0);
        p = Math.fma(p, r, 1.0 / 120.0);
        p = Math.fma(p, r, 1.0 / 24.0);
        p = Math.fma(p, r, 1.0 / 6.0);
        p = Math.fma(p, r, 0.5);
        p = Math.fma(p, r, 1.0);
        return Math.fma(p, r, 1.0);
    }

    /** (e^r − 1) for |r| ≤ ln2/2, Taylor to degree 14. */
    private static double expm1Reduced(double r) {
        double p = 1.0 / 87178291200.0;
        p = Math.fma(p, r, 1.0 / 6227020800.0);
        p = Math.fma(p, r, 1.0 / 479001600.0);
        p = Math.fma(p, r, 1.0 / 39916800.0);
        p = Math.fma(p, r, 1.0 / 3628800.0);
        p = Math.fma(p, r, 1.0 / 362880.0);
        p = Math.fma(p, r, 1.0 / 40320.0);
        p = Math.fma(p, r, 1.0 / 5040.0);
        p = Math.fma(p, r, 1.0 / 720.0);
        p = Math.fma(p, r, 1.0 / 120.0);
        p = Math.fma(p, r, 1.0 / 24.0);
        p = Math.fma(p, r, 1.0 / 6.0);
        p = Math.fma(p, r, 0.5);
        return Math.fma(p * r, r, r);
    }

    public static double expm1(double x) {
        if (x != x) {
            return x;
        }
        if (x > EXP_OVERFLOW) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < -38.0) {
            return -1.0;
        }
        double k = Math.rint(x * INV_LN2);
        if (k == 0) {
            return expm1Reduced(x);
        }
        double r = Math.fma(-k, LN2_HI, x);
        r = Math.fma(-k, LN2_LO, r);
        double em = expm1Reduced(r);
        int ki = (int) k;
        if (ki > 56) {
            return scale(em + 1.0, ki) - 1.0;
        }
        // 2^k(1 + em) − 1 = 2^k·em + (2^k − 1): both terms exact, one rounding
        double twoK = scale(1.0, ki);
        return Math.fma(twoK, em, twoK - 1.0);
    }

    /** v · 2^k for integer k, through two steps so that neither the factor nor the intermediate overflows. */
    private static double scale(double v, int k) {
        int first = k / 2;
        int second = k - first;
        return v * pow2(first) * pow2(second);
    }

    /** 2^k for −1022 ≤ k ≤ 1023. */
    private static double pow2(int k) {
        return Double.longBitsToDouble((long) (k + 1023) << 52);
    }

    // ---- logarithms ---------------------------------------------------------------------------

    public static double log(double x) {
        if (x != x || x < 0) {
            return Double.NaN;
        }
        if (x == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) (bits >>> 52) - 1023;
        if (e == -1023) {
            // subnormal: normalise by 2^54 first
            bits = Double.doubleToRawLongBits(x * 18014398509481984.0);
            e = (int) (bits >>> 52) - 1023 - 54;
        }
        double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
        if (m > SQRT2) {
            m = m * 0.5;
            e = e + 1;
        }
        double f = m - 1.0;
        return e * LN2_HI + (log1pReduced(f) + e * LN2_LO);
    }

    /** log(1 + f) for √½ − 1 ≤ f ≤ √2 − 1: 2·atanh(s), s = f/(2+f), in fdlibm's accurate arrangement. */
    private static double log1pReduced(double f) {
        double s = f / (2.0 + f);
        double z = s * s;
        double r = 2.0 / 21.0;
        r = Math.fma(r, z, 2.0 / 19.0);
        r = Math.fma(r, z, 2.0 / 17.0);
        r = Math.fma(r, z, 2.0 / 15.0);
        r = Math.fma(r, z, 2.0 / 13.0);
        r = Math.fma(r, z, 2.0 / 11.0);
        r = Math.fma(r, z, 2.0 / 9.0);
        r = Math.fma(r, z, 2.0 / 7.0);
        r = Math.fma(r, z, 2.0 / 5.0);
        r = Math.fma(r, z, 2.0 / 3.0);
        r = r * z;
        double hfsq = 0.5 * f * f;
        return f - (hfsq - s * (hfsq + r));
    }

    public static double log1p(double x) {
        if (x != x || x < -1.0) {
            return Double.NaN;
        }
        if (x == -1.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        double u = 1.0 + x;
        if (u == 1.0) {
            return x;
        }
        // Goldberg: the rounding of 1 + x cancels in log(u)·x/(u − 1)
        return log(u) * (x / (u - 1.0));
    }

    public static double log10(double x) {
        return log(x) * INV_LN10;
    }

    // ---- trigonometry --------------------------------------------------------------------------

    public static double sin(double x) {
        return trig(x, 0);
    }

    public static double cos(double x) {
        return trig(x, 1);
    }

    public static double tan(double x) {
        return trig(x, 2);
    }

    /** sin (which 0), cos (which 1) or tan (which 2) by reduction to [−π/4, π/4] and the quadrant. */
    private static double trig(double x, int which) {
        int shift = which == 1 ? 1 : 0;
        if (x != x || x == Double.POSITIVE_INFINITY || x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (shift == 0 && x == 0) {
            return x; // sin(±0) = ±0
        }
        if (Math.abs(x) > 1073741824.0) {
            // beyond 2^30 the three-part π/2 no longer reduces accurately: refuse rather than guess
            return Double.NaN;
        }
        double k = Math.rint(x * TWO_OVER_PI);
        double r = Math.fma(-k, PIO2_1, x);
        r = Math.fma(-k, PIO2_2, r);
        r = Math.fma(-k, PIO2_3, r);
        r = Math.fma(-k, PIO2_3T, r);
        int quadrant = ((int) (long) k + shift) & 3;
        double z = r * r;
        double s = -1.0 / 121645100408832000.0;
        s = Math.fma(s, z, 1.0 / 355687428096000.0);
        s = Math.fma(s, z, -1.0 / 1307674368000.0);
        s = Math.fma(s, z, 1.0 / 6227020800.0);
        s = Math.fma(s, z, -1.0 / 39916800.0);
        s = Math.fma(s, z, 1.0 / 362880.0);
        s = Math.fma(s, z, -1.0 / 5040.0);
        s = Math.fma(s, z, 1.0 / 120.0);
        s = Math.fma(s, z, -1.0 / 6.0);
        double sin = Math.fma(s * z, r, r);
        double c = -1.0 / 6402373705728000.0;
        c = Math.fma(c, z, 1.0 / 20922789888000.0);
        c = Math.fma(c, z, -1.0 / 87178291200.0);
        c = Math.fma(c, z, 1.0 / 479001600.0);
        c = Math.fma(c, z, -1.0 / 3628800.0);
        c = Math.fma(c, z, 1.0 / 40320.0);
        c = Math.fma(c, z, -1.0 / 720.0);
        c = Math.fma(c, z, 1.0 / 24.0);
        double cos = Math.fma(c * z, z, 1.0 - 0.5 * z);
        if (which == 2) {
            // one reduction for both: tan = sin/cos in even quadrants, −cos/sin in odd ones
            return (quadrant & 1) == 0 ? sin / cos : -cos / sin;
        }
        return switch (quadrant) {
            case 0 -> sin;
            case 1 -> cos;
            case 2 -> -sin;
            default -> -cos;
        };
    }

    public static double atan(double x) {
        if (x != x) {
            return x;
        }
        double t = Math.abs(x);
        double r;
        // atan(t) = atan(c) + atan((t − c)/(1 + c·t)), with c chosen so the reduced argument stays below 7/16
        if (t < 0.4375) {
            r = atanSeries(t);
        } else if (t < 0.6875) {
            r = ATAN_HALF + (atanSeries((t - 0.5) / Math.fma(0.5, t, 1.0)) + ATAN_HALF_LO);
        } else if (t < 1.1875) {
            r = PI_OVER_4 + (atanSeries((t - 1.0) / (t + 1.0)) + PI_OVER_4_LO);
        } else if (t < 2.4375) {
            r = ATAN_1_5 + (atanSeries((t - 1.5) / Math.fma(1.5, t, 1.0)) + ATAN_1_5_LO);
        } else {
            r = PI_OVER_2 + (PI_OVER_2_LO - atanSeries(1.0 / t));
        }
        return Math.copySign(r, x);
    }

    /** atan(u) for |u| ≤ 7/16, by its alternating series to u^47 (truncation below 1e-18). */
    private static double atanSeries(double u) {
        double z = u * u;
        double p = -1.0 / 47.0;
        for (int k = 45; k >= 3; k -= 2) {
            p = Math.fma(p, z, ((k & 2) == 0 ? -1.0 : 1.0) / k);
        }
        return Math.fma(-p * z, u, u);
    }

    /** Math.atan2, with Java's special cases for zeros and infinities. */
    public static double atan2(double y, double x) {
        if (x != x || y != y) {
            return Double.NaN;
        }
        boolean xNegative = Double.doubleToRawLongBits(x) < 0;
        if (y == 0) {
            return xNegative ? Math.copySign(PI, y) : y;
        }
        if (x == 0) {
            return Math.copySign(PI_OVER_2, y);
        }
        boolean xInf = x == Double.POSITIVE_INFINITY || x == Double.NEGATIVE_INFINITY;
        boolean yInf = y == Double.POSITIVE_INFINITY || y == Double.NEGATIVE_INFINITY;
        if (xInf) {
            if (yInf) {
                return Math.copySign(xNegative ? 3 * PI / 4 : PI / 4, y);
            }
            return Math.copySign(xNegative ? PI : 0.0, y);
        }
        if (yInf) {
            return Math.copySign(PI_OVER_2, y);
        }
        double a = atan(Math.abs(y / x));
        double r = xNegative ? (PI - a) + PI_LO : a;
        return Math.copySign(r, y);
    }

    public static double asin(double x) {
        return atan2(x, Math.sqrt((1.0 - x) * (1.0 + x)));
    }

    public static double acos(double x) {
        return atan2(Math.sqrt((1.0 - x) * (1.0 + x)), x);
    }

    // ---- hyperbolic ----------------------------------------------------------------------------

    public static double sinh(double x) {
        if (x != x) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a < 22.0) {
            double e = expm1(a);
            r = 0.5 * (e + e / (e + 1.0));
        } else {
            r = halfExp(a);
        }
        return Math.copySign(r, x);
    }

    public static double cosh(double x) {
        if (x != x) {
            return x;
        }
        double a = Math.abs(x);
        if (a < 22.0) {
            double e = exp(a);
            return 0.5 * (e + 1.0 / e);
        }
        return halfExp(a);
    }

    /** e^a / 2 for a ≥ 0, finite up to the point where the halved value overflows. */
    private static double halfExp(double a) {
        if (a > 7.10475860073943977113e+02) {
            return Double.POSITIVE_INFINITY;
        }
        double k = Math.rint(a * INV_LN2);
        double r = Math.fma(-k, LN2_HI, a);
        r = Math.fma(-k, LN2_LO, r);
        return scale(expReduced(r), (int) k - 1);
    }

    public static double tanh(double x) {
        if (x != x) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a < 0.03) {
            // the Taylor series, where the quotient below would lose a bit or two
            double z = x * x;
            double p = -1382.0 / 155925.0;
            p = Math.fma(p, z, 62.0 / 2835.0);
            p = Math.fma(p, z, -17.0 / 315.0);
            p = Math.fma(p, z, 2.0 / 15.0);
            p = Math.fma(p, z, -1.0 / 3.0);
            return Math.fma(p * z, x, x);
        }
        if (a > 22.0) {
            r = 1.0;
        } else {
            double e = expm1(2.0 * a);
            r = e / (e + 2.0);
        }
        return Math.copySign(r, x);
    }

    // ---- powers and roots ----------------------------------------------------------------------

    public static double cbrt(double x) {
        if (x != x || x == 0 || x == Double.POSITIVE_INFINITY || x == Double.NEGATIVE_INFINITY) {
            return x;
        }
        double a = Math.abs(x);
        // bring a into [2^-600, 2^600] by powers of 2^3 so t³ cannot overflow or underflow
        double unscale = 1.0;
        if (a > 0x1p600) {
            a = a * 0x1p-600;
            unscale = 0x1p200;
        } else if (a < 0x1p-600) {
            a = a * 0x1p600;
            unscale = 0x1p-200;
        }
        long bits = Double.doubleToRawLongBits(a);
        int e = (int) (bits >>> 52) - 1023;
        // a guess within a factor of 2: 2^(e/3), then Newton's iteration t ← t − (t³ − a)/(3t²)
        int third = e >= 0 ? e / 3 : -((-e + 2) / 3);
        double t = pow2(third) * 1.25;
        for (int i = 0; i < 7; i++) {
            t = t - (t * t * t - a) / (3.0 * t * t);
        }
        return Math.copySign(t * unscale, x);
    }

    public static double hypot(double x, double y) {
        double a = Math.abs(x);
        double b = Math.abs(y);
        if (a == Double.POSITIVE_INFINITY || b == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        if (a != a || b != b) {
            return Double.NaN;
        }
        if (a < b) {
            double t = a;
            a = b;
            b = t;
        }
        if (b == 0) {
            return a;
        }
        double s = 1.0;
        if (a > 1e300) {
            a = a * 0x1p-600;
            b = b * 0x1p-600;
            s = 0x1p600;
        } else if (a < 1e-300) {
            a = a * 0x1p600;
            b = b * 0x1p600;
            s = 0x1p-600;
        }
        return Math.sqrt(Math.fma(a, a, b * b)) * s;
    }

    /** Math.pow, with all of Java's special cases. */
    public static double pow(double x, double y) {
        if (y == 0) {
            return 1.0;
        }
        if (y != y || x != x) {
            return Double.NaN;
        }
        double ax = Math.abs(x);
        boolean yInf = y == Double.POSITIVE_INFINITY || y == Double.NEGATIVE_INFINITY;
        if (yInf) {
            if (ax == 1.0) {
                return Double.NaN;
            }
            return (ax > 1.0) == (y > 0) ? Double.POSITIVE_INFINITY : 0.0;
        }
        boolean yInteger = Math.floor(y) == y;
        boolean yOdd = yInteger && Math.abs(y) < 9007199254740992.0 && Math.floor(y * 0.5) != y * 0.5;
        boolean xNegative = Double.doubleToRawLongBits(x) < 0;
        if (x == 0 || ax == Double.POSITIVE_INFINITY) {
            boolean large = (x == 0) == (y < 0); // 0^negative and inf^positive are infinite
            double magnitude = large ? Double.POSITIVE_INFINITY : 0.0;
            return xNegative && yOdd ? -magnitude : magnitude;
        }
        if (xNegative && !yInteger) {
            return Double.NaN;
        }
        double r = powPositive(ax, y);
        return xNegative && yOdd ? -r : r;
    }

    /** x^y for finite x > 0: exp(y·log x) with log x in double-double so the product keeps ~70 bits. */
    private static double powPositive(double x, double y) {
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) (bits >>> 52) - 1023;
        if (e == -1023) {
            bits = Double.doubleToRawLongBits(x * 18014398509481984.0);
            e = (int) (bits >>> 52) - 1023 - 54;
        }
        double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
        if (m > SQRT2) {
            m = m * 0.5;
            e = e + 1;
        }
        double f = m - 1.0; // exact
        // log(1 + f) = 2s + 2s(z/3 + z²/5 + ...), s = f/(2 + f), with s in double-double
        double d = 2.0 + f;
        double dLo = f - (d - 2.0);
        double sHi = f / d;
        double sLo = (Math.fma(-sHi, d, f) - sHi * dLo) / d;
        double z = sHi * sHi;
        double r = 2.0 / 23.0;
        r = Math.fma(r, z, 2.0 / 21.0);
        r = Math.fma(r, z, 2.0 / 19.0);
        r = Math.fma(r, z, 2.0 / 17.0);
        r = Math.fma(r, z, 2.0 / 15.0);
        r = Math.fma(r, z, 2.0 / 13.0);
        r = Math.fma(r, z, 2.0 / 11.0);
        r = Math.fma(r, z, 2.0 / 9.0);
        r = Math.fma(r, z, 2.0 / 7.0);
        r = Math.fma(r, z, 2.0 / 5.0);
        r = Math.fma(r, z, 2.0 / 3.0);
        double tail = r * z * sHi;
        // log(m) ≈ 2sHi + (2sLo + tail), then + e·ln2
        double hi = 2.0 * sHi;
        double lo = 2.0 * sLo + tail;
        double eHi = e * LN2_HI;
        double eLo = e * LN2_LO;
        double sum = eHi + hi;
        double sumErr = (eHi - sum) + hi; // exact when |eHi| ≥ |hi|
        if (Math.abs(hi) > Math.abs(eHi)) {
            sumErr = (hi - sum) + eHi;
        }
        double logHi = sum;
        double logLo = sumErr + lo + eLo;
        double t = logHi + logLo;
        logLo = logLo - (t - logHi);
        logHi = t;
        // y·log x as double-double
        double pHi = y * logHi;
        double pLo = Math.fma(y, logHi, -pHi) + y * logLo;
        if (pHi > EXP_OVERFLOW + 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (pHi < EXP_UNDERFLOW - 1) {
            return 0.0;
        }
        double base = exp(pHi);
        return Math.fma(base, pLo, base); // e^(hi+lo) ≈ e^hi (1 + lo)
    }

    /** Java's floating-point remainder (truncated division), exact. */
    public static double fmod(double x, double y) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        if (x != x || y != y || ax == Double.POSITIVE_INFINITY || y == 0) {
            return Double.NaN;
        }
        if (ay == Double.POSITIVE_INFINITY || ax < ay || x == 0) {
            return x;
        }
        // scale ay up to the largest ay·2^k ≤ ax, then subtract downwards: each step is exact
        double t = ay;
        while (t <= ax * 0.5) {
            t = t * 2.0;
        }
        double r = ax;
        while (t >= ay) {
            if (r >= t) {
                r = r - t;
            }
            t = t * 0.5;
        }
        return Math.copySign(r, x);
    }

    // ---- float versions ------------------------------------------------------------------------

    /** e^x in float arithmetic: fast on GPUs, within 2 ulp. */
    public static float expf(float x) {
        if (x != x) {
            return x;
        }
        if (x > 88.72284f) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < -103.97209f) {
            return 0.0f;
        }
        // rint(x·log2 e) in float: adding 1.5·2^23 leaves no fraction bits, so the sum rounds to an
        // integer (ties to even) and subtracting it back is exact, for |x·log2 e| < 2^22 (here < 151).
        // Math.rint would go through double, which costs three conversions on a GPU.
        float k = (x * 1.44269504f + 12582912f) - 12582912f;
        float r = Math.fma(-k, 0.693145751953125f, x);
        r = Math.fma(-k, 1.42860677e-06f, r);
        float p = 1.0f / 5040.0f;
        p = Math.fma(p, r, 1.0f / 720.0f);
        p = Math.fma(p, r, 1.0f / 120.0f);
        p = Math.fma(p, r, 1.0f / 24.0f);
        p = Math.fma(p, r, 1.0f / 6.0f);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1.0f);
        p = Math.fma(p, r, 1.0f);
        int ki = (int) k;
        int first = ki / 2;
        int second = ki - first;
        return p * Float.intBitsToFloat((first + 127) << 23) * Float.intBitsToFloat((second + 127) << 23);
    }

    public static float logf(float x) {
        return (float) log(x);
    }

    public static float sinf(float x) {
        return (float) sin(x);
    }

    public static float cosf(float x) {
        return (float) cos(x);
    }

    public static float tanhf(float x) {
        return (float) tanh(x);
    }

    public static float powf(float x, float y) {
        return (float) pow(x, y);
    }

    /** Java's float remainder: exact in double, and exactly representable in float. */
    public static float fmodf(float x, float y) {
        return (float) fmod(x, y);
    }
}
