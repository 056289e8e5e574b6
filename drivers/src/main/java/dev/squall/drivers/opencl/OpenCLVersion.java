package dev.squall.drivers.opencl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenCL version as reported in version strings: {@code "OpenCL 3.0 PoCL ..."} for platforms and
 * devices, {@code "OpenCL C 1.2 ..."} for the kernel language.
 *
 * @param major the major version
 * @param minor the minor version
 */
public record OpenCLVersion(int major, int minor) implements Comparable<OpenCLVersion> {

    public static final OpenCLVersion V1_2 = new OpenCLVersion(1, 2);
    public static final OpenCLVersion V2_0 = new OpenCLVersion(2, 0);

    private static final Pattern VERSION = Pattern.compile("^OpenCL (?:C )?(\\d+)\\.(\\d+)");

    public OpenCLVersion {
        if (major < 1 || minor < 0) {
            throw new IllegalArgumentException("not an OpenCL version: " + major + "." + minor);
        }
    }

    /**
     * Parses the version at the start of a CL_*_VERSION string.
     *
     * @throws IllegalArgumentException naming the string when it does not start with
     *                                  {@code "OpenCL <major>.<minor>"} or {@code "OpenCL C <major>.<minor>"}
     */
    public static OpenCLVersion parse(String versionString) {
        Matcher m = VERSION.matcher(versionString.strip());
        if (!m.find()) {
            throw new IllegalArgumentException("not an OpenCL version string: '" + versionString + "'");
        }
        return new OpenCLVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean atLeast(OpenCLVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(OpenCLVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
