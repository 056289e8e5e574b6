package dev.squall.kernels.gemm;

import dev.squall.api.types.FloatArray;

/**
 * The 8×8 block of C one work-item of {@link Gemm}'s register-blocked kernels accumulates, in registers:
 * {@code p_ij} is C at fragment row i and fragment column j, where fragment index f stands for offset
 * f (f < 4) or 64 + f − 4 (f ≥ 4) from the work-item's first row or column (4·ty or 4·tx in the tile),
 * so each fragment is two runs of four neighbours: one 16-byte local read each. The offsets follow
 * Gemm's geometry (TM = TN = 8, BM = BN = 128, so the second run starts BM / 2 = 64 on); GemmTest pins it.
 */
record Products8x8(float p00, float p01, float p02, float p03, float p04, float p05, float p06, float p07, float p10, float p11,
                   float p12, float p13, float p14, float p15, float p16, float p17, float p20, float p21, float p22, float p23,
                   float p24, float p25, float p26, float p27, float p30, float p31, float p32, float p33, float p34, float p35,
                   float p36, float p37, float p40, float p41, float p42, float p43, float p44, float p45, float p46, float p47,
                   float p50, float p51, float p52, float p53, float p54, float p55, float p56, float p57, float p60, float p61,
                   float p62, float p63, float p64, float p65, float p66, float p67, float p70, float p71, float p72, float p73,
                   float p74, float p75, float p76, float p77) {

    static Products8x8 zero() {
        return new Products8x8(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
                0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
                0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    /**
     * This plus the outer product of one k-slice: A's fragment at tileA[oa + offset] and B's at
     * tileB[ob + offset] (oa and ob multiples of 4, so the runs are aligned).
     */
    Products8x8 step(float[] tileA, int oa, float[] tileB, int ob) {
        float a0 = tileA[oa];
        float a1 = tileA[oa + 1];
        float a2 = tileA[oa + 2];
        float a3 = tileA[oa + 3];
        float a4 = tileA[oa + 64];
        float a5 = tileA[oa + 65];
        float a6 = tileA[oa + 66];
        float a7 = tileA[oa + 67];
        float b0 = tileB[ob];
        float b1 = tileB[ob + 1];
        float b2 = tileB[ob + 2];
        float b3 = tileB[ob + 3];
        float b4 = tileB[ob + 64];
        float b5 = tileB[ob + 65];
        float b6 = tileB[ob + 66];
        float b7 = tileB[ob + 67];
        return new Products8x8(
                Math.fma(a0, b0, p00), Math.fma(a0, b1, p01), Math.fma(a0, b2, p02), Math.fma(a0, b3, p03),
                Math.fma(a0, b4, p04), Math.fma(a0, b5, p05), Math.fma(a0, b6, p06), Math.fma(a0, b7, p07),
                Math.fma(a1, b0, p10), Math.fma(a1, b1, p11), Math.fma(a1, b2, p12), Math.fma(a1, b3, p13),
                Math.fma(a1, b4, p14), Math.fma(a1, b5, p15), Math.fma(a1, b6, p16), Math.fma(a1, b7, p17),
                Math.fma(a2, b0, p20), Math.fma(a2, b1, p21), Math.fma(a2, b2, p22), Math.fma(a2, b3, p23),
                Math.fma(a2, b4, p24), Math.fma(a2, b5, p25), Math.fma(a2, b6, p26), Math.fma(a2, b7, p27),
                Math.fma(a3, b0, p30), Math.fma(a3, b1, p31), Math.fma(a3, b2, p32), Math.fma(a3, b3, p33),
                Math.fma(a3, b4, p34), Math.fma(a3, b5, p35), Math.fma(a3, b6, p36), Math.fma(a3, b7, p37),
                Math.fma(a4, b0, p40), Math.fma(a4, b1, p41), Math.fma(a4, b2, p42), Math.fma(a4, b3, p43),
                Math.fma(a4, b4, p44), Math.fma(a4, b5, p45), Math.fma(a4, b6, p46), Math.fma(a4, b7, p47),
                Math.fma(a5, b0, p50), Math.fma(a5, b1, p51), Math.fma(a5, b2, p52), Math.fma(a5, b3, p53),
                Math.fma(a5, b4, p54), Math.fma(a5, b5, p55), Math.fma(a5, b6, p56), Math.fma(a5, b7, p57),
                Math.fma(a6, b0, p60), Math.fma(a6, b1, p61), Math.fma(a6, b2, p62), Math.fma(a6, b3, p63),
                Math.fma(a6, b4, p64), Math.fma(a6, b5, p65), Math.fma(a6, b6, p66), Math.fma(a6, b7, p67),
                Math.fma(a7, b0, p70), Math.fma(a7, b1, p71), Math.fma(a7, b2, p72), Math.fma(a7, b3, p73),
                Math.fma(a7, b4, p74), Math.fma(a7, b5, p75), Math.fma(a7, b6, p76), Math.fma(a7, b7, p77));
    }

    /** Stores the block at rows row0 + offset and columns col0 + offset through {@link Gemm#store}. */
    void store(FloatArray out, FloatArray bias, int row0, int col0, int m, int n, int useBias, int accumulate) {
        Gemm.store(out, bias, row0 + 0, col0 + 0, m, n, useBias, accumulate, p00);
        Gemm.store(out, bias, row0 + 0, col0 + 1, m, n, useBias, accumulate, p01);
        Gemm.store(out, bias, row0 + 0, col0 + 2, m, n, useBias, accumulate, p02);
        Gemm.store(out, bias, row0 + 0, col0 + 3, m, n, useBias, accumulate, p03);
        Gemm.store(out, bias, row0 + 0, col0 + 64, m, n, useBias, accumulate, p04);
        Gemm.store(out, bias, row0 + 0, col0 + 65, m, n, useBias, accumulate, p05);
        Gemm.store(out, bias, row0 + 0, col0 + 66, m, n, useBias, accumulate, p06);
        Gemm.store(out, bias, row0 + 0, col0 + 67, m, n, useBias, accumulate, p07);
        Gemm.store(out, bias, row0 + 1, col0 + 0, m, n, useBias, accumulate, p10);
        Gemm.store(out, bias, row0 + 1, col0 + 1, m, n, useBias, accumulate, p11);
        Gemm.store(out, bias, row0 + 1, col0 + 2, m, n, useBias, accumulate, p12);
        Gemm.store(out, bias, row0 + 1, col0 + 3, m, n, useBias, accumulate, p13);
        Gemm.store(out, bias, row0 + 1, col0 + 64, m, n, useBias, accumulate, p14);
        Gemm.store(out, bias, row0 + 1, col0 + 65, m, n, useBias, accumulate, p15);
        Gemm.store(out, bias, row0 + 1, col0 + 66, m, n, useBias, accumulate, p16);
        Gemm.store(out, bias, row0 + 1, col0 + 67, m, n, useBias, accumulate, p17);
        Gemm.store(out, bias, row0 + 2, col0 + 0, m, n, useBias, accumulate, p20);
        Gemm.store(out, bias, row0 + 2, col0 + 1, m, n, useBias, accumulate, p21);
        Gemm.store(out, bias, row0 + 2, col0 + 2, m, n, useBias, accumulate, p22);
        Gemm.store(out, bias, row0 + 2, col0 + 3, m, n, useBias, accumulate, p23);
        Gemm.store(out, bias, row0 + 2, col0 + 64, m, n, useBias, accumulate, p24);
        Gemm.store(out, bias, row0 + 2, col0 + 65, m, n, useBias, accumulate, p25);
        Gemm.store(out, bias, row0 + 2, col0 + 66, m, n, useBias, accumulate, p26);
        Gemm.store(out, bias, row0 + 2, col0 + 67, m, n, useBias, accumulate, p27);
        Gemm.store(out, bias, row0 + 3, col0 + 0, m, n, useBias, accumulate, p30);
        Gemm.store(out, bias, row0 + 3, col0 + 1, m, n, useBias, accumulate, p31);
        Gemm.store(out, bias, row0 + 3, col0 + 2, m, n, useBias, accumulate, p32);
        Gemm.store(out, bias, row0 + 3, col0 + 3, m, n, useBias, accumulate, p33);
        Gemm.store(out, bias, row0 + 3, col0 + 64, m, n, useBias, accumulate, p34);
        Gemm.store(out, bias, row0 + 3, col0 + 65, m, n, useBias, accumulate, p35);
        Gemm.store(out, bias, row0 + 3, col0 + 66, m, n, useBias, accumulate, p36);
        Gemm.store(out, bias, row0 + 3, col0 + 67, m, n, useBias, accumulate, p37);
        Gemm.store(out, bias, row0 + 64, col0 + 0, m, n, useBias, accumulate, p40);
        Gemm.store(out, bias, row0 + 64, col0 + 1, m, n, useBias, accumulate, p41);
        Gemm.store(out, bias, row0 + 64, col0 + 2, m, n, useBias, accumulate, p42);
        Gemm.store(out, bias, row0 + 64, col0 + 3, m, n, useBias, accumulate, p43);
        Gemm.store(out, bias, row0 + 64, col0 + 64, m, n, useBias, accumulate, p44);
        Gemm.store(out, bias, row0 + 64, col0 + 65, m, n, useBias, accumulate, p45);
        Gemm.store(out, bias, row0 + 64, col0 + 66, m, n, useBias, accumulate, p46);
        Gemm.store(out, bias, row0 + 64, col0 + 67, m, n, useBias, accumulate, p47);
        Gemm.store(out, bias, row0 + 65, col0 + 0, m, n, useBias, accumulate, p50);
        Gemm.store(out, bias, row0 + 65, col0 + 1, m, n, useBias, accumulate, p51);
        Gemm.store(out, bias, row0 + 65, col0 + 2, m, n, useBias, accumulate, p52);
        Gemm.store(out, bias, row0 + 65, col0 + 3, m, n, useBias, accumulate, p53);
        Gemm.store(out, bias, row0 + 65, col0 + 64, m, n, useBias, accumulate, p54);
        Gemm.store(out, bias, row0 + 65, col0 + 65, m, n, useBias, accumulate, p55);
        Gemm.store(out, bias, row0 + 65, col0 + 66, m, n, useBias, accumulate, p56);
        Gemm.store(out, bias, row0 + 65, col0 + 67, m, n, useBias, accumulate, p57);
        Gemm.store(out, bias, row0 + 66, col0 + 0, m, n, useBias, accumulate, p60);
        Gemm.store(out, bias, row0 + 66, col0 + 1, m, n, useBias, accumulate, p61);
        Gemm.store(out, bias, row0 + 66, col0 + 2, m, n, useBias, accumulate, p62);
        Gemm.store(out, bias, row0 + 66, col0 + 3, m, n, useBias, accumulate, p63);
        Gemm.store(out, bias, row0 + 66, col0 + 64, m, n, useBias, accumulate, p64);
        Gemm.store(out, bias, row0 + 66, col0 + 65, m, n, useBias, accumulate, p65);
        Gemm.store(out, bias, row0 + 66, col0 + 66, m, n, useBias, accumulate, p66);
        Gemm.store(out, bias, row0 + 66, col0 + 67, m, n, useBias, accumulate, p67);
        Gemm.store(out, bias, row0 + 67, col0 + 0, m, n, useBias, accumulate, p70);
        Gemm.store(out, bias, row0 + 67, col0 + 1, m, n, useBias, accumulate, p71);
        Gemm.store(out, bias, row0 + 67, col0 + 2, m, n, useBias, accumulate, p72);
        Gemm.store(out, bias, row0 + 67, col0 + 3, m, n, useBias, accumulate, p73);
        Gemm.store(out, bias, row0 + 67, col0 + 64, m, n, useBias, accumulate, p74);
        Gemm.store(out, bias, row0 + 67, col0 + 65, m, n, useBias, accumulate, p75);
        Gemm.store(out, bias, row0 + 67, col0 + 66, m, n, useBias, accumulate, p76);
        Gemm.store(out, bias, row0 + 67, col0 + 67, m, n, useBias, accumulate, p77);
    }
}
