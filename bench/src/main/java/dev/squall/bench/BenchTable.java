package dev.squall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squall.api.Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Squall's results beside the peers' on the same keys: time, achieved GB/s (memory-bound groups)
 * or TFLOP/s (compute-bound ones), the fraction of the measured ceiling, for memory-bound rows the read
 * floor at their size and floor time ÷ Squall time (the share of what any kernel reading those bytes
 * could reach: the copy ceiling is out of reach below about 100 MB), the fastest peer and peer time ÷
 * Squall time (above 1: Squall is faster).
 */
final class BenchTable {

    private final Device device;
    private final Ceilings ceilings;
    private final List<BenchResult> results;
    private final JsonNode peers;

    BenchTable(Device device, Ceilings ceilings, List<BenchResult> results, JsonNode peers) {
        this.device = device;
        this.ceilings = ceilings;
        this.results = results;
        this.peers = peers;
    }

    static boolean memoryBound(String group) {
        return group.equals("flat_gemm") || group.equals("decode") || group.equals(BenchCases.READ_GROUP);
    }

    /** How far (relative) a row's bytes may be from a read floor's for the floor to stand for it. */
    static final double FLOOR_MATCH = 0.02;

    /** Whether a read floor of {@code floorBytes} stands for a row of {@code bytes}: within {@link #FLOOR_MATCH}. */
    private static boolean floorFits(double floorBytes, double bytes) {
        return Math.abs(floorBytes / bytes - 1) <= FLOOR_MATCH;
    }

    /** The first of {@code sizes} within {@link #FLOOR_MATCH} of {@code bytes}, or null. */
    static Double floorNear(List<Double> sizes, double bytes) {
        for (double size : sizes) {
            if (floorFits(size, bytes)) {
                return size;
            }
        }
        return null;
    }

    /**
     * The read floor's median milliseconds for a memory-bound kernel row (the read-floor row of the
     * nearest size within {@link #FLOOR_MATCH}), or null: none was measured, or the row is compute-bound
     * or a floor itself.
     */
    private Double floorMs(BenchResult r) {
        if (!memoryBound(r.group()) || r.group().equals(BenchCases.READ_GROUP)) {
            return null;
        }
        BenchResult best = null;
        for (BenchResult f : results) {
            if (f.ok() && f.group().equals(BenchCases.READ_GROUP) && floorFits(f.bytes(), r.bytes())
                    && (best == null || Math.abs(f.bytes() - r.bytes()) < Math.abs(best.bytes() - r.bytes()))) {
                best = f;
            }
        }
        return best == null ? null : best.millis().median();
    }

    /** The ceiling a result is compared with, in its own unit (GB/s or TFLOP/s), and its name. */
    private Object[] ceiling(BenchResult r) {
        if (memoryBound(r.group())) {
            return new Object[] {ceilings.copyGBs(), "copy"};
        }
        if (r.key().startsWith("gemm f16") && peers != null && peers.path("ceilings").has("fp16_gemm_tflops")) {
            return new Object[] {peers.path("ceilings").path("fp16_gemm_tflops").asDouble(), "cuBLAS fp16 peak"};
        }
        return new Object[] {ceilings.fp32Tflops(), "FP32 FMA"};
    }

    /** The fastest peer on {@code key}: name and median milliseconds, or null. */
    private Object[] bestPeer(String key) {
        if (peers == null) {
            return null;
        }
        Object[] best = null;
        for (JsonNode p : peers.path("results")) {
            if (p.path("key").asText().equals(key) && p.has("ms")
                    && (best == null || p.path("ms").asDouble() < (double) best[1])) {
                best = new Object[] {p.path("peer").asText(), p.path("ms").asDouble()};
            }
        }
        return best;
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Squall kernels on %s (%s); copy ceiling %.0f GB/s (driver copy, read+write),"
                + " FP32 FMA peak %.1f TFLOP/s; medians of event-timed runs, [p10–p90]%n%n", device.id(), device.name(),
                ceilings.copyGBs(), ceilings.fp32Tflops()));
        s.append("| kernel | shape | Squall ms [p10–p90] | achieved | % of ceiling | read floor ms (÷ Squall) | best peer"
                + " | peer ms | peer ÷ Squall | check |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult r : results) {
            if (!r.ok()) {
                s.append("| ").append(r.kernel()).append(" | ").append(r.key()).append(" | ").append(r.error())
                        .append(" | | | | | | | |\n");
                continue;
            }
            Double floor = floorMs(r);
            Object[] c = ceiling(r);
            double achieved = memoryBound(r.group()) ? r.gbs() : r.tflops();
            String unit = memoryBound(r.group()) ? "GB/s" : "TFLOP/s";
            Object[] peer = bestPeer(r.key());
            s.append(String.format(Locale.ROOT, "| %s | %s | %.4f [%.4f–%.4f] | %.1f %s | %.0f%% %s | %s | %s | %s | %s | %s |%n",
                    r.kernel(), r.key(), r.millis().median(), r.millis().p10(), r.millis().p90(), achieved, unit,
                    100 * achieved / (double) c[0], c[1],
                    floor == null ? "–" : String.format(Locale.ROOT, "%.4f (%.0f%%)", floor, 100 * floor / r.millis().median()),
                    peer == null ? "–" : peer[0],
                    peer == null ? "–" : String.format(Locale.ROOT, "%.4f", (double) peer[1]),
                    peer == null ? "–" : String.format(Locale.ROOT, "%.2f×", (double) peer[1] / r.millis().median()),
                    r.steps().isEmpty() ? r.check() : r.check() + "; " + r.stepsText()));
        }
        return s.toString();
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("device", device.id());
        root.put("name", device.name());
        root.put("ceilings", ceilings);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BenchResult r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", r.group());
            row.put("kernel", r.kernel());
            row.put("key", r.key());
            if (r.ok()) {
                row.put("ms", r.millis());
                row.put("gbs", r.gbs());
                row.put("tflops", r.tflops());
                row.put("copies", r.copies());
                row.put("check", r.check());
                if (!r.steps().isEmpty()) {
                    row.put("stepsMs", r.steps());
                }
                Double floor = floorMs(r);
                if (floor != null) {
                    row.put("readFloorMs", floor);
                    row.put("readFloorOverSquall", floor / r.millis().median());
                }
                Object[] peer = bestPeer(r.key());
                if (peer != null) {
                    row.put("peer", peer[0]);
                    row.put("peerMs", peer[1]);
                    row.put("peerOverSquall", (double) peer[1] / r.millis().median());
                }
            } else {
                row.put("error", r.error());
            }
            rows.add(row);
        }
        root.put("results", rows);
        if (peers != null) {
            root.put("peers", peers);
        }
        return root;
    }
}
