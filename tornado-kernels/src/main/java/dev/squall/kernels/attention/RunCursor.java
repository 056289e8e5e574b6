package dev.squall.kernels.attention;

/**
 * Where run {@code e} (four consecutive elements) of a (rows, headDim) block lies: its row and its
 * run within the row. Stepping by THREADS runs is an add and a compare instead of a division.
 */
record RunCursor(int row, int quad) {

    static RunCursor of(int run, int quadsPerRow) {
        int row = run / quadsPerRow;
        return new RunCursor(row, run - row * quadsPerRow);
    }

    /** The cursor {@code rowStep·quadsPerRow + quadStep} runs further. */
    RunCursor next(int rowStep, int quadStep, int quadsPerRow) {
        int q = quad + quadStep;
        return q >= quadsPerRow ? new RunCursor(row + rowStep + 1, q - quadsPerRow) : new RunCursor(row + rowStep, q);
    }

    /**
     * The run's first float in a local tile of row stride 4·strideQuads whose runs are XOR-swizzled
     * with row & swizzleMask; a multiple of 4, and visibly so, for aligned vector stores.
     */
    int offset(int strideQuads, int swizzleMask) {
        return (row * strideQuads + (quad ^ (row & swizzleMask))) << 2;
    }
}
