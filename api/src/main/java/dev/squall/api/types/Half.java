package dev.squall.api.types;

/**
 * IEEE 754 binary16 conversions, written out bit by bit so every backend can mirror them:
 * widening is exact; narrowing rounds to nearest, ties to even, overflowing to infinity.
 * A NaN stays a NaN of the same sign, its payload folded into 10 bits as the JDK folds it.
 */
public final class Half {

    /** Largest finite half, 65504. */
    public static final float MAX_VALUE = 65504f;

    private Half() {
    }

    /** The float equal to the half with bits {@code bits}. */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign | 0x7f800000);
            }
            // NaN: the payload moves to the top of the float's mantissa, quieted as IEEE 754 asks
            return Float.intBitsToFloat(sign | 0x7fc00000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: shift the leading one up to the implicit position (bit 10)
            int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
            mantissa = (mantissa << shift) & 0x3ff;
            exponent = 1 - shift;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The half nearest to {@code value}, ties to even. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) {
            // NaN: fold the 23 payload bits into 10 as Float.floatToFloat16 does, so both agree bit for bit
            return (short) (sign | 0x7c00 | ((abs & 0x7fe000) >>> 13) | ((abs & 0x1ff0) >>> 4) | (abs & 0xf));
        }
        if (abs >= 0x477ff000) {
            // at or beyond 65520, halfway between 65504 and 2^16: ties to even give infinity
            return (short) (sign | 0x7c00);
        }
        if (abs >= 0x38800000) {
            // normal half: rebias the exponent, round 13 dropped mantissa bits
            int h = ((abs >>> 23) - 112) << 10 | ((abs >>> 13) & 0x3ff);
            int dropped = abs & 0x1fff;
            if (dropped > 0x1000 || (dropped == 0x1000 && (h & 1) != 0)) {
                h++; // a carry out of the mantissa correctly bumps the exponent
            }
            return (short) (sign | h);
        }
        if (abs <= 0x33000000) {
            // at most 2^-25, half the smallest subnormal: rounds to zero (the tie goes to even zero)
            return (short) sign;
        }
        // subnormal half: value / 2^-24 rounded, from the float's 24-bit significand
        int significand = (abs & 0x7fffff) | 0x800000;
        int shift = 126 - (abs >>> 23);
        int h = significand >>> shift;
        int dropped = significand & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (dropped > halfway || (dropped == halfway && (h & 1) != 0)) {
            h++; // may become 0x400, the smallest normal, which is the right encoding
        }
        return (short) (sign | h);
    }
}
