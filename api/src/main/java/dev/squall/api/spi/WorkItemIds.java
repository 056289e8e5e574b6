package dev.squall.api.spi;

/**
 * The coordinates of one work-item, as a device hands them to
 * {@link dev.squall.api.KernelContext#forWorkItem(WorkItemIds, WorkGroupRuntime)}.
 *
 * @param global    global id per dimension (x, y, z)
 * @param local     id within the work-group per dimension
 * @param group     work-group id per dimension
 * @param globalSize global work size per dimension
 * @param localSize  work-group size per dimension
 */
public record WorkItemIds(int[] global, int[] local, int[] group, int[] globalSize, int[] localSize) {
    public WorkItemIds {
        for (int[] a : new int[][] {global, local, group, globalSize, localSize}) {
            if (a.length != 3) {
                throw new IllegalArgumentException("work-item coordinates need 3 dimensions, got " + a.length);
            }
        }
    }

    /** Linear index of the work-item inside its group, x fastest. */
    public int localLinearId() {
        return local[0] + localSize[0] * (local[1] + localSize[1] * local[2]);
    }
}
