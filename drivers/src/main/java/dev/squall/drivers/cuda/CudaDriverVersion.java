package dev.squall.drivers.cuda;

/** Helpers for the integer {@code cuDriverGetVersion} reports: 1000 x major + 10 x minor (13000 is 13.0). */
final class CudaDriverVersion {

    private CudaDriverVersion() {
    }

    /** {@code "13.0"} for 13000, {@code "12.9"} for 12090. */
    static String format(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }
}
