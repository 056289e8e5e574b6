package dev.squall.kernels.attention;

import dev.squall.kernels.tuning.MeasuredTable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The split count S of the split-KV decode kernels ({@link UnifiedMaxDecoding}, {@link FlashDecoding})
 * per shape: measured per device where a table exists, else {@link FlashDecoding#splitsFor}'s
 * heuristic (about one wave of resident work-groups). On an H200 the heuristic's counts take up to
 * about 4% longer than the best ones measured, and the time is not smooth in S (one count was 12–19%
 * slower than both its neighbours: bench/results/2026-11-30-h200-decode-splits.md), so a device's counts come from
 * the bench's sweep, the way {@link dev.squall.kernels.gemm.DataflowChooser}'s thresholds do.
 *
 * <p>A table has one measured shape per line, {@code rows group headDim length splits}: rows =
 * batch · kvHeads, group = heads / kvHeads; {@code #} starts a comment. A shape whose (rows, group,
 * headDim) the table lists takes the count of the listed length nearest on a log scale (the smaller on
 * a tie), capped so that a split keeps {@link FlashDecoding#MIN_SPLIT_POSITIONS} positions.
 */
public final class DecodeSplits {

    /** A table's shape without its length: rows = batch · kvHeads, group = heads / kvHeads. */
    private record Shape(int rows, int group, int headDim) {
    }

    private final Map<Shape, TreeMap<Integer, Integer>> measured;
    private final int computeUnits;

    private DecodeSplits(Map<Shape, TreeMap<Integer, Integer>> measured, int computeUnits) {
        this.measured = measured;
        this.computeUnits = computeUnits;
    }

    /** {@link FlashDecoding#splitsFor} for every shape. */
    public static DecodeSplits heuristic(int computeUnits) {
        return new DecodeSplits(Map.of(), computeUnits);
    }

    /** A measured table (see the class comment) over the heuristic. */
    public static DecodeSplits parse(String table, int computeUnits) {
        Map<Shape, TreeMap<Integer, Integer>> measured = new HashMap<>();
        for (MeasuredTable.Row row : MeasuredTable.parse(table, "decode split table", "rows group headDim length splits")) {
            int[] v = row.values();
            for (int x : v) {
                if (x < 1) {
                    throw new IllegalArgumentException("decode split table line " + row.line()
                            + ": every field must be at least 1, got " + Arrays.toString(v));
                }
            }
            Integer before = measured.computeIfAbsent(new Shape(v[0], v[1], v[2]), k -> new TreeMap<>()).put(v[3], v[4]);
            if (before != null) {
                throw new IllegalArgumentException("decode split table line " + row.line() + ": rows " + v[0] + ", group "
                        + v[1] + ", headDim " + v[2] + ", length " + v[3] + " is listed twice");
            }
        }
        return new DecodeSplits(Map.copyOf(measured), computeUnits);
    }

    /**
     * The table shipped for a device (resource {@code decode-splits/<device name>.txt}, e.g.
     * {@code NVIDIA H200}) over the heuristic, or the heuristic alone when there is none.
     */
    public static DecodeSplits forDevice(String deviceName, int computeUnits) {
        String table = MeasuredTable.forDevice("decode-splits", deviceName);
        return table == null ? heuristic(computeUnits) : parse(table, computeUnits);
    }

    /** S for {@code batch} sequences of {@code length} positions, {@code heads} query heads over {@code kvHeads}. */
    public int splits(int batch, int heads, int kvHeads, int headDim, int length) {
        FlashDecoding.requireSupported(heads, kvHeads, headDim);
        if (batch < 1) {
            throw new IllegalArgumentException("split-KV decode attention needs a batch of at least 1; got " + batch);
        }
        TreeMap<Integer, Integer> byLength = measured.get(new Shape(batch * kvHeads, heads / kvHeads, headDim));
        if (byLength == null || length < 1) {
            return FlashDecoding.splitsFor(batch, heads, kvHeads, length, computeUnits);
        }
        Map.Entry<Integer, Integer> below = byLength.floorEntry(length);
        Map.Entry<Integer, Integer> above = byLength.ceilingEntry(length);
        Map.Entry<Integer, Integer> nearest = below == null ? above : above == null ? below
                : Math.log((double) above.getKey() / length) < Math.log((double) length / below.getKey()) ? above : below;
        return Math.max(1, Math.min(nearest.getValue(), length / FlashDecoding.MIN_SPLIT_POSITIONS));
    }
}
