package dev.squall.graph;

/** A 3-dimensional {@link WorkerGrid}. */
public final class WorkerGrid3D extends WorkerGrid {

    public WorkerGrid3D(int x, int y, int z) {
        super(3, x, y, z);
    }
}
