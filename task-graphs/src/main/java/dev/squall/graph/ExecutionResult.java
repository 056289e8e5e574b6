package dev.squall.graph;

import dev.squall.graph.internal.PlanRunner;
import java.util.List;
import java.util.function.Supplier;

/** What one {@link ExecutionPlan#execute()} did, and access to data left on the device. */
public final class ExecutionResult {

    private final PlanRunner runner;
    private final Supplier<ExecutionProfile> profile;

    ExecutionResult(PlanRunner runner, Supplier<ExecutionProfile> profile) {
        this.runner = runner;
        this.profile = profile;
    }

    /**
     * Times and bytes of every task and transfer of this execution, built on the first call (so a loop that
     * never asks does not pay for it between executions). With {@link ProfilerMode#OFF} kernel times read 0
     * on OpenCL and CUDA, and on CUDA transfer times too (see {@link ProfilerMode#OFF}).
     */
    public ExecutionProfile profile() {
        return profile.get();
    }

    /**
     * Copies arrays declared with {@link DataTransferMode#UNDER_DEMAND} (or any array of the plan)
     * back to the host now.
     */
    public List<TransferProfile> transferToHost(Object... data) {
        return runner.transferToHost(data);
    }
}
