package dev.squall.cli;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, redrawn in place; plain lines when stderr is not a terminal. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private int lastPercent = -1;

    ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    void update(long done) {
        int percent = (int) (100 * done / total);
        if (percent == lastPercent || (!terminal && percent / 25 == lastPercent / 25)) {
            return;
        }
        lastPercent = percent;
        int filled = WIDTH * percent / 100;
        String line = String.format("%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                percent, Format.bytes(done), Format.bytes(total));
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    void finish() {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (terminal) {
            out.println();
        }
        out.printf("%s: %s in %.1f s%n", label, Format.bytes(total), seconds);
        out.flush();
    }
}
