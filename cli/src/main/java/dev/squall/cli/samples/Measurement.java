package dev.squall.cli.samples;

import dev.squall.api.Device;
import dev.squall.api.types.FloatArray;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.ImmutableTaskGraph;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/** Runs a sample's plan: one checked execution on poisoned outputs, then timed executions. */
final class Measurement {

    static final int TIMED_RUNS = 5;

    private Measurement() {
    }

    static SampleResult measure(String sample, Device device, ImmutableTaskGraph graph, GridScheduler grid,
                                FloatArray[] outputs, DoubleSupplier error, double tolerance) {
        try (ExecutionPlan plan = new ExecutionPlan(graph).withDevice(device)) {
            if (grid != null) {
                plan.withGridScheduler(grid);
            }
            for (FloatArray output : outputs) {
                output.init(Float.NaN);
            }
            plan.execute();
            double err = error.getAsDouble();
            double[] millis = new double[TIMED_RUNS];
            for (int i = 0; i < TIMED_RUNS; i++) {
                millis[i] = plan.execute().profile().kernelNanos() / 1e6;
            }
            Arrays.sort(millis);
            return new SampleResult(sample, device.id(), millis[TIMED_RUNS / 2], millis[0], millis[TIMED_RUNS - 1], err,
                    tolerance, null);
        }
    }

    /** ‖out − ref‖ / ‖ref‖ in float64; NaN if any output is NaN. */
    static double relativeL2(FloatArray out, double[] reference) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < reference.length; i++) {
            double d = out.get(i) - reference[i];
            diff += d * d;
            norm += reference[i] * reference[i];
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    static FloatArray random(java.util.Random random, int n) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, random.nextFloat() * 2 - 1);
        }
        return array;
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
