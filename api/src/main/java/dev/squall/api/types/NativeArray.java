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
public abstract sealed class NativeArray permits FloatArray, DoubleArray, IntArray, LongArray, ShortArray, ByteArray,
        HalfFloatArray, BFloat16Array, Q8_0Array, Q4_0Array {

    private static final Cleaner CLEANER = Cleaner.create();
    /** Cache-line alignment lets CPUs and DMA engines use wide accesses. */
    static final long ALIGNMENT = 64;

    MemorySegment segment;
    int size;
    private final Storage storage;
    private Cleaner.Cleanable owner;
    private boolean freed;
    // the host memory was released and the data lives only in a device copy; size is 0 so accessors fail fast
    private boolean hostReleased;
    private int releasedSize;
    private int version;

    /**
     * How elements map to bytes: plain arrays have a fixed element size; block-quantized arrays
     * store {@code blockElements} elements in {@code blockBytes} bytes.
     *
     * @param blockElements elements per block (1 for plain arrays)
     * @param blockBytes    bytes per block
     * @param alignment     required address alignment in bytes
     */
    record Storage(int blockElements, long blockBytes, long alignment) {
        static Storage of(ValueLayout layout) {
            return new Storage(1, layout.byteSize(), layout.byteAlignment());
        }

        long bytesFor(long elements) {
            return elements / blockElements * blockBytes;
        }
    }

    NativeArray(int size, Storage storage) {
        this.storage = storage;
        checkSize(size);
        allocate(size);
    }

    NativeArray(MemorySegment view, Storage storage) {
        this.storage = storage;
        long bytes = storage.blockBytes();
        String unit = storage.blockElements() == 1 ? bytes + "-byte elements" : bytes + "-byte blocks";
        if (view.byteSize() % bytes != 0) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment of " + view.byteSize()
                    + " bytes is not a whole number of " + unit);
        }
        long elements = view.byteSize() / bytes * storage.blockElements();
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment of " + view.byteSize()
                    + " bytes holds more than " + Integer.MAX_VALUE + " elements");
        }
        if (view.maxByteAlignment() < storage.alignment()) {
            throw new IllegalArgumentException(kind() + ".fromSegment: segment at address 0x"
                    + Long.toHexString(view.address()) + " is not aligned to " + storage.alignment() + " bytes");
        }
        this.segment = view;
        this.size = (int) elements;
    }

    private void checkSize(int newSize) {
        if (newSize < 0) {
            throw new IllegalArgumentException(kind() + " size must not be negative, got " + newSize);
        }
        if (newSize % storage.blockElements() != 0) {
            throw new IllegalArgumentException(kind() + " size must be a multiple of its block of "
                    + storage.blockElements() + " elements, got " + newSize);
        }
    }

    private void allocate(int newSize) {
        Arena arena = Arena.ofShared();
        long bytes = storage.bytesFor(newSize);
        MemorySegment fresh = arena.allocate(Math.max(1, bytes), ALIGNMENT).asSlice(0, bytes);
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

    /** Number of elements (also after {@link #releaseHostMemory()}, which keeps the size for the device copy). */
    public final int getSize() {
        return hostReleased ? releasedSize : size;
    }

    /** Bytes of storage (elements, or blocks with their scales). */
    public final long byteSize() {
        return storage.bytesFor(getSize());
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
        hostReleased = false;
        version++;
        dropHostMemory();
    }

    public final boolean isFreed() {
        return freed;
    }

    /**
     * Frees the host memory but keeps the array's size, for an array whose data from now on lives only in an
     * execution plan's device copy: call it through {@code ExecutionPlan.releaseHostCopies}, which checks that the
     * plan holds that copy and will not copy the array again. Later host accesses throw
     * {@link IllegalStateException} saying so; {@link #free()} still works. A {@code fromSegment} view is only
     * detached (its memory is the caller's).
     */
    public final void releaseHostMemory() {
        checkLive();
        hostReleased = true;
        releasedSize = size;
        dropHostMemory();
    }

    /** Size 0 and no segment, the owned memory given back (a {@code fromSegment} view's memory is the caller's). */
    private void dropHostMemory() {
        size = 0;
        if (owner != null) {
            owner.clean();
            owner = null;
        }
        segment = MemorySegment.NULL;
    }

    /** Whether {@link #releaseHostMemory()} released the host memory (and the array was not freed since). */
    public final boolean isHostReleased() {
        return hostReleased;
    }

    /**
     * Changes the number of elements, keeping the common prefix and zeroing the rest. The old
     * {@link #segment()} becomes invalid; execution plans that used the array refuse to run again.
     */
    public final void resize(int newSize) {
        checkLive();
        checkSize(newSize);
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
        if (hostReleased) {
            throw released();
        }
    }

    /** Cold path of every bounds check, so the hot path stays one unsigned comparison. */
    final RuntimeException outOfBounds(long index) {
        if (freed) {
            return new IllegalStateException(kind() + " was freed");
        }
        if (hostReleased) {
            return released();
        }
        return new ArrayIndexOutOfBoundsException(kind() + " index " + index + " out of bounds for length " + size);
    }

    private IllegalStateException released() {
        return new IllegalStateException(kind() + " of " + releasedSize + " elements keeps its data only on a device:"
                + " its host memory was released (ExecutionPlan.releaseHostCopies)");
    }

    final String kind() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return kind() + "[" + (freed ? "freed" : hostReleased ? releasedSize + ", on the device only" : size) + "]";
    }
}
