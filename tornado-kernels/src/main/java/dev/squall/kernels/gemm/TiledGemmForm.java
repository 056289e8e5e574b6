package dev.squall.kernels.gemm;

/**
 * One of {@link TiledGemmMma}'s four kernels with what its launch needs to know: {@code rowWarps}
 * (its warps along the weight rows: {@link TiledGemmMma#WIDE_ROW_WARPS}, tiles of 128 weight rows by
 * 64 activation rows, or {@link TiledGemmMma#NARROW_ROW_WARPS}, 256 by 32) and {@code groupsPerUnit}
 * (the work-groups a compute unit runs at once: one with a ring of three chunks, or two under a
 * 128-register bound).
 */
public record TiledGemmForm(String kernel, int rowWarps, int groupsPerUnit, int stages) {

    public static final TiledGemmForm WIDE = new TiledGemmForm("f16", TiledGemmMma.WIDE_ROW_WARPS, 1, 3);
    public static final TiledGemmForm NARROW = new TiledGemmForm("f16Narrow", TiledGemmMma.NARROW_ROW_WARPS, 1, 3);
    public static final TiledGemmForm WIDE_TWO_GROUPS =
            new TiledGemmForm("f16TwoGroups", TiledGemmMma.WIDE_ROW_WARPS, 2, 3);
    public static final TiledGemmForm NARROW_TWO_GROUPS =
            new TiledGemmForm("f16NarrowTwoGroups", TiledGemmMma.NARROW_ROW_WARPS, 2, 2);

    /**
     * The form for m activation rows against n weight rows on {@code computeUnits}: narrow up to 32
     * rows (the wide form would multiply half its activation rows by nothing), and two work-groups per
     * compute unit once there are at least half as many tiles as units. On an H200 (132 units) that
     * rule picked the faster of the one- and two-group forms on 9 of the 10 shapes timed at m = 32 and
     * 64, and lost 0.5–0.7% on the tenth (bench/results/2026-11-30-h200-tiled-gemm.md, calls 4 and 5):
     * with few tiles the two-group form needs twice the splits, and its merges cost more than the second
     * group per unit saves.
     */
    public static TiledGemmForm choose(int m, int n, int computeUnits) {
        boolean narrow = m <= TiledGemmMma.batch(TiledGemmMma.NARROW_ROW_WARPS);
        TiledGemmForm one = narrow ? NARROW : WIDE;
        boolean many = 2L * TiledGemmMma.tiles(m, n, one.rowWarps()) >= computeUnits;
        return many ? (narrow ? NARROW_TWO_GROUPS : WIDE_TWO_GROUPS) : one;
    }

    /** Splits of k for this form ({@link TiledGemmMma#splitsFor}). */
    public int splits(int m, int n, int k, int computeUnits) {
        return TiledGemmMma.splitsFor(m, n, k, rowWarps, computeUnits, groupsPerUnit);
    }

    /** Global size of the launch with {@code splits} splits. */
    public int globalX(int m, int n, int splits) {
        return TiledGemmMma.globalX(m, n, splits, rowWarps);
    }

    /** Ints of the launch's tickets. */
    public int ticketsLength(int m, int n) {
        return TiledGemmMma.ticketsLength(m, n, rowWarps);
    }

    /** Local memory per work-group. */
    public int localBytes() {
        return TiledGemmMma.localBytes(rowWarps, stages);
    }
}
