package dev.squall.kernels.attention;

/**
 * A work-item's unnormalised output in registers: four query rows × sixteen head dimensions
 * {@code 4·lane + 32·w + i} (w, i = 0..3); {@code lo} holds w = 0, 1 (dimensions below 64),
 * {@code hi} w = 2, 3.
 */
record OutputBlock(Float8 lo0, Float8 hi0, Float8 lo1, Float8 hi1, Float8 lo2, Float8 hi2, Float8 lo3, Float8 hi3) {

    static OutputBlock zero() {
        Float8 z = Float8.zero();
        return new OutputBlock(z, z, z, z, z, z, z, z);
    }

    /** Row r times a_r: the online-softmax correction e^(m_old − m_new). */
    OutputBlock scale(Float4 a) {
        return new OutputBlock(lo0.scale(a.x()), hi0.scale(a.x()), lo1.scale(a.y()), hi1.scale(a.y()),
                lo2.scale(a.z()), hi2.scale(a.z()), lo3.scale(a.w()), hi3.scale(a.w()));
    }

    /** Adds p_r · (one value row) to every row r, all sixteen dimensions. */
    OutputBlock fma(Float4 p, Float8 vLo, Float8 vHi) {
        return new OutputBlock(lo0.fma(p.x(), vLo), hi0.fma(p.x(), vHi), lo1.fma(p.y(), vLo), hi1.fma(p.y(), vHi),
                lo2.fma(p.z(), vLo), hi2.fma(p.z(), vHi), lo3.fma(p.w(), vLo), hi3.fma(p.w(), vHi));
    }

    /** As {@link #fma(Float4, Float8, Float8)} for head dimensions ≤ 64, where {@code hi} stays unused. */
    OutputBlock fmaLow(Float4 p, Float8 vLo) {
        return new OutputBlock(lo0.fma(p.x(), vLo), hi0, lo1.fma(p.y(), vLo), hi1, lo2.fma(p.z(), vLo), hi2,
                lo3.fma(p.w(), vLo), hi3);
    }
}
