package dev.squall.graph.internal;

import dev.squall.graph.WorkerGrid;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a session worked out for one launch of a plan (compiled kernel, launch steps, argument
 * blocks), kept for the plan's later executions. A launch's arguments cannot change (the graph is
 * immutable and resized arrays are rejected), so only a changed grid makes a fresh preparation.
 *
 * @param <P> the session's prepared form of a launch
 */
final class LaunchCache<P> {

    private record Entry<P>(int[] global, int[] local, P prepared) {
    }

    private final Map<GraphStep.Launch, Entry<P>> entries = new IdentityHashMap<>();

    /** Whether {@code launch} was prepared under {@code grid} (so {@link #get} would not prepare it again). */
    boolean holds(GraphStep.Launch launch, WorkerGrid grid) {
        Entry<P> entry = entries.get(launch);
        return entry != null && Arrays.equals(entry.global(), grid == null ? null : grid.globalWork())
                && Arrays.equals(entry.local(), grid == null ? null : grid.localWork());
    }

    /** The prepared launch for {@code launch} under {@code grid}, from {@code prepare} the first time. */
    P get(GraphStep.Launch launch, WorkerGrid grid, Supplier<P> prepare) {
        int[] global = grid == null ? null : grid.globalWork();
        int[] local = grid == null ? null : grid.localWork();
        Entry<P> entry = entries.get(launch);
        if (entry == null || !Arrays.equals(entry.global(), global) || !Arrays.equals(entry.local(), local)) {
            entry = new Entry<>(global == null ? null : global.clone(), local == null ? null : local.clone(), prepare.get());
            entries.put(launch, entry);
        }
        return entry.prepared();
    }
}
