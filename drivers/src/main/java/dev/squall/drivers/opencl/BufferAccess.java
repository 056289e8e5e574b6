package dev.squall.drivers.opencl;

/** How kernels may use a buffer (CL_MEM_READ_WRITE, CL_MEM_READ_ONLY, CL_MEM_WRITE_ONLY); the host may always copy. */
public enum BufferAccess {
    READ_WRITE(CL.MEM_READ_WRITE),
    READ_ONLY(CL.MEM_READ_ONLY),
    WRITE_ONLY(CL.MEM_WRITE_ONLY);

    private final long flags;

    BufferAccess(long flags) {
        this.flags = flags;
    }

    long flags() {
        return flags;
    }
}
