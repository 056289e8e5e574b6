package dev.squall.kernels.tuning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A table of measured choices shipped per device (the dataflow thresholds, the decode split counts):
 * one row of whitespace-separated integers per line, {@code #} starting a comment, kept as resource
 * {@code <dir>/<device name>.txt}. Errors name the table and the line.
 */
public final class MeasuredTable {

    /** A row and the line (from 1) it was on, for the callers' own checks. */
    public record Row(int line, int[] values) {
        public Row {
            values = values.clone();
        }

        @Override
        public int[] values() {
            return values.clone();
        }
    }

    private MeasuredTable() {
    }

    /** The rows of {@code table}, each of the fields {@code layout} names (e.g. {@code "n k m1 m2"}). */
    public static List<Row> parse(String table, String what, String layout) {
        int fields = layout.split(" ").length;
        List<Row> rows = new ArrayList<>();
        String[] lines = table.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != fields) {
                throw new IllegalArgumentException(what + " line " + (i + 1) + ": expected '" + layout + "', got '"
                        + lines[i] + "'");
            }
            int[] values = new int[fields];
            for (int j = 0; j < fields; j++) {
                try {
                    values[j] = Integer.parseInt(f[j]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(what + " line " + (i + 1) + ": not a number in '" + lines[i] + "'",
                            e);
                }
            }
            rows.add(new Row(i + 1, values));
        }
        return rows;
    }

    /** The text of resource {@code <dir>/<deviceName>.txt}, or null when there is none. */
    public static String forDevice(String dir, String deviceName) {
        String resource = dir + "/" + deviceName + ".txt";
        try (InputStream in = MeasuredTable.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
