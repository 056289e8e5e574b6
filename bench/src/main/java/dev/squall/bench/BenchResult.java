package dev.squall.bench;

import java.util.Locale;
import java.util.Map;

/**
 * One kernel on one shape: its time (median and spread of event-timed runs, in milliseconds),
 * the work it does, and the spot check of its output; {@code error} is set instead when it could
 * not run. {@code steps}: the median milliseconds of each launch, by task name, when the case is
 * more than one launch (a decode step's partial and merge), else empty.
 */
public record BenchResult(String group, String kernel, String key, Stats millis, double flops, double bytes,
                          int copies, String check, String error, Map<String, Double> steps) {

    public BenchResult {
        steps = steps == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps));
    }

    /** The launches' medians as "partial 0.0251 + merge 0.0040 ms", or "" for a single launch. */
    public String stepsText() {
        if (steps.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        steps.forEach((name, ms) -> out.append(out.isEmpty() ? "" : " + ")
                .append(String.format(Locale.ROOT, "%s %.4f", name, ms)));
        return out.append(" ms").toString();
    }

    public double gbs() {
        return bytes / (millis.median() * 1e6);
    }

    public double tflops() {
        return flops / (millis.median() * 1e9);
    }

    public boolean ok() {
        return error == null;
    }

    public String line() {
        if (!ok()) {
            return String.format(Locale.ROOT, "  %-10s %-28s %-44s FAILED: %s", group, kernel, key, error);
        }
        return String.format(Locale.ROOT, "  %-10s %-28s %-44s %9.4f ms [%.4f–%.4f] %8.1f GB/s %7.2f TFLOP/s  %s%s",
                group, kernel, key, millis.median(), millis.p10(), millis.p90(), gbs(), tflops(), check,
                steps.isEmpty() ? "" : "; " + stepsText());
    }
}
