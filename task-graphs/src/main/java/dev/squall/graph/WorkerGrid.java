package dev.squall.graph;

import java.util.Arrays;

/**
 * The launch geometry of one task: a global work size and, optionally, a work-group (local) size.
 * With no local size, the device chooses one. Create a {@link WorkerGrid1D}, {@link WorkerGrid2D}
 * or {@link WorkerGrid3D} and register it in a {@link GridScheduler}.
 */
public abstract sealed class WorkerGrid permits WorkerGrid1D, WorkerGrid2D, WorkerGrid3D {

    private final int dimensions;
    private final int[] global = {1, 1, 1};
    private int[] local;

    WorkerGrid(int dimensions, int... globalWork) {
        this.dimensions = dimensions;
        setGlobalWork(globalWork);
    }

    /** 1, 2 or 3. */
    public final int dimensions() {
        return dimensions;
    }

    /** Global work size per dimension (x, y, z); unused dimensions are 1. */
    public final int[] globalWork() {
        return global.clone();
    }

    /** Work-group size per dimension, or null when the device chooses. */
    public final int[] localWork() {
        return local == null ? null : local.clone();
    }

    public final boolean hasLocalWork() {
        return local != null;
    }

    /** Sets the global work size; as many values as dimensions. */
    public final WorkerGrid setGlobalWork(int... sizes) {
        copyInto(global, "global", sizes);
        return this;
    }

    /** Sets the work-group size; as many values as dimensions. Checked against the global size at launch. */
    public final WorkerGrid setLocalWork(int... sizes) {
        int[] fresh = {1, 1, 1};
        copyInto(fresh, "local", sizes);
        local = fresh;
        return this;
    }

    /** Lets the device choose the work-group size again. */
    public final WorkerGrid setLocalWorkToNull() {
        local = null;
        return this;
    }

    /** Total work-items per work-group, or 0 when the device chooses. */
    public final long localItems() {
        return local == null ? 0 : (long) local[0] * local[1] * local[2];
    }

    private void copyInto(int[] target, String what, int[] sizes) {
        if (sizes.length != dimensions) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs " + dimensions + " " + what
                    + " size(s), got " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what + " size in dimension "
                        + "xyz".charAt(i) + " must be positive, got " + sizes[i]);
            }
            target[i] = sizes[i];
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(global=" + Arrays.toString(Arrays.copyOf(global, dimensions))
                + ", local=" + (local == null ? "device default" : Arrays.toString(Arrays.copyOf(local, dimensions)))
                + ")";
    }
}
