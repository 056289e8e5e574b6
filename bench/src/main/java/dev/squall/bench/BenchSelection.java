package dev.squall.bench;

/**
 * Which shapes a {@link KernelBench} run times instead of the issue's (each null: the issue's): the
 * decode group's cache lengths and batches, split counts for the decode sweep rows (instead of a
 * quarter, half, twice and four times the pick of {@code DecodeSplits}; in quick runs too), and the
 * flat GEMM group's activation rows. Built once from the command line; nothing writes the arrays.
 */
record BenchSelection(int[] decodeLengths, int[] decodeBatches, int[] decodeSplits, int[] flatMs) {

    /** The issue's shapes. */
    static BenchSelection issue() {
        return new BenchSelection(null, null, null, null);
    }
}
