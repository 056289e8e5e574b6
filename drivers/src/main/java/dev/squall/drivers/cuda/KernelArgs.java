package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The parameters of one kernel launch, as {@code cuLaunchKernel} takes them: an array of pointers,
 * the i-th pointing at the i-th argument's value. Values live in an 8-byte slot each (every
 * argument type is at most 8 bytes and 8-byte aligned there), in memory of the {@link Arena} given
 * to {@link #in(Arena)}; the arena must outlive the launch call (the driver copies the values
 * during it, so reusing or closing the arena afterwards is safe, also for a captured graph).
 *
 * <p>Add arguments in the kernel's parameter order, each with the method of its PTX type:
 * {@code .u64} pointer: {@link #pointer}; {@code .s32/.u32}: {@link #i32}; {@code .s64/.u64}:
 * {@link #i64}; {@code .f32}: {@link #f32}; {@code .f64}: {@link #f64}; {@code .s16/.u16/.b16}:
 * {@link #i16}; {@code .s8/.u8}: {@link #i8}. The {@code set*} methods change a value in place for
 * the next launch. Not thread-safe.
 */
public final class KernelArgs {

    /** Bytes of each value's slot. */
    static final int SLOT_BYTES = 8;

    /** The kind of one argument, with its size in bytes. */
    public enum Kind {
        POINTER(8), BYTE(1), SHORT(2), INT(4), LONG(8), FLOAT(4), DOUBLE(8);

        private final int bytes;

        Kind(int bytes) {
            this.bytes = bytes;
        }

        /** Size of the value in bytes. */
        public int bytes() {
            return bytes;
        }
    }

    private final Arena arena;
    private final List<Kind> kinds = new ArrayList<>();
    private final List<Long> bits = new ArrayList<>();
    /** The buffer passed at each index, checked to be open at launch; null for other kinds. */
    private final List<CudaBuffer> buffers = new ArrayList<>();
    private MemorySegment values;
    private MemorySegment pointers;

    private KernelArgs(Arena arena) {
        this.arena = Objects.requireNonNull(arena, "arena");
    }

    /** Empty arguments whose native memory comes from {@code arena}. */
    public static KernelArgs in(Arena arena) {
        return new KernelArgs(arena);
    }

    // ---- appending -----------------------------------------------------------------------------

    /** A device pointer: the buffer's address. */
    public KernelArgs pointer(CudaBuffer buffer) {
        return add(Kind.POINTER, buffer.address(), buffer);
    }

    /** A device pointer given as an address (a buffer plus an offset, say). */
    public KernelArgs pointer(long address) {
        return add(Kind.POINTER, address, null);
    }

    public KernelArgs i8(byte value) {
        return add(Kind.BYTE, value & 0xffL, null);
    }

    public KernelArgs i16(short value) {
        return add(Kind.SHORT, value & 0xffffL, null);
    }

    public KernelArgs i32(int value) {
        return add(Kind.INT, value & 0xffff_ffffL, null);
    }

    public KernelArgs i64(long value) {
        return add(Kind.LONG, value, null);
    }

    public KernelArgs f32(float value) {
        return add(Kind.FLOAT, Float.floatToRawIntBits(value) & 0xffff_ffffL, null);
    }

    public KernelArgs f64(double value) {
        return add(Kind.DOUBLE, Double.doubleToRawLongBits(value), null);
    }

    private KernelArgs add(Kind kind, long value, CudaBuffer buffer) {
        kinds.add(kind);
        bits.add(value);
        buffers.add(buffer);
        values = null;
        pointers = null;
        return this;
    }

    // ---- changing ------------------------------------------------------------------------------

    public KernelArgs setPointer(int index, CudaBuffer buffer) {
        return set(index, Kind.POINTER, buffer.address(), buffer);
    }

    public KernelArgs setPointer(int index, long address) {
        return set(index, Kind.POINTER, address, null);
    }

    public KernelArgs setI8(int index, byte value) {
        return set(index, Kind.BYTE, value & 0xffL, null);
    }

    public KernelArgs setI16(int index, short value) {
        return set(index, Kind.SHORT, value & 0xffffL, null);
    }

    public KernelArgs setI32(int index, int value) {
        return set(index, Kind.INT, value & 0xffff_ffffL, null);
    }

    public KernelArgs setI64(int index, long value) {
        return set(index, Kind.LONG, value, null);
    }

    public KernelArgs setF32(int index, float value) {
        return set(index, Kind.FLOAT, Float.floatToRawIntBits(value) & 0xffff_ffffL, null);
    }

    public KernelArgs setF64(int index, double value) {
        return set(index, Kind.DOUBLE, Double.doubleToRawLongBits(value), null);
    }

    private KernelArgs set(int index, Kind kind, long value, CudaBuffer buffer) {
        Objects.checkIndex(index, kinds.size());
        if (kinds.get(index) != kind) {
            throw new IllegalArgumentException("kernel argument " + index + " is a " + kinds.get(index)
                    + ", not a " + kind);
        }
        bits.set(index, value);
        buffers.set(index, buffer);
        if (values != null) {
            write(index);
        }
        return this;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Number of arguments. */
    public int count() {
        return kinds.size();
    }

    /** The kind of argument {@code index}. */
    public Kind kind(int index) {
        return kinds.get(index);
    }

    /**
     * The {@code void**} for {@code cuLaunchKernel}: {@link #count()} pointers, the i-th to the i-th
     * value. Made in the arena on first use after arguments were added; {@code set*} then update it
     * in place.
     */
    public MemorySegment pointerArray() {
        if (pointers == null) {
            int n = kinds.size();
            values = arena.allocate((long) Math.max(n, 1) * SLOT_BYTES, SLOT_BYTES);
            pointers = arena.allocate(ADDRESS, Math.max(n, 1));
            for (int i = 0; i < n; i++) {
                pointers.setAtIndex(ADDRESS, i, values.asSlice((long) i * SLOT_BYTES, SLOT_BYTES));
                write(i);
            }
        }
        return pointers;
    }

    private void write(int index) {
        long offset = (long) index * SLOT_BYTES;
        long v = bits.get(index);
        values.set(JAVA_LONG, offset, 0L);
        switch (kinds.get(index)) {
            case BYTE -> values.set(JAVA_BYTE, offset, (byte) v);
            case SHORT -> values.set(JAVA_SHORT, offset, (short) v);
            case INT -> values.set(JAVA_INT, offset, (int) v);
            case FLOAT -> values.set(JAVA_FLOAT, offset, Float.intBitsToFloat((int) v));
            case DOUBLE -> values.set(JAVA_DOUBLE, offset, Double.longBitsToDouble(v));
            case LONG, POINTER -> values.set(JAVA_LONG, offset, v);
        }
    }

    /** Refuses a launch whose buffer arguments were closed since they were added. */
    void checkLive(String kernel) {
        for (int i = 0; i < buffers.size(); i++) {
            CudaBuffer b = buffers.get(i);
            if (b != null && b.isClosed()) {
                throw new IllegalStateException("kernel " + kernel + " argument " + i + " is " + b.describe()
                        + ", which was closed; pass a live buffer");
            }
        }
    }

    @Override
    public String toString() {
        return "KernelArgs" + kinds;
    }
}
