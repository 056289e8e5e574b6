package dev.squall.graph;

/** A 1-dimensional {@link WorkerGrid}. */
public final class WorkerGrid1D extends WorkerGrid {

    public WorkerGrid1D(int x) {
        super(1, x);
    }
}
