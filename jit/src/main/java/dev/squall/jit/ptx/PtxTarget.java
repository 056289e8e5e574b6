package dev.squall.jit.ptx;

/**
 * What PTX to generate for: the GPU architecture ({@code sm_90}) and the PTX ISA version the
 * driver accepts.
 *
 * @param sm         compute capability as a number, e.g. 80 for sm_80, 90 for sm_90
 * @param isaVersion PTX ISA version, e.g. "8.0"
 */
public record PtxTarget(int sm, String isaVersion) {

    public static final PtxTarget SM_80 = new PtxTarget(80, "8.0");
    public static final PtxTarget SM_90 = new PtxTarget(90, "8.0");

    /** The target for a device of compute capability major.minor. */
    public static PtxTarget forComputeCapability(int major, int minor) {
        return new PtxTarget(major * 10 + minor, "8.0");
    }

    /**
     * Whether kernels wait for the previous grid at entry ({@code griddepcontrol.wait}, sm_90 and newer), so
     * that they may be launched to overlap the kernel before them (programmatic dependent launch). Where a
     * kernel was launched normally the wait returns at once.
     */
    public boolean waitsForPreviousGrid() {
        return sm >= 90;
    }

    public String targetName() {
        return "sm_" + sm;
    }
}
