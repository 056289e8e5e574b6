package dev.squall.drivers.cuda;

/**
 * A PTX ISA version, the {@code .version} directive of a PTX module, such as 9.0.
 *
 * <p>{@link #forDriver(int)} gives the newest version a driver's JIT compiler accepts, from the
 * release history of the PTX ISA manual ("PTX ISA Version x.y" and the CUDA release that brought it):
 * <pre>
 *   CUDA 11.0 .. 11.8  ->  PTX 7.0 .. 7.8   (minor follows minor)
 *   CUDA 12.0 .. 12.5  ->  PTX 8.0 .. 8.5
 *   CUDA 12.6          ->  PTX 8.5          (12.6 brought no new ISA)
 *   CUDA 12.7          ->  PTX 8.6
 *   CUDA 12.8          ->  PTX 8.7
 *   CUDA 12.9          ->  PTX 8.8
 *   CUDA 13.0          ->  PTX 9.0          (driver branch 580)
 *   CUDA 13.1          ->  PTX 9.1
 * </pre>
 * A driver newer than the table gets the table's newest version: drivers accept every older ISA.
 *
 * @param major major version
 * @param minor minor version
 */
public record PtxIsaVersion(int major, int minor) implements Comparable<PtxIsaVersion> {

    /** {driver version from cuDriverGetVersion (1000 x major + 10 x minor), PTX major, PTX minor}, newest first. */
    private static final int[][] TABLE = {
        {13010, 9, 1},
        {13000, 9, 0},
        {12090, 8, 8},
        {12080, 8, 7},
        {12070, 8, 6},
        {12050, 8, 5},
        {12040, 8, 4},
        {12030, 8, 3},
        {12020, 8, 2},
        {12010, 8, 1},
        {12000, 8, 0},
        {11080, 7, 8},
        {11070, 7, 7},
        {11060, 7, 6},
        {11050, 7, 5},
        {11040, 7, 4},
        {11030, 7, 3},
        {11020, 7, 2},
        {11010, 7, 1},
        {11000, 7, 0},
    };

    public PtxIsaVersion {
        if (major < 1 || minor < 0 || minor > 9) {
            throw new IllegalArgumentException("PTX ISA " + major + "." + minor + " is not a version");
        }
    }

    /**
     * The newest PTX ISA the driver's JIT compiler accepts.
     *
     * @param driverVersion as {@code cuDriverGetVersion} reports it: 13000 for CUDA 13.0
     * @throws IllegalArgumentException for drivers older than CUDA 11.0, which Squall does not support
     */
    public static PtxIsaVersion forDriver(int driverVersion) {
        for (int[] row : TABLE) {
            if (driverVersion >= row[0]) {
                return new PtxIsaVersion(row[1], row[2]);
            }
        }
        throw new IllegalArgumentException("CUDA driver " + CudaDriverVersion.format(driverVersion)
                + " is older than 11.0, the oldest Squall supports");
    }

    /** Parses {@code "8.8"}. */
    public static PtxIsaVersion parse(String text) {
        String[] parts = text.strip().split("\\.");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a PTX ISA version is MAJOR.MINOR, got '" + text + "'");
        }
        try {
            return new PtxIsaVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a PTX ISA version is MAJOR.MINOR, got '" + text + "'", e);
        }
    }

    @Override
    public int compareTo(PtxIsaVersion other) {
        return this.major != other.major ? Integer.compare(this.major, other.major)
                : Integer.compare(this.minor, other.minor);
    }

    /** {@code "9.0"}, as the {@code .version} directive writes it. */
    @Override
    public String toString() {
        return major + "." + minor;
    }
}
