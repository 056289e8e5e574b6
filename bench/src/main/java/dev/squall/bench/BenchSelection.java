package dev.squall.bench;

/**
 * Which shapes a {@link KernelBench} run times instead of the issue's (each null: the issue's): the
 * decode group's cache lengths and batches, split counts for the decode sweep rows (instead of a
 * quarter, half, twice and four times the heuristic's pick; in quick runs too), and the flat GEMM
 * group's activation rows.
 */
record BenchSelection(int[] decodeLengths, int[] decodeBatches, int[] decodeSplits, int[] flatMs) {

    /** The issue's shapes. */
    static BenchSelection issue() {
        return new BenchSelection(null, null, null, null);
    }

    BenchSelection {
        decodeLengths = copy(decodeLengths);
        decodeBatches = copy(decodeBatches);
        decodeSplits = copy(decodeSplits);
        flatMs = copy(flatMs);
    }

    @Override
    public int[] decodeLengths() {
        return copy(decodeLengths);
    }

    @Override
    public int[] decodeBatches() {
        return copy(decodeBatches);
    }

    @Override
    public int[] decodeSplits() {
        return copy(decodeSplits);
    }

    @Override
    public int[] flatMs() {
        return copy(flatMs);
    }

    private static int[] copy(int[] values) {
        return values == null ? null : values.clone();
    }
}
