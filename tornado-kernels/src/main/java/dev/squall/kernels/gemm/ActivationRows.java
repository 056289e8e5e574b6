package dev.squall.kernels.gemm;

/**
 * Where a pass's eight activation rows start in x (row-major, k columns): rows r0 … r0 + 7, those
 * past m − 1 repeating row m − 1 (cached, never stored). A pass of fewer rows leaves the rest unused.
 */
record ActivationRows(int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7) {

    static ActivationRows from(int r0, int m, int k) {
        return new ActivationRows(Math.min(r0, m - 1) * k, Math.min(r0 + 1, m - 1) * k, Math.min(r0 + 2, m - 1) * k,
                Math.min(r0 + 3, m - 1) * k, Math.min(r0 + 4, m - 1) * k, Math.min(r0 + 5, m - 1) * k,
                Math.min(r0 + 6, m - 1) * k, Math.min(r0 + 7, m - 1) * k);
    }
}
