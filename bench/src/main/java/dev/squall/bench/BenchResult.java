package dev.squall.bench;

import java.util.Locale;

/**
 * One kernel on one shape: its time (median and spread of event-timed runs, in milliseconds),
 * the work it does, and the spot check of its output; {@code error} is set instead when it could
 * not run.
 */
public record BenchResult(String group, String kernel, String key, Stats millis, double flops, double bytes,
                          int copies, String check, String error) {

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
        return String.format(Locale.ROOT, "  %-10s %-28s %-44s %9.4f ms [%.4f–%.4f] %8.1f GB/s %7.2f TFLOP/s  %s",
                group, kernel, key, millis.median(), millis.p10(), millis.p90(), gbs(), tflops(), check);
    }
}
