package dev.squall.graph;

import dev.squall.graph.internal.GraphStep;
import java.util.List;

/** A task graph frozen by {@link TaskGraph#snapshot()}, ready for an {@link ExecutionPlan}. */
public final class ImmutableTaskGraph {

    private final String name;
    private final List<GraphStep> steps;

    ImmutableTaskGraph(String name, List<GraphStep> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
    }

    public String name() {
        return name;
    }

    /** The qualified names ({@code graph.task}) of the tasks, in order. */
    public List<String> taskNames() {
        return steps.stream().filter(s -> s instanceof GraphStep.Launch).map(s -> ((GraphStep.Launch) s).name()).toList();
    }

    /** The steps in program order, for the execution engine. */
    public List<GraphStep> steps() {
        return steps;
    }
}
