package dev.squall.graph;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.squall.api.BackendStatus;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.Devices;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.Corpus;
import dev.squall.jit.CorpusChecks;
import dev.squall.jit.KernelCase;
import dev.squall.jit.KernelCompiler;
import dev.squall.graph.internal.Arguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential corpus through task graphs on every accelerator present (PoCL in CI; NVIDIA
 * OpenCL and CUDA on a GPU machine): each result equals the Java method's, bit for bit for integer
 * and plain float arithmetic, within the case's bound where device math functions or reductions differ.
 */
class DeviceDifferentialTest {

    @TestFactory
    Stream<DynamicNode> corpusMatchesJavaOnEveryDevice() {
        List<Device> devices = TestDevices.accelerators();
        assumeFalse(devices.isEmpty(), () -> "no accelerator to test: " + Devices.status().stream()
                .filter(s -> !s.available()).map(s -> s.backend().prefix() + ": " + s.unavailableReason())
                .collect(Collectors.joining("; ")));
        return devices.stream().map(device -> DynamicContainer.dynamicContainer(device.id() + " " + device.name(),
                Corpus.all().stream().filter(c -> c.specialization().isEmpty())
                        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(device, c)))));
    }

    static void check(Device device, KernelCase c) throws Throwable {
        assumeFalse(c.cpuSkip() != null && device.type() == DeviceType.CPU, () -> c.name() + " on " + device.id()
                + ": " + c.cpuSkip());
        long seed = new Random().nextLong();
        Object[] args = c.arguments().apply(new Random(seed));
        long local = localBytes(c, args);
        assumeFalse(local > device.localMemoryBytes(), () -> c.name() + " on " + device.id() + ": its local arrays take "
                + local + " bytes, the device allows " + device.localMemoryBytes() + " per work-group");
        Object[] expected = KernelCase.copy(args);
        Object[] actual = KernelCase.copy(args);
        CorpusChecks.runJava(c, expected);
        List<Object> arrays = new ArrayList<>();
        for (Object a : actual) {
            if (Arguments.isData(a)) {
                arrays.add(a);
            }
        }
        TaskGraph graph = new TaskGraph("t")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays.toArray())
                .task("k", c.kernel(), actual)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(device)) {
            if (c.global() != null) {
                int[] g = c.global();
                int[] l = c.local();
                plan.withGridScheduler(new GridScheduler("t.k", new WorkerGrid3D(g[0], g[1], g[2]).setLocalWork(l[0], l[1], l[2])));
            }
            plan.execute();
        }
        for (int i = 0; i < args.length; i++) {
            CorpusChecks.compare(c.name() + " on " + device.id() + ", argument " + i + " (seed " + seed + ")",
                    expected[i], actual[i], c.deviceTolerance(), c.kernel().getName());
        }
    }

    /** The bytes of local memory the case's kernel declares, each array rounded up to 16 as devices lay them out. */
    static long localBytes(KernelCase c, Object[] args) {
        return KernelCompiler.compile(c.kernel(), c.compileFacts(args), CompileOptions.DEFAULT).function()
                .localMemoryBytes();
    }

    static String unavailable() {
        return Devices.status().stream().filter(s -> !s.available()).map(BackendStatus::unavailableReason)
                .collect(Collectors.joining("; "));
    }
}
