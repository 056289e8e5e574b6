package dev.squall.bench;

import java.util.Arrays;

/** Median and spread of repeated measurements. */
public record Stats(double median, double min, double max, double p10, double p90, int count) {

    public static Stats of(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new Stats(at(v, 0.5), v[0], v[v.length - 1], at(v, 0.1), at(v, 0.9), v.length);
    }

    private static double at(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
