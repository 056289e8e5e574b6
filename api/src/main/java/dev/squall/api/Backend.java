package dev.squall.api;

/** The families of device Squall can run kernels on. */
public enum Backend {
    /** The JVM itself: the reference every other backend is checked against. */
    JAVA("java"),
    /** Any OpenCL 1.2+ platform (NVIDIA, PoCL on CPUs, ...), through OpenCL C. */
    OPENCL("opencl"),
    /** NVIDIA GPUs through the CUDA driver API and PTX. */
    CUDA("cuda");

    private final String prefix;

    Backend(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix of this backend's device ids ({@code "opencl"} in {@code "opencl:0:1"}). */
    public String prefix() {
        return prefix;
    }
}
