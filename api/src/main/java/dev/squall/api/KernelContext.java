package dev.squall.api;

import dev.squall.api.spi.CopyGroups;
import dev.squall.api.spi.MmaSemantics;
import dev.squall.api.spi.WorkGroupRuntime;
import dev.squall.api.spi.WorkItemIds;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;

/**
 * The first parameter of an SPMD kernel: who this work-item is, and what it shares with its
 * work-group. Pass {@code new KernelContext()} as the task argument; each device gives every
 * work-item its own view with the ids filled in.
 *
 * <p>Ids and sizes follow OpenCL: {@code globalIdx = groupIdx * localGroupSizeX + localIdx};
 * {@code globalGroupSizeX} is the global work size in x (not the number of groups).
 */
public final class KernelContext {

    public final int globalIdx;
    public final int globalIdy;
    public final int globalIdz;
    public final int localIdx;
    public final int localIdy;
    public final int localIdz;
    public final int groupIdx;
    public final int groupIdy;
    public final int groupIdz;
    public final int globalGroupSizeX;
    public final int globalGroupSizeY;
    public final int globalGroupSizeZ;
    public final int localGroupSizeX;
    public final int localGroupSizeY;
    public final int localGroupSizeZ;

    /** Work-items per warp for the warp-wide operations ({@link #mma16x8x16}): consecutive local linear ids. */
    public static final int WARP_SIZE = 32;
    /**
     * The largest work-group a kernel that uses warp-wide operations may run in unless its
     * {@link LaunchBounds} says otherwise ({@link #warpGroupLimit}): backends without warps exchange
     * the operands through local memory sized for the limit.
     */
    public static final int MAX_WARP_GROUP_SIZE = 256;

    /**
     * The largest work-group of a kernel with warp-wide operations: its {@code @LaunchBounds}
     * {@code maxGroupSize} when it declares one (up to 1024), else {@link #MAX_WARP_GROUP_SIZE}.
     */
    public static int warpGroupLimit(LaunchBounds bounds) {
        return warpGroupLimit(bounds != null ? bounds.maxGroupSize() : 0);
    }

    /** {@link #warpGroupLimit(LaunchBounds)} from the declared {@code maxGroupSize}, 0 when there is none. */
    public static int warpGroupLimit(int declaredMaxGroupSize) {
        return declaredMaxGroupSize > 0 ? declaredMaxGroupSize : MAX_WARP_GROUP_SIZE;
    }

    /** Whether a work-group of {@code items} work-items may run warp-wide operations under {@code limit}. */
    public static boolean fitsWarpGroup(int items, int limit) {
        return items % WARP_SIZE == 0 && items <= limit;
    }

    /** What a work-group needs under {@code limit}, in words, for the messages of every backend. */
    public static String warpGroupNeed(int limit) {
        return "a multiple of " + WARP_SIZE + " and at most " + limit + " work-items (the kernel's @LaunchBounds"
                + " maxGroupSize, else " + MAX_WARP_GROUP_SIZE + ")";
    }

    private final WorkGroupRuntime group;
    private final int localLinearId;
    // Counts this work-item's local allocations, so the n-th call of every work-item maps to one shared array.
    private int localAllocations;
    // Counts this work-item's warp-wide operations: their exchange alternates between two halves.
    private int warpOperations;
    // This work-item's asynchronous copies, landing only when waited for.
    private final CopyGroups copies = new CopyGroups();

    /** The context a task graph receives as an argument; devices replace it per work-item. */
    public KernelContext() {
        this(new WorkItemIds(new int[3], new int[3], new int[3], new int[] {1, 1, 1}, new int[] {1, 1, 1}), null);
    }

    private KernelContext(WorkItemIds ids, WorkGroupRuntime group) {
        this.globalIdx = ids.global()[0];
        this.globalIdy = ids.global()[1];
        this.globalIdz = ids.global()[2];
        this.localIdx = ids.local()[0];
        this.localIdy = ids.local()[1];
        this.localIdz = ids.local()[2];
        this.groupIdx = ids.group()[0];
        this.groupIdy = ids.group()[1];
        this.groupIdz = ids.group()[2];
        this.globalGroupSizeX = ids.globalSize()[0];
        this.globalGroupSizeY = ids.globalSize()[1];
        this.globalGroupSizeZ = ids.globalSize()[2];
        this.localGroupSizeX = ids.localSize()[0];
        this.localGroupSizeY = ids.localSize()[1];
        this.localGroupSizeZ = ids.localSize()[2];
        this.localLinearId = ids.localLinearId();
        this.group = group;
    }

    /** For devices that run work-items on the JVM: the view of one work-item in one group. */
    public static KernelContext forWorkItem(WorkItemIds ids, WorkGroupRuntime group) {
        if (group == null) {
            throw new IllegalArgumentException("a work-item needs its work-group runtime");
        }
        return new KernelContext(ids, group);
    }

    /** Linear index of this work-item inside its group, x fastest. */
    public int localLinearId() {
        return localLinearId;
    }

    /** Waits until every work-item of the group gets here; orders local-memory accesses. */
    public void localBarrier() {
        runtime("localBarrier()").barrier(this, false);
    }

    /** A work-group barrier that also fences global memory (not a grid-wide barrier). */
    public void globalBarrier() {
        runtime("globalBarrier()").barrier(this, true);
    }

    /** Local memory shared by the work-group; {@code length} must be a compile-time constant. */
    public float[] allocateFloatLocalArray(int length) {
        return (float[]) local(float.class, length);
    }

    public int[] allocateIntLocalArray(int length) {
        return (int[]) local(int.class, length);
    }

    public long[] allocateLongLocalArray(int length) {
        return (long[]) local(long.class, length);
    }

    public double[] allocateDoubleLocalArray(int length) {
        return (double[]) local(double.class, length);
    }

    public short[] allocateShortLocalArray(int length) {
        return (short[]) local(short.class, length);
    }

    public byte[] allocateByteLocalArray(int length) {
        return (byte[]) local(byte.class, length);
    }

    /** Atomically adds {@code value} to {@code array[index]}; returns the previous value. */
    public int atomicAdd(IntArray array, int index, int value) {
        return array.atomicGetAndAdd(index, value);
    }

    public long atomicAdd(LongArray array, int index, long value) {
        return array.atomicGetAndAdd(index, value);
    }

    public float atomicAdd(FloatArray array, int index, float value) {
        return array.atomicGetAndAdd(index, value);
    }

    /** Atomic add on a local array (from {@link #allocateIntLocalArray(int)}); returns the previous value. */
    public int atomicAdd(int[] localArray, int index, int value) {
        // Work-items of one group may run on several threads; local arrays are plain Java arrays.
        synchronized (localArray) {
            int old = localArray[index];
            localArray[index] = old + value;
            return old;
        }
    }

    /** Atomically stores {@code max(array[index], value)}; returns the previous value. */
    public int atomicMax(IntArray array, int index, int value) {
        return array.atomicGetAndMax(index, value);
    }

    /** Atomically stores {@code min(array[index], value)}; returns the previous value. */
    public int atomicMin(IntArray array, int index, int value) {
        return array.atomicGetAndMin(index, value);
    }

    /**
     * Warp-wide D = A·B + C on one 16×16 (A, fp16) by 16×8 (B, fp16) tile with fp32 C and D: PTX's
     * {@code mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32}, which runs on tensor cores. The 32
     * work-items of a warp (consecutive local linear ids) each pass their part of A and B and
     * receive their part of D. With {@code group = lane / 4} and {@code pair = 2 · (lane % 4)}, each
     * int holds two binary16 values, the lower-index one in the low 16 bits:
     * <ul>
     *   <li>{@code a0} = A[group][pair, pair+1], {@code a1} = A[group+8][pair, pair+1],
     *       {@code a2} = A[group][pair+8, pair+9], {@code a3} = A[group+8][pair+8, pair+9];</li>
     *   <li>{@code b0} = B[pair, pair+1][group], {@code b1} = B[pair+8, pair+9][group];</li>
     *   <li>C and D as {@link MmaAccumulator}.</li>
     * </ul>
     * The sums are fp32 (the products of binary16 values are exact in fp32). Like a barrier, every
     * work-item of the work-group must make the same calls, and the work-group must have a multiple
     * of {@link #WARP_SIZE} and at most {@link #warpGroupLimit} work-items (256, or the kernel's
     * {@link LaunchBounds#maxGroupSize}). It is <em>not</em> a
     * barrier, though: on a GPU only the warp meets, and nothing orders local memory, so a kernel
     * still needs {@link #localBarrier()} around its own local-memory traffic (the JVM, the IR
     * interpreter and OpenCL devices other than NVIDIA's exchange the operands through local memory
     * between barriers, where a missing barrier may go unnoticed). On CUDA (compute capability 8.0 or
     * newer; older targets are refused when the kernel is compiled) and NVIDIA OpenCL (8.0 or newer,
     * else the local-memory exchange) it is the tensor-core instruction.
     */
    public MmaAccumulator mma16x8x16(int a0, int a1, int a2, int a3, int b0, int b1, MmaAccumulator c) {
        return warpMma("mma16x8x16", false, a0, a1, a2, a3, b0, b1, c);
    }

    /**
     * Warp-wide D = A·B + C on one 16×8 (A) by 8×8 (B) tile of TF32 values with fp32 C and D: PTX's
     * {@code mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32}, on tensor cores. Each operand int is
     * the bit pattern ({@link Float#floatToRawIntBits}) of a TF32 value: a float whose low 13 fraction
     * bits are zero ({@code bits & MmaSemantics.TF32_MASK}); what the tensor cores make of other bits
     * is not defined (the fallback drops them). A kernel that needs more precision splits a float into
     * its TF32 value and the TF32 value of the rest (the rest is exact in fp32). With
     * {@code group = lane / 4} and {@code quad = lane % 4}:
     * <ul>
     *   <li>{@code a0} = A[group][quad], {@code a1} = A[group+8][quad], {@code a2} = A[group][quad+4],
     *       {@code a3} = A[group+8][quad+4];</li>
     *   <li>{@code b0} = B[quad][group], {@code b1} = B[quad+4][group];</li>
     *   <li>C and D as {@link MmaAccumulator} (the layout of {@link #mma16x8x16}).</li>
     * </ul>
     * Products of TF32 values are exact in fp32; the sums are fp32. Everything else (collective, not
     * a barrier, the work-group's size, where it runs on tensor cores) is as for {@link #mma16x8x16}.
     */
    public MmaAccumulator mma16x8x8Tf32(int a0, int a1, int a2, int a3, int b0, int b1, MmaAccumulator c) {
        return warpMma("mma16x8x8Tf32", true, a0, a1, a2, a3, b0, b1, c);
    }

    /**
     * Warp-wide butterfly exchange: the {@code value} that the work-item in lane
     * {@code lane ^ laneMask} of this warp passed (lanes are consecutive local linear ids, 32 to a
     * warp, as for {@link #mma16x8x16}). {@code laneMask} must be 0 … 31; the JVM and the IR
     * interpreter refuse other values, a compile-time constant outside that range is refused when the
     * kernel is compiled, and elsewhere the result is not defined. It is collective like
     * {@link #mma16x8x16}: every work-item of the work-group makes the same calls, and the work-group
     * has a multiple of {@link #WARP_SIZE} and at most {@link #warpGroupLimit} work-items. On CUDA and
     * NVIDIA OpenCL it is one {@code shfl.sync.bfly.b32}, with no local memory and no barrier; the
     * JVM, the IR interpreter and other OpenCL devices exchange through local memory between barriers.
     * So it is <em>not</em> a barrier: on a GPU only the warp meets, and nothing orders local memory
     * between warps; a kernel still needs {@link #localBarrier()} around its own local-memory traffic,
     * which the fallbacks' barriers may hide (a missing one fails only on a GPU).
     */
    public float warpShuffleXor(float value, int laneMask) {
        return Float.intBitsToFloat(warpExchangeXor("warpShuffleXor(float, int)", Float.floatToRawIntBits(value),
                laneMask));
    }

    /** {@link #warpShuffleXor(float, int)} for ints. */
    public int warpShuffleXor(int value, int laneMask) {
        return warpExchangeXor("warpShuffleXor(int, int)", value, laneMask);
    }

    /**
     * The sum of {@code value} over the 32 work-items of this warp, the same bits in every lane: a
     * butterfly over lane masks 16, 8, 4, 2, 1, each step {@code value + warpShuffleXor(value, mask)}
     * (so every backend adds in the same order). Collective as {@link #warpShuffleXor(float, int)}.
     */
    public float warpReduceSum(float value) {
        for (int mask = WARP_SIZE / 2; mask > 0; mask >>= 1) {
            value = value + warpShuffleXor(value, mask);
        }
        return value;
    }

    /** {@link #warpReduceSum} with {@code Math.max} (NaN wins; -0.0 is below +0.0). */
    public float warpReduceMax(float value) {
        for (int mask = WARP_SIZE / 2; mask > 0; mask >>= 1) {
            value = Math.max(value, warpShuffleXor(value, mask));
        }
        return value;
    }

    /** Bytes one {@link #copyAsync} moves: one 16-byte access on every device (and its alignment). */
    public static final int COPY_BYTES = 16;

    /**
     * Starts copying the eight binary16 values {@code global[globalIndex …  globalIndex + 7]} to
     * {@code local[localIndex … localIndex + 7]} (a local array from {@link #allocateShortLocalArray})
     * without waiting for them: the copy belongs to this work-item's next group
     * ({@link #commitCopies()}), and only this work-item may read its target, and only after
     * {@link #waitCopies} has waited for that group (other work-items after a {@link #localBarrier()}
     * that follows the wait). Both indices must be multiples of 8 (16-byte aligned) and the target
     * must not be read or written by anyone until then. On CUDA (compute capability 8.0 or newer) it is
     * {@code cp.async}, so the bytes in flight wait in local memory rather than in registers; OpenCL
     * devices copy at once; the JVM lands the copy only when it is waited for, so a kernel that reads
     * too early sees stale values there too, and the IR interpreter refuses any access to local memory
     * a copy is still filling (a read too early, or a ring refilled too soon).
     */
    public void copyAsync(short[] local, int localIndex, HalfFloatArray global, int globalIndex) {
        checkCopy("copyAsync(short[], int, HalfFloatArray, int)", local.length, localIndex, global.getSize(),
                globalIndex, 8);
        short[] values = new short[8];
        for (int i = 0; i < 8; i++) {
            values[i] = global.getBits(globalIndex + i);
        }
        copies.start(() -> System.arraycopy(values, 0, local, localIndex, 8));
    }

    /** {@link #copyAsync(short[], int, HalfFloatArray, int)} for four floats: indices multiples of 4. */
    public void copyAsync(float[] local, int localIndex, FloatArray global, int globalIndex) {
        checkCopy("copyAsync(float[], int, FloatArray, int)", local.length, localIndex, global.getSize(), globalIndex,
                4);
        float[] values = new float[4];
        for (int i = 0; i < 4; i++) {
            values[i] = global.get(globalIndex + i);
        }
        copies.start(() -> System.arraycopy(values, 0, local, localIndex, 4));
    }

    /**
     * Closes this work-item's copies started since the last commit into one group (possibly empty),
     * the unit {@link #waitCopies} counts. Not collective: each work-item counts its own groups.
     */
    public void commitCopies() {
        copies.commit();
    }

    /**
     * Waits until at most {@code pendingGroups} of this work-item's committed groups (the newest ones)
     * are still in flight: with a pipeline of S stages, {@code waitCopies(S - 1)} waits for the oldest.
     * {@code pendingGroups} must be a compile-time constant (PTX's {@code cp.async.wait_group N}). Copies
     * not yet committed are not waited for.
     */
    public void waitCopies(int pendingGroups) {
        if (pendingGroups < 0) {
            throw new IllegalArgumentException("KernelContext.waitCopies(" + pendingGroups + "): the number of groups"
                    + " left in flight must not be negative");
        }
        copies.waitFor(pendingGroups);
    }

    private static void checkCopy(String what, int localLength, int localIndex, int globalLength, int globalIndex,
                                  int elements) {
        if (localIndex % elements != 0 || globalIndex % elements != 0) {
            throw new IllegalArgumentException("KernelContext." + what + ": indices must be multiples of " + elements
                    + " (16-byte aligned), got local " + localIndex + " and global " + globalIndex);
        }
        if (localIndex < 0 || localIndex > localLength - elements) {
            throw new ArrayIndexOutOfBoundsException("KernelContext." + what + ": local elements " + localIndex + " … "
                    + (localIndex + elements - 1) + " out of bounds for length " + localLength);
        }
        if (globalIndex < 0 || globalIndex > globalLength - elements) {
            throw new ArrayIndexOutOfBoundsException("KernelContext." + what + ": global elements " + globalIndex
                    + " … " + (globalIndex + elements - 1) + " out of bounds for length " + globalLength);
        }
    }

    private MmaAccumulator warpMma(String name, boolean tf32, int a0, int a1, int a2, int a3, int b0, int b1,
                                   MmaAccumulator c) {
        WorkGroupRuntime runtime = runtime(name + "(...)");
        int size = localGroupSizeX * localGroupSizeY * localGroupSizeZ;
        int limit = runtime.warpGroupLimit();
        if (!fitsWarpGroup(size, limit)) {
            throw new IllegalStateException("KernelContext." + name + " needs a work-group of " + warpGroupNeed(limit)
                    + ", not " + size);
        }
        int[] exchange = runtime.warpExchange(this, 2 * size * MmaSemantics.WORDS);
        int half = (warpOperations++ & 1) * size * MmaSemantics.WORDS;
        int mine = half + localLinearId * MmaSemantics.WORDS;
        exchange[mine] = a0;
        exchange[mine + 1] = a1;
        exchange[mine + 2] = a2;
        exchange[mine + 3] = a3;
        exchange[mine + 4] = b0;
        exchange[mine + 5] = b1;
        // One barrier per call: the next call writes the other half, and the one after that comes
        // only when every work-item has passed this call's reads.
        runtime.barrier(this, false);
        int lane = localLinearId % WARP_SIZE;
        int warp = half + (localLinearId - lane) * MmaSemantics.WORDS;
        int row = lane / 4;
        int col = 2 * (lane % 4);
        return new MmaAccumulator(
                c.c0() + MmaSemantics.dot(tf32, exchange, warp, row, col),
                c.c1() + MmaSemantics.dot(tf32, exchange, warp, row, col + 1),
                c.c2() + MmaSemantics.dot(tf32, exchange, warp, row + 8, col),
                c.c3() + MmaSemantics.dot(tf32, exchange, warp, row + 8, col + 1));
    }

    private int warpExchangeXor(String name, int bits, int laneMask) {
        WorkGroupRuntime runtime = runtime(name);
        int size = localGroupSizeX * localGroupSizeY * localGroupSizeZ;
        int limit = runtime.warpGroupLimit();
        if (!fitsWarpGroup(size, limit)) {
            throw new IllegalStateException("KernelContext." + name + " needs a work-group of " + warpGroupNeed(limit)
                    + ", not " + size);
        }
        if (laneMask < 0 || laneMask >= WARP_SIZE) {
            throw new IllegalArgumentException("KernelContext." + name + ": lane mask " + laneMask + " is not 0 … "
                    + (WARP_SIZE - 1));
        }
        // The same array and alternation as warpMma: call n uses the start of half n % 2, so consecutive
        // warp-wide calls of either kind never share words and one barrier per call is enough.
        int[] exchange = runtime.warpExchange(this, 2 * size * MmaSemantics.WORDS);
        int half = (warpOperations++ & 1) * size * MmaSemantics.WORDS;
        exchange[half + localLinearId] = bits;
        runtime.barrier(this, false);
        return exchange[half + (localLinearId ^ laneMask)];
    }

    private Object local(Class<?> type, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("local array length must be positive, got " + length);
        }
        return runtime("allocate" + type.getSimpleName() + "LocalArray(" + length + ")")
                .localArray(this, localAllocations++, type, length);
    }

    private WorkGroupRuntime runtime(String what) {
        if (group == null) {
            throw new IllegalStateException("KernelContext." + what + " was called outside a kernel launch;"
                    + " run the kernel through a TaskGraph with a WorkerGrid");
        }
        return group;
    }
}
