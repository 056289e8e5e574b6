package dev.squall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.Devices;
import dev.squall.api.KernelContext;
import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.GridScheduler;
import dev.squall.graph.TaskGraph;
import dev.squall.graph.WorkerGrid1D;
import org.junit.jupiter.api.Test;

/** The README's tour, verbatim, so it keeps working. */
class ReadmeExampleTest {

    // --- README example starts ---
    static void saxpy(float alpha, FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    static void saxpySpmd(KernelContext ctx, float alpha, FloatArray x, FloatArray y) {
        int i = ctx.globalIdx;
        if (i < y.getSize()) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    @Test
    void tour() {
        int n = 1_000_000;
        FloatArray x = new FloatArray(n);
        FloatArray y = new FloatArray(n);
        x.init(1f);
        y.init(2f);

        TaskGraph graph = new TaskGraph("demo")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, y)
                .task("saxpy", ReadmeExampleTest::saxpy, 3f, x, y)
                .task("again", ReadmeExampleTest::saxpySpmd, new KernelContext(), 3f, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        GridScheduler grid = new GridScheduler("demo.again", new WorkerGrid1D(n).setLocalWork(250));

        try (ExecutionPlan plan = new ExecutionPlan(graph.snapshot())) {
            plan.withDevice(Devices.get("java")).withGridScheduler(grid);
            var result = plan.execute();
            System.out.println(y.get(0));               // 8.0 = 2 + 3·1 + 3·1
            System.out.print(result.profile().toTable()); // per-task times and bytes
        }
        // --- README example ends ---
        assertEquals(8f, y.get(0));
        assertEquals(8f, y.get(n - 1));
    }
}
