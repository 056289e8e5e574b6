package dev.squall.cli;

import dev.squall.cli.samples.SampleResult;
import java.io.PrintWriter;
import java.util.List;

/** The table of sample results that run-sample and the demo print. */
final class ResultTable {

    private ResultTable() {
    }

    static void print(PrintWriter out, List<SampleResult> results) {
        out.printf("%-14s %-12s %11s %19s %10s %8s  %s%n", "SAMPLE", "DEVICE", "MEDIAN ms", "MIN..MAX ms", "REL ERR",
                "BOUND", "RESULT");
        for (SampleResult r : results) {
            if (r.failure() != null) {
                out.printf("%-14s %-12s %11s %19s %10s %8s  FAILED: %s%n", r.sample(), r.device(), "-", "-", "-", "-",
                        r.failure());
                continue;
            }
            out.printf("%-14s %-12s %11.3f %19s %10.2e %8.0e  %s%n", r.sample(), r.device(), r.medianMillis(),
                    String.format("%.3f..%.3f", r.minMillis(), r.maxMillis()), r.error(), r.tolerance(),
                    r.passed() ? "correct" : "WRONG");
        }
        out.flush();
    }
}
