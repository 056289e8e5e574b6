package dev.squall.api;

import dev.squall.api.spi.WorkGroupRuntime;
import dev.squall.api.spi.WorkItemIds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;

/**
 * The first parameter of an SPMD kernel: who this work-item is, and what it shares with its
 * work-group. Pass {@code new KernelContext()} as the task argument; each device gives every
 * work-item its own view with the ids filled in.
 *
 * <p>Ids and sizes follow OpenCL: {@code globalIdx = groupIdx * localGroupSizeX + localIdx};
 * {@code globalGroupSizeX} is the global work size in x (not the number of groups).
 */
public final class KernelContext {

    public final int globalIdx;
    public final int globalIdy;
    public final int globalIdz;
    public final int localIdx;
    public final int localIdy;
    public final int localIdz;
    public final int groupIdx;
    public final int groupIdy;
    public final int groupIdz;
    public final int globalGroupSizeX;
    public final int globalGroupSizeY;
    public final int globalGroupSizeZ;
    public final int localGroupSizeX;
    public final int localGroupSizeY;
    public final int localGroupSizeZ;

    private final WorkGroupRuntime group;
    private final int localLinearId;
    // Counts this work-item's local allocations, so the n-th call of every work-item maps to one shared array.
    private int localAllocations;

    /** The context a task graph receives as an argument; devices replace it per work-item. */
    public KernelContext() {
        this(new WorkItemIds(new int[3], new int[3], new int[3], new int[] {1, 1, 1}, new int[] {1, 1, 1}), null);
    }

    private KernelContext(WorkItemIds ids, WorkGroupRuntime group) {
        this.globalIdx = ids.global()[0];
        this.globalIdy = ids.global()[1];
        this.globalIdz = ids.global()[2];
        this.localIdx = ids.local()[0];
        this.localIdy = ids.local()[1];
        this.localIdz = ids.local()[2];
        this.groupIdx = ids.group()[0];
        this.groupIdy = ids.group()[1];
        this.groupIdz = ids.group()[2];
        this.globalGroupSizeX = ids.globalSize()[0];
        this.globalGroupSizeY = ids.globalSize()[1];
        this.globalGroupSizeZ = ids.globalSize()[2];
        this.localGroupSizeX = ids.localSize()[0];
        this.localGroupSizeY = ids.localSize()[1];
        this.localGroupSizeZ = ids.localSize()[2];
        this.localLinearId = ids.localLinearId();
        this.group = group;
    }

    /** For devices that run work-items on the JVM: the view of one work-item in one group. */
    public static KernelContext forWorkItem(WorkItemIds ids, WorkGroupRuntime group) {
        if (group == null) {
            throw new IllegalArgumentException("a work-item needs its work-group runtime");
        }
        return new KernelContext(ids, group);
    }

    /** Linear index of this work-item inside its group, x fastest. */
    public int localLinearId() {
        return localLinearId;
    }

    /** Waits until every work-item of the group gets here; orders local-memory accesses. */
    public void localBarrier() {
        runtime("localBarrier()").barrier(this, false);
    }

    /** A work-group barrier that also fences global memory (not a grid-wide barrier). */
    public void globalBarrier() {
        runtime("globalBarrier()").barrier(this, true);
    }

    /** Local memory shared by the work-group; {@code length} must be a compile-time constant. */
    public float[] allocateFloatLocalArray(int length) {
        return (float[]) local(float.class, length);
    }

    public int[] allocateIntLocalArray(int length) {
        return (int[]) local(int.class, length);
    }

    public long[] allocateLongLocalArray(int length) {
        return (long[]) local(long.class, length);
    }

    public double[] allocateDoubleLocalArray(int length) {
        return (double[]) local(double.class, length);
    }

    public short[] allocateShortLocalArray(int length) {
        return (short[]) local(short.class, length);
    }

    public byte[] allocateByteLocalArray(int length) {
        return (byte[]) local(byte.class, length);
    }

    /** Atomically adds {@code value} to {@code array[index]}; returns the previous value. */
    public int atomicAdd(IntArray array, int index, int value) {
        return array.atomicGetAndAdd(index, value);
    }

    public long atomicAdd(LongArray array, int index, long value) {
        return array.atomicGetAndAdd(index, value);
    }

    public float atomicAdd(FloatArray array, int index, float value) {
        return array.atomicGetAndAdd(index, value);
    }

    /** Atomic add on a local array (from {@link #allocateIntLocalArray(int)}); returns the previous value. */
    public int atomicAdd(int[] localArray, int index, int value) {
        // Work-items of one group may run on several threads; local arrays are plain Java arrays.
        synchronized (localArray) {
            int old = localArray[index];
            localArray[index] = old + value;
            return old;
        }
    }

    /** Atomically stores {@code max(array[index], value)}; returns the previous value. */
    public int atomicMax(IntArray array, int index, int value) {
        return array.atomicGetAndMax(index, value);
    }

    /** Atomically stores {@code min(array[index], value)}; returns the previous value. */
    public int atomicMin(IntArray array, int index, int value) {
        return array.atomicGetAndMin(index, value);
    }

    private Object local(Class<?> type, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("local array length must be positive, got " + length);
        }
        return runtime("allocate" + type.getSimpleName() + "LocalArray(" + length + ")")
                .localArray(this, localAllocations++, type, length);
    }

    private WorkGroupRuntime runtime(String what) {
        if (group == null) {
            throw new IllegalStateException("KernelContext." + what + " was called outside a kernel launch;"
                    + " run the kernel through a TaskGraph with a WorkerGrid");
        }
        return group;
    }
}
