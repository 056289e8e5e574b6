package dev.squall.bench;

import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.ExecutionProfile;
import dev.squall.graph.TaskProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel (or a chain of kernels) on one shape, ready to time. {@code copies} instances each own
 * their device buffers and are run round-robin, so consecutive runs read different memory and L2
 * does not flatter the numbers; the kernel time is the sum of the plan's task event times, but for
 * {@link #QUEUE_TASK}'s. That task runs first and keeps the GPU busy while the host issues the timed
 * launches, so each launch waits in the queue and its events time the GPU's work, not the host's
 * launch latency (what {@code triton.testing.do_bench} gets from the cache flush before each run; the
 * peers wait behind {@code torch.cuda._sleep} the same way). A decoder issues its launches back to
 * back, so this is the time a kernel costs inside a step; the bare launch cost is DeviceBench's.
 */
public record BenchCase(String group, String kernel, String key, double flops, double bytes, int copies, int runs,
                        Factory factory) {

    /** Builds the plan of copy {@code index}, and says how to check its output. */
    public interface Factory {
        Instance create(int index);
    }

    /** A plan with its inputs resident, and a check run after timing (throws on a wrong result). */
    public record Instance(ExecutionPlan plan, Check check) {
    }

    public interface Check {
        /** Executes once more, reads the output back and compares it; returns a short summary. */
        String run(ExecutionPlan plan);
    }

    /** The untimed first task of every plan (see the class comment). */
    static final String QUEUE_TASK = "queue";
    /** Its multiply-adds: hundreds of microseconds on a GPU, far longer than issuing a decode step's launches. */
    static final int QUEUE_SPIN_ITERATIONS = 100_000;

    /** Least wall time of warm-up runs before timing. */
    static final long WARM_UP_NANOS = 100_000_000L;

    public BenchResult run() {
        List<Instance> instances = new ArrayList<>();
        try {
            for (int i = 0; i < copies; i++) {
                instances.add(factory.create(i));
            }
            // Warm-up: every copy twice (module load, first-touch), then round-robin until WARM_UP_NANOS
            // have passed, so a short kernel that follows seconds of host-side set-up is not timed
            // while the GPU's clocks are still ramping (the first short case of a group measured slow).
            for (Instance instance : instances) {
                instance.plan().execute();
                instance.plan().execute();
            }
            long warmUntil = System.nanoTime() + WARM_UP_NANOS;
            for (int w = 0; System.nanoTime() < warmUntil; w++) {
                instances.get(w % copies).plan().execute();
            }
            double[] millis = new double[Math.max(runs, copies)];
            Map<String, double[]> stepMillis = new LinkedHashMap<>();
            for (int r = 0; r < millis.length; r++) {
                ExecutionProfile profile = instances.get(r % copies).plan().execute().profile();
                millis[r] = timedNanos(profile) / 1e6;
                for (TaskProfile t : profile.tasks()) {
                    if (!isQueueTask(t)) {
                        String step = t.name().substring(t.name().indexOf('.') + 1);
                        stepMillis.computeIfAbsent(step, s -> new double[millis.length])[r] += t.kernelNanos() / 1e6;
                    }
                }
            }
            Map<String, Double> steps = new LinkedHashMap<>();
            if (stepMillis.size() > 1) {
                stepMillis.forEach((step, values) -> steps.put(step, Stats.of(values).median()));
            }
            String check = instances.get(0).check().run(instances.get(0).plan());
            return new BenchResult(group, kernel, key, Stats.of(millis), flops, bytes, copies, check, null, steps);
        } catch (RuntimeException | LinkageError e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            return new BenchResult(group, kernel, key, null, flops, bytes, copies, null,
                    message.length() > 400 ? message.substring(0, 400) + "..." : message, Map.of());
        } finally {
            for (Instance instance : instances) {
                instance.plan().close();
            }
        }
    }

    /**
     * The kernel time of an execution without the queue task's. Bench plans run without CUDA graphs,
     * which report a whole replay's time on the first task (here the queue task).
     */
    static long timedNanos(ExecutionProfile profile) {
        return profile.tasks().stream().filter(t -> !isQueueTask(t)).mapToLong(TaskProfile::kernelNanos).sum();
    }

    /** Task names in a profile are qualified by their graph ("b.queue"). */
    private static boolean isQueueTask(TaskProfile t) {
        return t.name().endsWith("." + QUEUE_TASK);
    }
}
