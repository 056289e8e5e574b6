package dev.squall.drivers.cuda;

/**
 * A device's compute capability, such as 9.0 for the H100.
 *
 * @param major {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}
 * @param minor {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}
 */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {

    public ComputeCapability {
        if (major < 1 || minor < 0 || minor > 9) {
            throw new IllegalArgumentException("compute capability " + major + "." + minor + " is not one");
        }
    }

    /** The PTX and SASS target of this capability: {@code "sm_90"} for 9.0. */
    public String smTarget() {
        return "sm_" + major + minor;
    }

    /** Whether this is at least {@code major.minor}. */
    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    @Override
    public int compareTo(ComputeCapability other) {
        return this.major != other.major ? Integer.compare(this.major, other.major)
                : Integer.compare(this.minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
