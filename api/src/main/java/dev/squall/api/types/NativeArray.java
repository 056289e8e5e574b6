package dev.squall.api.types;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;

/**
 * An off-heap array with no header: the elements start at byte 0 of {@link #segment()}, so a
 * memory-mapped tensor or a device staging buffer can be an array without a copy.
 *
 * <p>Arrays made by Squall own their memory (one shared {@link Arena} each), freed by
 * {@link #free()} or, failing that, when the array becomes unreachable. Arrays made by
 * {@code fromSegment} only view the caller's memory and never free it.
 *
 * <p>Accessors check bounds; elements use the platform's byte order and natural alignment.
 */
public abstract sealed class NativeArray
        permits FloatArray, DoubleArray, IntArray, LongArray, ShortArray, ByteArray, HalfFloatArray {

    private static final Cleaner CLEANER = Cleaner.create();
    /** Cache-line alignment lets CPUs and DMA engines use wide accesses. */
    static final long ALIGNMENT = 64;

    MemorySegment segment;
    int size;
    private final ValueLayout elementLayout;
    private Cleaner.Cleanable owner;
    private boolean freed;
    private int version;

    NativeArray(int size, ValueLayout elementLayout) {
        if (size < 0) {
            throw new IllegalArgumentException(kind() + " size must not be negative, got " + size);
        }
        this.elementLayout = elementLayout;
        allocate(size);
    }

    NativeArray(MemorySegment view, ValueLayout elementLayout) {
        this.elementLayout = elementLayout;
        long bytes = elementLayout.byteSize();
        if (view.byteSize() % bytes != 0) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment of " + view.byteSize()
                    + " bytes is not a whole number of " + bytes + "-byte elements");
        }
        if (view.byteSize() / bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment of " + view.byteSize()
                    + " bytes holds more than " + Integer.MAX_VALUE + " elements");
        }
        if (view.maxByteAlignment() < elementLayout.byteAlignment()) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment at address 0x"
                    + Long.toHexString(view.address()) + " is not aligned to " + elementLayout.byteAlignment()
                    + " bytes");
        }
        this.segment = view;
        this.size = (int) (view.byteSize() / bytes);
    }

    private void allocate(int newSize) {
        Arena arena = Arena.ofShared();
        MemorySegment fresh = arena.allocate(Math.max(1, newSize * elementLayout.byteSize()), ALIGNMENT)
                .asSlice(0, newSize * elementLayout.byteSize());
        if (segment != null) {
            long keep = Math.min(segment.byteSize(), fresh.byteSize());
            MemorySegment.copy(segment, 0, fresh, 0, keep);
        }
        Cleaner.Cleanable previous = owner;
        this.owner = CLEANER.register(this, new ArenaCloser(arena));
        this.segment = fresh;
        this.size = newSize;
        if (previous != null) {
            previous.clean();
        }
    }

    /** Closes an arena once; must not refer to the array, or the array could never be collected. */
    private record ArenaCloser(Arena arena) implements Runnable {
        @Override
        public void run() {
            arena.close();
        }
    }

    /** Number of elements. */
    public final int getSize() {
        return size;
    }

    /** Bytes per element. */
    public final long elementBytes() {
        return elementLayout.byteSize();
    }

    /** Total bytes of the elements ({@code getSize() * elementBytes()}). */
    public final long byteSize() {
        return (long) size * elementLayout.byteSize();
    }

    /** The elements' memory, with no header. Valid until {@link #free()} or {@link #resize(int)}. */
    public final MemorySegment segment() {
        checkLive();
        return segment;
    }

    /** Sets every byte to zero. */
    public final void clear() {
        checkLive();
        segment.fill((byte) 0);
    }

    /** True for arrays whose memory Squall allocated (not {@code fromSegment} views). */
    public final boolean ownsMemory() {
        return owner != null;
    }

    /**
     * Releases the memory now. Later accesses throw {@link IllegalStateException}; an execution plan
     * that used the array refuses to run again. A {@code fromSegment} view is only detached.
     */
    public final void free() {
        if (freed) {
            return;
        }
        freed = true;
        version++;
        size = 0;
        if (owner != null) {
            owner.clean();
            owner = null;
        }
        segment = MemorySegment.NULL;
    }

    public final boolean isFreed() {
        return freed;
    }

    /**
     * Changes the number of elements, keeping the common prefix and zeroing the rest. The old
     * {@link #segment()} becomes invalid; execution plans that used the array refuse to run again.
     */
    public final void resize(int newSize) {
        checkLive();
        if (newSize < 0) {
            throw new IllegalArgumentException(kind() + " size must not be negative, got " + newSize);
        }
        if (owner == null) {
            throw new UnsupportedOperationException(kind() + " wraps a caller's MemorySegment and cannot be resized");
        }
        allocate(newSize);
        version++;
    }

    /** Increases on every {@link #free()} and {@link #resize(int)}; plans use it to detect both. */
    public final int version() {
        return version;
    }

    final void checkLive() {
        if (freed) {
            throw new IllegalStateException(kind() + " was freed");
        }
    }

    /** Cold path of every bounds check, so the hot path stays one unsigned comparison. */
    final RuntimeException outOfBounds(long index) {
        if (freed) {
            return new IllegalStateException(kind() + " was freed");
        }
        return new ArrayIndexOutOfBoundsException(kind() + " index " + index + " out of bounds for length " + size);
    }

    final String kind() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return kind() + "[" + (freed ? "freed" : size) + "]";
    }
}
