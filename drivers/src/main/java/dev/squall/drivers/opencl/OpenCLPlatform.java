package dev.squall.drivers.opencl;

import java.util.List;
import java.util.Set;

/**
 * One OpenCL platform (an installed driver, such as PoCL or NVIDIA's), as discovery saw it.
 *
 * @param index      position in {@code clGetPlatformIDs}; the P of device ids {@code opencl:P:D}
 * @param name       CL_PLATFORM_NAME, such as {@code "NVIDIA CUDA"}
 * @param vendor     CL_PLATFORM_VENDOR
 * @param version    CL_PLATFORM_VERSION, the full string
 * @param profile    CL_PLATFORM_PROFILE: {@code FULL_PROFILE} or {@code EMBEDDED_PROFILE}
 * @param extensions CL_PLATFORM_EXTENSIONS
 */
public record OpenCLPlatform(int index, String name, String vendor, String version, String profile,
        Set<String> extensions) {

    public OpenCLPlatform {
        extensions = Set.copyOf(extensions);
    }

    /** The version at the start of {@link #version()}. */
    public OpenCLVersion openclVersion() {
        return OpenCLVersion.parse(version);
    }

    static Set<String> splitExtensions(String list) {
        return Set.copyOf(List.of(list.strip().isEmpty() ? new String[0] : list.strip().split("\\s+")));
    }
}
