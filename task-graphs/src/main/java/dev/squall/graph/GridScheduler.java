package dev.squall.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Maps tasks, named {@code "graph.task"}, to the {@link WorkerGrid} they launch with. */
public final class GridScheduler {

    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();

    public GridScheduler() {
    }

    public GridScheduler(String taskName, WorkerGrid grid) {
        addWorkerGrid(taskName, grid);
    }

    public GridScheduler addWorkerGrid(String taskName, WorkerGrid grid) {
        if (taskName == null || taskName.indexOf('.') <= 0) {
            throw new IllegalArgumentException("GridScheduler: task name '" + taskName + "' must be 'graph.task'");
        }
        grids.put(taskName, java.util.Objects.requireNonNull(grid, "grid"));
        return this;
    }

    /** The grid of a task, or null. */
    public WorkerGrid get(String taskName) {
        return grids.get(taskName);
    }

    public Set<String> taskNames() {
        return java.util.Collections.unmodifiableSet(grids.keySet());
    }
}
