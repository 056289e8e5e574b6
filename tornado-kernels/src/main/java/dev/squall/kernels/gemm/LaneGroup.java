package dev.squall.kernels.gemm;

/**
 * Where a {@link FlatGemmByLanes} (or {@link NormGemvByLanes}) work-item sits: its local index, its lane in a group of {@code lanes}, the
 * group's first work-item and first weight row, and the shape of the one-step reduction at the end of a pass
 * over v = weightRows·rows sums ({@code values}; padded rows of {@code stride} floats; lane p·values + v adds
 * value v of lanes p, p + parts, …).
 */
record LaneGroup(int local, int lane, int first, int row, int values, int stride, int parts, int value, int part) {

    /** Floats per row of padded sums: 32 / values more than the work-items, so a warp's lanes hit different banks. */
    static int stride(int threads, int values) {
        return threads + 32 / values;
    }

    static LaneGroup of(int local, int group, int threads, int lanes, int weightRows, int rows) {
        int values = weightRows * rows; // sums per work-item and pass, at most 32 (so at most the lanes)
        int stride = stride(threads, values);
        int lane = local & (lanes - 1);
        int first = local - lane;
        int row = (group * (threads / lanes) + local / lanes) * weightRows;
        return new LaneGroup(local, lane, first, row, values, stride, lanes / values, lane & (values - 1), lane / values);
    }
}
