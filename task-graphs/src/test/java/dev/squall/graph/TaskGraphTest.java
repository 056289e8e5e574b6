package dev.squall.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.types.FloatArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskGraphTest {

    private final Device java = Devices.get("java");
    private final Random random = new Random();

    private FloatArray randomArray(int n) {
        FloatArray array = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, random.nextFloat() * 2 - 1);
        }
        return array;
    }

    @ParameterizedTest
    @EnumSource(value = DataTransferMode.class, names = {"FIRST_EXECUTION", "EVERY_EXECUTION"})
    void plansRunManyTimesAndRecordTransfersPerMode(DataTransferMode mode) {
        FloatArray a = randomArray(1000);
        FloatArray b = randomArray(1000);
        FloatArray c = new FloatArray(1000);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(mode, a, b)
                .task("add", TestKernels::add, a, b, c)
                .transferToHost(mode, c);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)) {
            for (int run = 0; run < 3; run++) {
                for (int i = 0; i < 1000; i++) {
                    a.set(i, run + i);
                }
                c.init(Float.NaN);
                ExecutionResult result = plan.execute();
                for (int i = 0; i < 1000; i++) {
                    assertEquals(a.get(i) + b.get(i), c.get(i));
                }
                ExecutionProfile profile = result.profile();
                assertEquals("java", profile.device());
                assertEquals(List.of("g.add"), profile.tasks().stream().map(TaskProfile::name).toList());
                assertEquals("TestKernels.add", profile.tasks().getFirst().kernel());
                assertEquals(3 * 4000, profile.tasks().getFirst().argumentBytes());
                boolean copies = mode == DataTransferMode.EVERY_EXECUTION || run == 0;
                assertEquals(copies ? 8000 : 0, profile.copyInBytes(), "run " + run);
                assertEquals(copies ? 4000 : 0, profile.copyOutBytes(), "run " + run);
                assertTrue(profile.tasks().getFirst().kernelNanos() > 0);
                assertTrue(profile.toTable().contains("g.add"));
            }
        }
    }

    @Test
    void underDemandCopiesBackOnlyWhenAsked() {
        FloatArray x = randomArray(64);
        float[] before = x.toHeapArray();
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.UNDER_DEMAND, x)
                .task("inc", TestKernels::increment, x)
                .transferToHost(DataTransferMode.UNDER_DEMAND, x);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)) {
            ExecutionResult first = plan.execute();
            assertEquals(256, first.profile().copyInBytes(), "the first execution copies every input");
            assertEquals(0, first.profile().copyOutBytes());
            List<TransferProfile> back = first.transferToHost(x);
            assertEquals(1, back.size());
            assertEquals("to-host", back.getFirst().direction());
            assertEquals(256, back.getFirst().bytes());
            ExecutionResult second = plan.execute();
            assertEquals(0, second.profile().copyInBytes());
            assertEquals(1, plan.transferToDevice(x).size());
            for (int i = 0; i < 64; i++) {
                assertEquals(before[i] + 1f + 1f, x.get(i), 1e-6f);
            }
            TaskGraphException e = assertThrows(TaskGraphException.class, () -> second.transferToHost(new FloatArray(2)));
            assertTrue(e.getMessage().contains("not used by the plan"), e.getMessage());
        }
    }

    @Test
    void graphsInOnePlanShareDataAndScalarsArePassed() {
        FloatArray a = randomArray(100);
        FloatArray b = randomArray(100);
        FloatArray c = new FloatArray(100);
        ImmutableTaskGraph first = new TaskGraph("first")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("add", TestKernels::add, a, b, c)
                .snapshot();
        ImmutableTaskGraph second = new TaskGraph("second")
                .task("scale", TestKernels::scale, c, 3f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(first, second).withDevice(java)) {
            ExecutionResult result = plan.execute();
            for (int i = 0; i < 100; i++) {
                assertEquals((a.get(i) + b.get(i)) * 3f, c.get(i));
            }
            assertEquals(List.of("first.add", "second.scale"), result.profile().tasks().stream().map(TaskProfile::name).toList());
        }
    }

    @Test
    void kernelContextTasksRunOnTheirGrid() {
        FloatArray a = randomArray(1000);
        FloatArray b = randomArray(1000);
        FloatArray c = new FloatArray(1000);
        c.init(Float.NaN);
        TaskGraph graph = new TaskGraph("g")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("add", TestKernels::addSpmd, new KernelContext(), a, b, c)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        WorkerGrid grid = new WorkerGrid1D(1024).setLocalWork(128);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                .withGridScheduler(new GridScheduler("g.add", grid))) {
            ExecutionResult result = plan.execute();
            for (int i = 0; i < 1000; i++) {
                assertEquals(a.get(i) + b.get(i), c.get(i));
            }
            assertArrayEquals(new int[] {1024, 1, 1}, result.profile().tasks().getFirst().globalWork());
            assertArrayEquals(new int[] {128, 1, 1}, result.profile().tasks().getFirst().localWork());
        }
    }

    // ---- misuse ------------------------------------------------------------------------------------

    @Test
    void argumentCountMismatchIsRejected() throws Exception {
        var method = TestKernels.class.getDeclaredMethod("add", FloatArray.class, FloatArray.class, FloatArray.class);
        TaskGraphException e = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", method, new FloatArray(1), new FloatArray(1)));
        assertEquals("task 'g.t': kernel TestKernels.add takes 3 argument(s) but 2 were given", e.getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void argumentTypeMismatchIsRejected() throws Exception {
        Task3<FloatArray, FloatArray, FloatArray> typed = TestKernels::add;
        Task3 raw = typed; // how a caller can slip past javac's checks
        TaskGraphException e = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", raw, new FloatArray(1), 2, new FloatArray(1)));
        assertEquals("task 'g.t': argument 2 (parameter 'b' of TestKernels.add, type FloatArray) is a Integer",
                e.getMessage());
        var scale = TestKernels.class.getDeclaredMethod("scale", FloatArray.class, float.class);
        TaskGraphException scalar = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", scale, new FloatArray(1), 2.0));
        assertEquals("task 'g.t': argument 2 (parameter 'factor' of TestKernels.scale, type float) is a Double",
                scalar.getMessage());
        TaskGraphException nul = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", TestKernels::increment, null));
        assertTrue(nul.getMessage().endsWith("is null"), nul.getMessage());
    }

    @Test
    void kernelsMustBeStaticVoidAndCaptureNothing() throws Exception {
        FloatArray x = new FloatArray(1);
        TaskGraphException instance = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", TestKernels::instanceKernel, new TestKernels(), x));
        assertTrue(instance.getMessage().contains("is not a static method"), instance.getMessage());
        float captured = 2f;
        TaskGraphException capture = assertThrows(TaskGraphException.class,
                () -> new TaskGraph("g").task("t", (FloatArray y) -> TestKernels.scale(y, captured), x));
        assertEquals("task 'g.t': the kernel lambda captures 1 value(s); pass them as task arguments instead",
                capture.getMessage());
        var notVoid = TestKernels.class.getDeclaredMethod("notVoid", FloatArray.class);
        TaskGraphException returns = assertThrows(TaskGraphException.class, () -> new TaskGraph("g").task("t", notVoid, x));
        assertTrue(returns.getMessage().contains("returns int; kernels return void"), returns.getMessage());
    }

    @Test
    void graphStructureIsChecked() {
        FloatArray x = new FloatArray(1);
        TaskGraph graph = new TaskGraph("g").task("t", TestKernels::increment, x);
        TaskGraphException duplicate = assertThrows(TaskGraphException.class, () -> graph.task("t", TestKernels::increment, x));
        assertEquals("task graph 'g' already has a task 't'", duplicate.getMessage());
        TaskGraphException scalar = assertThrows(TaskGraphException.class,
                () -> graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, x, 3f));
        assertTrue(scalar.getMessage().contains("transferToDevice argument 2 is a Float; only arrays move"),
                scalar.getMessage());
        assertThrows(TaskGraphException.class, () -> new TaskGraph("has.dot"));
        assertThrows(TaskGraphException.class, () -> new TaskGraph("empty").snapshot());
        assertThrows(TaskGraphException.class, () -> new ExecutionPlan(graph.snapshot(), graph.snapshot()));
    }

    @Test
    void kernelContextTaskWithoutGridIsRejected() {
        FloatArray a = new FloatArray(8);
        TaskGraph graph = new TaskGraph("g").task("add", TestKernels::addSpmd, new KernelContext(), a, a, a);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)) {
            TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
            assertTrue(e.getMessage().startsWith("task 'g.add' runs TestKernels.addSpmd, which takes a KernelContext,"
                    + " but no WorkerGrid was given"), e.getMessage());
        }
    }

    @Test
    void aWorkGroupLargerThanTheKernelsLaunchBoundIsRejectedAndOneWithinRuns() {
        FloatArray a = randomArray(256);
        FloatArray b = randomArray(256);
        FloatArray c = new FloatArray(256);
        TaskGraph graph = new TaskGraph("g").task("add", TestKernels::addSpmdBounded, new KernelContext(), a, b, c);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                .withGridScheduler(new GridScheduler("g.add", new WorkerGrid1D(256).setLocalWork(128)))) {
            TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
            assertEquals("task 'g.add': work-group of 128 work-items, but TestKernels.addSpmdBounded declares"
                    + " @LaunchBounds(maxGroupSize = 64)", e.getMessage());
        }
        c.init(Float.NaN);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                .withGridScheduler(new GridScheduler("g.add", new WorkerGrid1D(256).setLocalWork(64)))) {
            plan.execute();
            for (int i = 0; i < 256; i++) {
                assertEquals(a.get(i) + b.get(i), c.get(i));
            }
        }
    }

    @Test
    void gridWhoseLocalSizeDoesNotDivideTheGlobalSizeIsRejected() {
        FloatArray a = new FloatArray(100);
        TaskGraph graph = new TaskGraph("g").task("add", TestKernels::addSpmd, new KernelContext(), a, a, a);
        WorkerGrid grid = new WorkerGrid2D(100, 6).setLocalWork(10, 4);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                .withGridScheduler(new GridScheduler("g.add", grid))) {
            TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
            assertEquals("task 'g.add': global size 6 in dimension y is not a multiple of local size 4"
                    + " (WorkerGrid2D(global=[100, 6], local=[10, 4]))", e.getMessage());
        }
        TaskGraphException typo = assertThrows(TaskGraphException.class, () -> {
            try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                    .withGridScheduler(new GridScheduler("g.ad", new WorkerGrid1D(100).setLocalWork(10)))) {
                plan.execute();
            }
        });
        assertEquals("GridScheduler names task 'g.ad', but the plan's tasks are [g.add]", typo.getMessage());
        TaskGraphException tooLarge = assertThrows(TaskGraphException.class, () -> {
            try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)
                    .withGridScheduler(new GridScheduler("g.add", new WorkerGrid1D(4096).setLocalWork(2048)))) {
                plan.execute();
            }
        });
        assertTrue(tooLarge.getMessage().contains("work-group of 2048 work-items exceeds the limit of 1024"));
        assertThrows(IllegalArgumentException.class, () -> new WorkerGrid1D(0));
        assertThrows(IllegalArgumentException.class, () -> new WorkerGrid2D(4, 4).setLocalWork(2));
    }

    @Test
    void arrayFreedBetweenExecutionsIsRejected() {
        FloatArray a = randomArray(16);
        FloatArray b = randomArray(16);
        FloatArray c = new FloatArray(16);
        TaskGraph graph = new TaskGraph("g").transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("add", TestKernels::add, a, b, c).transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)) {
            plan.execute();
            b.free();
            TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
            assertEquals("argument 2 of task 'g.add' (FloatArray[freed]) was freed after the plan's first execution;"
                    + " build a new plan for new arrays", e.getMessage());
        }
    }

    @Test
    void arrayResizedBetweenExecutionsIsRejected() {
        FloatArray a = randomArray(16);
        FloatArray c = new FloatArray(16);
        TaskGraph graph = new TaskGraph("g").task("add", TestKernels::add, a, a, c);
        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot()).withDevice(java)) {
            plan.execute();
            c.resize(32);
            TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
            assertEquals("argument 3 of task 'g.add' was resized from 16 to 32 elements after the plan's first"
                    + " execution; the device copy no longer matches, build a new plan", e.getMessage());
        }
    }

    @Test
    void closedPlansRefuseToRun() {
        FloatArray a = new FloatArray(4);
        ExecutionPlan plan = new ExecutionPlan(new TaskGraph("g").task("inc", TestKernels::increment, a).snapshot())
                .withDevice(java);
        plan.execute();
        plan.close();
        TaskGraphException e = assertThrows(TaskGraphException.class, plan::execute);
        assertEquals("the execution plan is closed", e.getMessage());
    }

    @Test
    void unknownDevicesNameTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.get("cuda:7"));
        assertTrue(e.getMessage().startsWith("no device 'cuda:7'; devices: [java"), e.getMessage());
        if (Devices.list().stream().allMatch(d -> d.id().equals("java"))) {
            IllegalStateException none = assertThrows(IllegalStateException.class, Devices::best);
            assertTrue(none.getMessage().contains("choose it explicitly: Devices.get(\"java\")"), none.getMessage());
        } else {
            assertTrue(!Devices.best().id().equals("java"), "best() never picks the JVM device");
        }
    }
}
