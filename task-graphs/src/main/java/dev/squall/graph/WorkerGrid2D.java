package dev.squall.graph;

/** A 2-dimensional {@link WorkerGrid}. */
public final class WorkerGrid2D extends WorkerGrid {

    public WorkerGrid2D(int x, int y) {
        super(2, x, y);
    }
}
