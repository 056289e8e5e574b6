package dev.squall.kernels.attention;

/**
 * A work-item's 4×4 block of one score tile, in registers: row {@code r} of its row group
 * (component r{@code r}) against its keys {@code lane + 8·s} (s = 0..3 as x, y, z, w).
 */
record ScoreBlock(Float4 r0, Float4 r1, Float4 r2, Float4 r3) {

    static ScoreBlock zero() {
        Float4 z = Float4.of(0f);
        return new ScoreBlock(z, z, z, z);
    }

    /** One step of the dot products: query values q (one per row) times key values k (one per key). */
    ScoreBlock fma(Float4 q, Float4 k) {
        return new ScoreBlock(r0.fma(q.x(), k), r1.fma(q.y(), k), r2.fma(q.z(), k), r3.fma(q.w(), k));
    }

    /** −∞ for keys past the sequence and, when causal, for keys after their query. */
    ScoreBlock masked(int firstRow, int firstKey, int seqLen, int causal) {
        return new ScoreBlock(maskRow(r0, firstRow, firstKey, seqLen, causal),
                maskRow(r1, firstRow + 1, firstKey, seqLen, causal),
                maskRow(r2, firstRow + 2, firstKey, seqLen, causal),
                maskRow(r3, firstRow + 3, firstKey, seqLen, causal));
    }

    private static Float4 maskRow(Float4 s, int row, int firstKey, int seqLen, int causal) {
        return new Float4(mask(s.x(), row, firstKey, seqLen, causal),
                mask(s.y(), row, firstKey + 8, seqLen, causal),
                mask(s.z(), row, firstKey + 16, seqLen, causal),
                mask(s.w(), row, firstKey + 24, seqLen, causal));
    }

    private static float mask(float s, int row, int key, int seqLen, int causal) {
        return key >= seqLen || (causal != 0 && key > row) ? Float.NEGATIVE_INFINITY : s;
    }

    /** Each row's largest score among this block's keys. */
    Float4 rowMax() {
        return new Float4(r0.maxOfAll(), r1.maxOfAll(), r2.maxOfAll(), r3.maxOfAll());
    }

    /** exp(s − shift) per row: the unnormalised probabilities. */
    ScoreBlock exponentials(Float4 shift) {
        return new ScoreBlock(exp(r0, shift.x()), exp(r1, shift.y()), exp(r2, shift.z()), exp(r3, shift.w()));
    }

    private static Float4 exp(Float4 s, float shift) {
        return new Float4(NonPositiveExp.exp(s.x() - shift), NonPositiveExp.exp(s.y() - shift),
                NonPositiveExp.exp(s.z() - shift), NonPositiveExp.exp(s.w() - shift));
    }

    Float4 rowSums() {
        return new Float4(r0.sumOfAll(), r1.sumOfAll(), r2.sumOfAll(), r3.sumOfAll());
    }

    /**
     * Transposed into a (key, row) tile: key s of the block to local[base + 8·s·keyStride + r] for
     * rows r = 0..3, four contiguous floats per key.
     */
    void storeTransposed(float[] local, int base, int keyStride) {
        new Float4(r0.x(), r1.x(), r2.x(), r3.x()).store(local, base, 1);
        new Float4(r0.y(), r1.y(), r2.y(), r3.y()).store(local, base + 8 * keyStride, 1);
        new Float4(r0.z(), r1.z(), r2.z(), r3.z()).store(local, base + 16 * keyStride, 1);
        new Float4(r0.w(), r1.w(), r2.w(), r3.w()).store(local, base + 24 * keyStride, 1);
    }
}
