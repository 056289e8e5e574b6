package dev.squall.jit.ir;

/** Where a pointer points: OpenCL's address spaces, which CUDA calls global and shared. */
public enum AddressSpace {
    /** Device memory: kernel arguments. */
    GLOBAL("global"),
    /** Work-group memory: {@code KernelContext.allocate*LocalArray}. */
    LOCAL("local"),
    /** Not yet known: a phi of pointers before address-space inference. */
    UNRESOLVED("?");

    private final String text;

    AddressSpace(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
