package dev.squall.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The split counts the decode group measured best, as a {@code DecodeSplits} table: per shape, the
 * fastest of the one-launch FlashDecoding++ rows ({@code UnifiedMaxDecoding (S=…)}, its heuristic and
 * sweep rows). Copy the lines into {@code tornado-kernels/src/main/resources/decode-splits/<device
 * name>.txt} to ship them.
 */
final class DecodeSplitTable {

    private static final Pattern KEY = Pattern.compile("decode f16 B=(\\d+) Hq=(\\d+) Hkv=(\\d+) D=(\\d+) L=(\\d+)");
    private static final Pattern KERNEL = Pattern.compile("UnifiedMaxDecoding \\(S=(\\d+)(|, heuristic|, sweep)\\)");

    private DecodeSplitTable() {
    }

    /** One line per shape, {@code rows group headDim length splits  # ms}; empty when no such row was timed. */
    static String derive(Iterable<BenchResult> results) {
        Map<String, double[]> best = new LinkedHashMap<>(); // shape, in the order timed → {splits, ms}
        for (BenchResult r : results) {
            Matcher k = KEY.matcher(r.key());
            Matcher n = KERNEL.matcher(r.kernel());
            if (!r.ok() || !k.matches() || !n.matches()) {
                continue;
            }
            int batch = Integer.parseInt(k.group(1));
            int heads = Integer.parseInt(k.group(2));
            int kvHeads = Integer.parseInt(k.group(3));
            String shape = String.format(Locale.ROOT, "%d %d %s %s", batch * kvHeads, heads / kvHeads, k.group(4), k.group(5));
            double ms = r.millis().median();
            double[] seen = best.get(shape);
            if (seen == null || ms < seen[1]) {
                best.put(shape, new double[] {Integer.parseInt(n.group(1)), ms});
            }
        }
        StringBuilder table = new StringBuilder();
        best.forEach((shape, b) -> table.append(String.format(Locale.ROOT, "%s %d  # %.4f ms\n", shape,
                (int) b[0], b[1])));
        return table.toString();
    }
}
