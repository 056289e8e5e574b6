package dev.squall.kernels.gemm;

import dev.squall.kernels.tuning.MeasuredTable;
import java.util.HashMap;
import java.util.Map;

/**
 * FlashDecoding++'s heuristic dataflow (§5.3): for out = X·Wᵀ with m activation rows and an n×k
 * weight matrix, run the GEMV (m times) while m is below M1, the flat GEMM from M1 to below M2,
 * and the tiled GEMM from M2. With binary16 weights on a device with tensor cores those are
 * {@code MatVec}, {@link FlatGemmMma} and {@link TiledGemmMma} (its form from {@link TiledGemmForm#choose});
 * the chooser only names the dataflow, and on an H200 a caller should run {@link FlatGemmByLanes#f16Gemv}
 * for the GEMV (1–7% less time than MatVec) and {@link FlatGemmByLanes#f16} for the flat GEMM at m = 2
 * (4–16% less than FlatGemmMma);
 * elsewhere {@link FlatGemm} and {@link Gemm}'s register-blocked GEMM. The thresholds come from measurement per (n, k) on each device
 * (bench KernelBench writes them, as {@code dataflow-<device>.json}; {@link #parse} reads the
 * plain table kept in resources), with a hardware-derived default for shapes not measured.
 */
public final class DataflowChooser {

    /** The three dataflows. */
    public enum Choice { GEMV, FLAT_GEMM, TILED_GEMM }

    /** GEMV for m below m1, flat GEMM for m1 ≤ m below m2, tiled GEMM from m2. */
    public record Thresholds(int m1, int m2) {
        public Thresholds {
            if (m1 < 1 || m2 < m1) {
                throw new IllegalArgumentException("thresholds need 1 ≤ m1 ≤ m2, got m1 = " + m1 + ", m2 = " + m2);
            }
        }
    }

    private final Map<Long, Thresholds> measured;
    private final Thresholds fallback;

    private DataflowChooser(Map<Long, Thresholds> measured, Thresholds fallback) {
        this.measured = Map.copyOf(measured);
        this.fallback = fallback;
    }

    /**
     * From the hardware alone: the flat GEMM reads the weights once for all rows, so it wins from m =
     * 2 (the GEMV would read them twice); it stays memory-bound while its m FLOP per weight byte (fp16,
     * fp32 accumulation: 2m FLOP per 2 bytes) is below the device's FLOP-per-byte ridge, after which
     * a tiled GEMM that reuses X from local memory takes over.
     *
     * @param flopsPerSecond the device's FP32 FMA rate (2 FLOP per FMA)
     * @param bytesPerSecond its memory bandwidth
     */
    public static DataflowChooser hardwareDefault(double flopsPerSecond, double bytesPerSecond) {
        int ridge = (int) Math.max(2, Math.ceil(flopsPerSecond / bytesPerSecond));
        return new DataflowChooser(Map.of(), new Thresholds(2, ridge));
    }

    /**
     * A measured table, one shape per line: {@code n k m1 m2} (m2 = 0 when the tiled GEMM never won;
     * {@code #} starts a comment), over a default for the shapes it does not list.
     */
    public static DataflowChooser parse(String table, DataflowChooser defaults) {
        Map<Long, Thresholds> measured = new HashMap<>();
        for (MeasuredTable.Row row : MeasuredTable.parse(table, "dataflow table", "n k m1 m2")) {
            int[] v = row.values();
            measured.put(key(v[0], v[1]), new Thresholds(v[2], v[3] == 0 ? Integer.MAX_VALUE : v[3]));
        }
        return new DataflowChooser(measured, defaults.fallback);
    }

    /**
     * The measured table shipped for a device (resource {@code dataflow/<device name>.txt}, e.g.
     * {@code NVIDIA H200}), or {@code defaults} when there is none.
     */
    public static DataflowChooser forDevice(String deviceName, DataflowChooser defaults) {
        String table = MeasuredTable.forDevice("dataflow", deviceName);
        return table == null ? defaults : parse(table, defaults);
    }

    public Thresholds thresholds(int n, int k) {
        return measured.getOrDefault(key(n, k), fallback);
    }

    public Choice choose(int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("a product needs m, n, k ≥ 1, got " + m + ", " + n + ", " + k);
        }
        Thresholds t = thresholds(n, k);
        return m < t.m1() ? Choice.GEMV : m < t.m2() ? Choice.FLAT_GEMM : Choice.TILED_GEMM;
    }

    private static long key(int n, int k) {
        return (long) n << 32 | k;
    }
}
