package dev.squall.drivers.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel of a built {@link OpenCLProgram}, with its arguments. Arguments are set by index and
 * keep their values across launches; each setter names the OpenCL C type it matches, so a size
 * mismatch is impossible to write by accident ({@code setLong} is {@code long}, 8 bytes). Launch
 * with {@link OpenCLContext#launch(OpenCLKernel, long[], long[])}.
 *
 * <p>Not thread-safe: set arguments and launch from one thread at a time.
 */
public final class OpenCLKernel extends ClResource {

    private final String name;
    private final int argumentCount;
    /** The buffer set at each index, checked to be still open at launch. */
    private final OpenCLBuffer[] buffers;

    OpenCLKernel(OpenCLContext context, MemorySegment handle, String name, int argumentCount) {
        super(context, handle);
        this.name = name;
        this.argumentCount = argumentCount;
        this.buffers = new OpenCLBuffer[argumentCount];
    }

    public String name() {
        return name;
    }

    /** CL_KERNEL_NUM_ARGS. */
    public int argumentCount() {
        return argumentCount;
    }

    /** A {@code __global T*} or {@code __constant T*} argument. */
    public OpenCLKernel setBuffer(int index, OpenCLBuffer buffer) {
        checkIndex(index);
        if (buffer.context != context) {
            throw new IllegalArgumentException("kernel " + name + " argument " + index + ": " + buffer.describe()
                    + " belongs to another context");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ADDRESS);
            value.set(ADDRESS, 0, buffer.handle());
            set(index, ADDRESS.byteSize(), value, "buffer");
        }
        buffers[index] = buffer;
        return this;
    }

    /** A {@code char} or {@code uchar} argument. */
    public OpenCLKernel setByte(int index, byte value) {
        return setScalar(index, JAVA_BYTE, "char", s -> s.set(JAVA_BYTE, 0, value));
    }

    /** A {@code short}, {@code ushort} or {@code half} (raw bits) argument. */
    public OpenCLKernel setShort(int index, short value) {
        return setScalar(index, JAVA_SHORT, "short", s -> s.set(JAVA_SHORT, 0, value));
    }

    /** An {@code int} or {@code uint} argument. */
    public OpenCLKernel setInt(int index, int value) {
        return setScalar(index, JAVA_INT, "int", s -> s.set(JAVA_INT, 0, value));
    }

    /** A {@code long} or {@code ulong} argument. */
    public OpenCLKernel setLong(int index, long value) {
        return setScalar(index, JAVA_LONG, "long", s -> s.set(JAVA_LONG, 0, value));
    }

    /** A {@code float} argument. */
    public OpenCLKernel setFloat(int index, float value) {
        return setScalar(index, JAVA_FLOAT, "float", s -> s.set(JAVA_FLOAT, 0, value));
    }

    /** A {@code double} argument (the device needs cl_khr_fp64). */
    public OpenCLKernel setDouble(int index, double value) {
        return setScalar(index, JAVA_DOUBLE, "double", s -> s.set(JAVA_DOUBLE, 0, value));
    }

    /** A {@code __local T*} argument: {@code bytes} of local memory per work-group. */
    public OpenCLKernel setLocal(int index, long bytes) {
        checkIndex(index);
        if (bytes <= 0) {
            throw new IllegalArgumentException("kernel " + name + " argument " + index
                    + ": local memory size must be positive, got " + bytes);
        }
        set(index, bytes, MemorySegment.NULL, bytes + " bytes of local memory");
        buffers[index] = null;
        return this;
    }

    private interface Writer {
        void write(MemorySegment value);
    }

    private OpenCLKernel setScalar(int index, ValueLayout layout, String type, Writer writer) {
        checkIndex(index);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(layout);
            writer.write(value);
            set(index, layout.byteSize(), value, type);
        }
        buffers[index] = null;
        return this;
    }

    private void set(int index, long size, MemorySegment value, String what) {
        OpenCLErrors.check(context.library().setKernelArg(handle(), index, size, value), "clSetKernelArg",
                "kernel " + name + " argument " + index + " (" + what + ", " + size + " bytes)");
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= argumentCount) {
            throw new IndexOutOfBoundsException("kernel " + name + " has " + argumentCount
                    + " arguments; no index " + index);
        }
    }

    /** Refuses a launch whose buffer arguments were closed since they were set. */
    void checkArguments() {
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null && buffers[i].isClosed()) {
                throw new IllegalStateException("kernel " + name + " argument " + i + " is "
                        + buffers[i].describe() + ", which was closed; set a live buffer first");
            }
        }
    }

    /** What the driver says about this kernel on the context's device. */
    public KernelWorkGroupInfo workGroupInfo() {
        OpenCLLibrary cl = context.library();
        MemorySegment device = context.device().handle();
        MemorySegment kernel = handle();
        String api = "clGetKernelWorkGroupInfo";
        List<Long> compileSize = new ArrayList<>();
        for (long s : OpenCLLibrary.queryLongs(api, CL.KERNEL_COMPILE_WORK_GROUP_SIZE,
                cl.kernelWorkGroupInfo(kernel, device, CL.KERNEL_COMPILE_WORK_GROUP_SIZE))) {
            compileSize.add(s);
        }
        return new KernelWorkGroupInfo(
                OpenCLLibrary.queryLong(api, CL.KERNEL_WORK_GROUP_SIZE,
                        cl.kernelWorkGroupInfo(kernel, device, CL.KERNEL_WORK_GROUP_SIZE)),
                OpenCLLibrary.queryLong(api, CL.KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                        cl.kernelWorkGroupInfo(kernel, device, CL.KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE)),
                OpenCLLibrary.queryLong(api, CL.KERNEL_LOCAL_MEM_SIZE,
                        cl.kernelWorkGroupInfo(kernel, device, CL.KERNEL_LOCAL_MEM_SIZE)),
                OpenCLLibrary.queryLong(api, CL.KERNEL_PRIVATE_MEM_SIZE,
                        cl.kernelWorkGroupInfo(kernel, device, CL.KERNEL_PRIVATE_MEM_SIZE)),
                compileSize);
    }

    @Override
    int release(OpenCLLibrary cl, MemorySegment handle) {
        return cl.releaseKernel(handle);
    }

    @Override
    String releaseCall() {
        return "clReleaseKernel";
    }

    @Override
    int releaseOrder() {
        return 1;
    }

    @Override
    String describe() {
        return "OpenCLKernel " + name + " on " + context.device().id();
    }
}
