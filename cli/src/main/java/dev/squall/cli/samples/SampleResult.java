package dev.squall.cli.samples;

/**
 * One sample on one device.
 *
 * @param sample       sample name
 * @param device       device id
 * @param medianMillis median kernel time of the timed runs (the first, compiling run excluded)
 * @param minMillis    fastest timed run
 * @param maxMillis    slowest timed run
 * @param error        relative L2 error against the float64 reference (NaN if an output was not written)
 * @param tolerance    the bound the error must stay under
 * @param failure      why the sample could not run, or null
 */
public record SampleResult(String sample, String device, double medianMillis, double minMillis, double maxMillis,
                           double error, double tolerance, String failure) {

    public boolean passed() {
        return failure == null && error <= tolerance;
    }

    public static SampleResult failed(String sample, String device, String why) {
        return new SampleResult(sample, device, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, why);
    }
}
