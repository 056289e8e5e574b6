package dev.squall.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Backend;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transfer modes and residency on every device: what each mode copies, that resident data stays on
 * an accelerator between executions, that graphs in one plan hand data over on the device, and
 * that plans run many times.
 */
class ResidencyOnDevicesTest {

    static Stream<Device> devices() {
        return TestDevices.all();
    }

    private static boolean separateMemory(Device d) {
        return d.type() != DeviceType.JVM;
    }

    private static FloatArray filled(int n, float value) {
        FloatArray a = new FloatArray(n);
        a.init(value);
        return a;
    }

    @ParameterizedTest
    @MethodSource("devices")
    void firstExecutionKeepsTheDeviceCopyEveryExecutionRefreshesIt(Device device) {
        int n = 1000;
        FloatArray resident = filled(n, 1f);
        FloatArray refreshed = filled(n, 1f);
        FloatArray out1 = filled(n, Float.NaN);
        FloatArray out2 = filled(n, Float.NaN);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, resident)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, refreshed)
                .task("a", TestKernels::add, resident, resident, out1)
                .task("b", TestKernels::add, refreshed, refreshed, out2)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out1, out2);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            for (int run = 1; run <= 4; run++) {
                resident.init(run);
                refreshed.init(run);
                ExecutionProfile profile = plan.execute().profile();
                float expectResident = separateMemory(device) ? 2f : 2f * run; // the JVM device shares host memory
                assertEquals(expectResident, out1.get(n - 1), device + " run " + run);
                assertEquals(2f * run, out2.get(0), device + " run " + run);
                assertEquals(run == 1 ? 8000 : 4000, profile.copyInBytes(), device + " run " + run);
                assertEquals(8000, profile.copyOutBytes());
                if (separateMemory(device)) {
                    assertTrue(profile.tasks().stream().allMatch(t -> t.kernelNanos() > 0), profile.toTable());
                }
            }
        }
    }

    /**
     * A CUDA graph of 64 tasks, each reading what the one before wrote: on sm_90 and newer the replayed
     * launches overlap the kernel before them, so an early read would lose an increment. Other devices run the
     * same plan without a graph.
     */
    @ParameterizedTest
    @MethodSource("devices")
    void aGraphOfDependentTasksReplaysExactly(Device device) {
        int n = device.backend() == Backend.CUDA ? 1 << 20 : 1 << 14; // thousands of work-groups where it overlaps
        int steps = 64;
        FloatArray in = filled(n, 0f);
        FloatArray one = filled(n, 1f);
        FloatArray[] ping = {filled(n, Float.NaN), filled(n, Float.NaN)};
        TaskGraph graph = new TaskGraph("chain")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, one)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task("s0", TestKernels::add, in, one, ping[0]);
        for (int s = 1; s < steps; s++) {
            graph.task("s" + s, TestKernels::add, ping[(s - 1) % 2], one, ping[s % 2]);
        }
        graph.transferToHost(DataTransferMode.EVERY_EXECUTION, ping[(steps - 1) % 2]);
        java.util.Random random = new java.util.Random(device.toString().hashCode() ^ System.nanoTime());
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device).withCudaGraph()
                .withProfiler(ProfilerMode.OFF)) {
            for (int run = 1; run <= 4; run++) {
                float[] start = new float[n];
                for (int i = 0; i < n; i++) {
                    start[i] = random.nextInt(1 << 16);
                    in.set(i, start[i]);
                }
                ping[(steps - 1) % 2].init(Float.NaN);
                plan.execute();
                for (int i = 0; i < n; i++) {
                    if (ping[(steps - 1) % 2].get(i) != start[i] + steps) {
                        assertEquals(start[i] + steps, ping[(steps - 1) % 2].get(i), device + " run " + run + " element " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void profilerOffRunsTheSameWorkWithoutKernelTimesOnOpenClAndCuda(Device device) {
        int n = 1000;
        FloatArray in = filled(n, 1f);
        FloatArray out = filled(n, Float.NaN);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .task("a", TestKernels::add, in, in, out)
                .task("b", TestKernels::add, out, in, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            for (int run = 1; run <= 4; run++) {
                boolean off = run % 2 == 1;
                plan.withProfiler(off ? ProfilerMode.OFF : ProfilerMode.SILENT);
                in.init(run);
                out.init(Float.NaN);
                ExecutionProfile profile = plan.execute().profile();
                assertEquals(3f * run, out.get(0), device + " run " + run);
                assertEquals(3f * run, out.get(n - 1), device + " run " + run);
                assertEquals(8000, profile.copyInBytes() + profile.copyOutBytes(), profile.toTable());
                if (device.backend() == Backend.OPENCL || device.backend() == Backend.CUDA) {
                    // untimed launches read 0; timed ones (after untimed ones on the same queue) are real times
                    assertTrue(profile.tasks().stream().allMatch(t -> off ? t.kernelNanos() == 0 : t.kernelNanos() > 0),
                            profile.toTable());
                }
                if (device.backend() == Backend.CUDA) {
                    // and so are CUDA's copies (their events cost host time on the way to the next launch)
                    assertTrue(profile.transfers().stream().allMatch(t -> off ? t.nanos() == 0 : t.nanos() > 0),
                            profile.toTable());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void underDemandResultsStayOnTheDeviceUntilAsked(Device device) {
        int n = 256;
        FloatArray in = filled(n, 3f);
        FloatArray out = filled(n, Float.NaN);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, in)
                .task("a", TestKernels::add, in, in, out)
                .transferToHost(DataTransferMode.UNDER_DEMAND, out);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            ExecutionResult result = plan.execute();
            assertEquals(0, result.profile().copyOutBytes());
            if (separateMemory(device)) {
                assertTrue(Float.isNaN(out.get(0)), "not copied back before it is asked for");
            }
            result.transferToHost(out);
            assertEquals(6f, out.get(n - 1));
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void graphsHandDataOverOnTheDeviceAcrossManyExecutions(Device device) {
        int n = 4096;
        FloatArray a = filled(n, 1f);
        FloatArray b = filled(n, 2f);
        FloatArray c = new FloatArray(n);
        FloatArray d = filled(n, Float.NaN);
        ImmutableTaskGraph first = new TaskGraph("first")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("add", TestKernels::add, a, b, c)
                .snapshot();
        ImmutableTaskGraph second = new TaskGraph("second")
                .task("spmd", TestKernels::addSpmd, new KernelContext(), c, c, d)
                .task("scale", TestKernels::scale, d, 0.5f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, d)
                .snapshot();
        GridScheduler grid = new GridScheduler("second.spmd", new WorkerGrid1D(n).setLocalWork(64));
        try (ExecutionPlan plan = new ExecutionPlan(first, second).withDevice(device).withGridScheduler(grid)) {
            for (int run = 0; run < 25; run++) {
                d.init(Float.NaN);
                ExecutionProfile profile = plan.execute().profile();
                assertEquals(3f, d.get(0));
                assertEquals(3f, d.get(n - 1));
                assertEquals(3, profile.tasks().size());
                assertEquals(run == 0 ? 2 * 4 * n : 0, profile.copyInBytes(), "c stays on the device between graphs");
                assertEquals(4L * n, profile.copyOutBytes());
            }
        }
    }
}
