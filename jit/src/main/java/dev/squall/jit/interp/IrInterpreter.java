package dev.squall.jit.interp;

import dev.squall.api.KernelContext;
import dev.squall.api.KernelExecutionException;
import dev.squall.api.spi.CopyGroups;
import dev.squall.api.spi.MmaSemantics;
import dev.squall.api.types.NativeArray;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.IrPrinter;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Semantics;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import dev.squall.jit.launch.ArgumentValues;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes kernel IR on the JVM, with the semantics of {@link Semantics}: the front end's and the
 * passes' test oracle. Work-groups run one after another; within a group the work-items run one
 * at a time, each until a barrier or its end, so barriers, local memory and atomics behave as on
 * a device (and a missing barrier shows up, as on the JVM device). Deterministic.
 */
public final class IrInterpreter {

    /** A pointer: memory, a byte offset into it, and the element type it views. */
    record Pointer(MemorySegment segment, long byteOffset, ScalarType element) {
    }

    private enum Stop { BARRIER, DONE }

    private final KernelFunction f;
    private final Map<BlockId, Integer> blockIndex = new HashMap<>();
    private final Block[] blocks;
    private final Inst.Phi[][] phis;
    private final Inst[][] bodies;
    private final int entry;
    private final int varCount;
    private final long[] paramBits;
    private final Pointer[] paramPointers;
    private final List<Inst.LocalAlloc> localAllocs = new ArrayList<>();
    /**
     * The current work-group's asynchronous copies not yet waited for, by target: local memory a copy is
     * still filling may not be read or written by anyone (a GPU may land the copy at any moment until the
     * wait), so such an access is reported, as is a copy over one still in flight.
     */
    private final List<InFlight> inFlight = new ArrayList<>();

    /** An asynchronous copy of work-item {@code item} filling bytes [from, to) of {@code segment}. */
    private record InFlight(MemorySegment segment, long from, long to, int item, SourcePos pos) {
    }

    private IrInterpreter(KernelFunction f, Object[] javaArgs, Map<Param, Object> hidden) {
        this.f = f;
        List<Block> list = new ArrayList<>(f.blocks());
        blocks = list.toArray(Block[]::new);
        phis = new Inst.Phi[blocks.length][];
        bodies = new Inst[blocks.length][];
        for (int i = 0; i < blocks.length; i++) {
            blockIndex.put(blocks[i].id(), i);
            phis[i] = blocks[i].phis().toArray(Inst.Phi[]::new);
            bodies[i] = blocks[i].body().toArray(Inst[]::new);
            for (Inst inst : bodies[i]) {
                if (inst instanceof Inst.LocalAlloc a) {
                    localAllocs.add(a);
                }
            }
        }
        entry = blockIndex.get(f.entry().id());
        varCount = f.varCount();
        paramBits = new long[varCount];
        paramPointers = new Pointer[varCount];
        Map<Var, Long> scalars = ArgumentValues.scalars(f, javaArgs);
        for (Param p : f.params()) {
            switch (p.role()) {
                case VALUE, LENGTH -> paramBits[p.var().id()] = scalars.get(p.var());
                case DATA -> paramPointers[p.var().id()] = pointerTo(javaArgs[p.javaIndex()],
                        ((PointerType) p.var().type()).element());
                case HIDDEN -> paramPointers[p.var().id()] = pointerTo(hidden.get(p),
                        ((PointerType) p.var().type()).element());
            }
        }
    }

    private static Pointer pointerTo(Object array, ScalarType element) {
        MemorySegment segment = array instanceof NativeArray a ? a.segment() : switch (array) {
            case float[] x -> MemorySegment.ofArray(x);
            case int[] x -> MemorySegment.ofArray(x);
            case long[] x -> MemorySegment.ofArray(x);
            case double[] x -> MemorySegment.ofArray(x);
            case short[] x -> MemorySegment.ofArray(x);
            case char[] x -> MemorySegment.ofArray(x);
            case byte[] x -> MemorySegment.ofArray(x);
            case boolean[] x -> throw new IllegalArgumentException("boolean[] arguments are not supported by the interpreter");
            case null -> throw new IllegalArgumentException("missing array argument");
            default -> throw new IllegalArgumentException("not an array argument: " + array.getClass());
        };
        return new Pointer(segment, 0, element);
    }

    /** Runs {@code f} over the given N-D range; {@code hidden} supplies compiler-added buffers. */
    public static void launch(KernelFunction f, Object[] javaArgs, int[] global, int[] local, Map<Param, Object> hidden) {
        new IrInterpreter(f, javaArgs, hidden).run(global, local);
    }

    public static void launch(KernelFunction f, Object[] javaArgs, int[] global, int[] local) {
        launch(f, javaArgs, global, local, Map.of());
    }

    private void run(int[] global, int[] local) {
        int[] groups = new int[3];
        for (int d = 0; d < 3; d++) {
            if (global[d] % local[d] != 0) {
                throw new IllegalArgumentException("global size " + global[d] + " is not a multiple of local size " + local[d]);
            }
            groups[d] = global[d] / local[d];
        }
        int items = local[0] * local[1] * local[2];
        for (int gz = 0; gz < groups[2]; gz++) {
            for (int gy = 0; gy < groups[1]; gy++) {
                for (int gx = 0; gx < groups[0]; gx++) {
                    runGroup(new int[] {gx, gy, gz}, global, local, items);
                }
            }
        }
    }

    private final class Item {
        final long[] regs = new long[varCount];
        final Pointer[] ptrs = new Pointer[varCount];
        final int[] gid = new int[3];
        final int[] lid = new int[3];
        int block = entry;
        int pc;
        boolean done;
        // the warp-wide operation this work-item waits at (run for the whole group at once), or null
        Inst pendingWarp;
        // asynchronous copies, landing when waited for (and checked against while in flight, see inFlight)
        final CopyGroups copies = new CopyGroups();
        // the work-item's index in its group, for messages about its copies
        int index;
    }

    private void runGroup(int[] group, int[] global, int[] local, int count) {
        inFlight.clear(); // copies a work-group never waited for end with it
        try (Arena arena = Arena.ofConfined()) {
            Map<Var, Pointer> shared = new HashMap<>();
            for (Inst.LocalAlloc a : localAllocs) {
                shared.put(a.result(), new Pointer(arena.allocate((long) a.length() * a.element().bytes(), 8), 0, a.element()));
            }
            Item[] items = new Item[count];
            for (int i = 0; i < count; i++) {
                Item it = new Item();
                System.arraycopy(paramBits, 0, it.regs, 0, varCount);
                System.arraycopy(paramPointers, 0, it.ptrs, 0, varCount);
                it.lid[0] = i % local[0];
                it.lid[1] = i / local[0] % local[1];
                it.lid[2] = i / (local[0] * local[1]);
                for (int d = 0; d < 3; d++) {
                    it.gid[d] = group[d] * local[d] + it.lid[d];
                }
                for (var e : shared.entrySet()) {
                    it.ptrs[e.getKey().id()] = e.getValue();
                }
                it.index = i;
                items[i] = it;
            }
            while (true) {
                int atBarrier = 0;
                int done = 0;
                for (Item it : items) {
                    if (!it.done && execute(it, group, global, local) == Stop.DONE) {
                        it.done = true;
                    }
                    if (it.done) {
                        done++;
                    } else {
                        atBarrier++;
                    }
                }
                if (atBarrier == 0) {
                    return;
                }
                if (done > 0) {
                    throw new KernelExecutionException(f.displayName() + ": barrier divergence in work-group ("
                            + group[0] + "," + group[1] + "," + group[2] + "): " + done + " work-items returned while "
                            + atBarrier + " wait at a barrier");
                }
                Inst warpWide = items[0].pendingWarp;
                for (Item it : items) {
                    if (it.pendingWarp != warpWide) {
                        throw new KernelExecutionException(f.displayName() + ": warp operation divergence in work-group ("
                                + group[0] + "," + group[1] + "," + group[2] + "): work-items wait at different"
                                + " mma16x8x16 / mma16x8x8Tf32 / warpShuffleXor calls or barriers; every work-item must"
                                + " make the same calls");
                    }
                }
                if (warpWide instanceof Inst.Mma mma) {
                    mma(items, mma);
                } else if (warpWide instanceof Inst.WarpShuffle shuffle) {
                    shuffle(items, shuffle);
                }
            }
        }
    }

    private Stop execute(Item it, int[] group, int[] global, int[] local) {
        while (true) {
            Inst[] body = bodies[it.block];
            while (it.pc < body.length) {
                Inst inst = body[it.pc++];
                if (inst instanceof Inst.Barrier) {
                    return Stop.BARRIER;
                }
                if (inst instanceof Inst.Mma || inst instanceof Inst.WarpShuffle) {
                    it.pendingWarp = inst;
                    return Stop.BARRIER;
                }
                try {
                    step(it, inst, group, global, local);
                } catch (ArithmeticException | IndexOutOfBoundsException | IllegalStateException e) {
                    throw new KernelExecutionException(f.displayName() + " at " + where(inst.pos()) + ": work-item ("
                            + it.gid[0] + "," + it.gid[1] + "," + it.gid[2] + ") " + IrPrinter.inst(inst) + " threw " + e, e);
                }
            }
            Terminator t = blocks[it.block].terminator();
            switch (t) {
                case Terminator.Return r -> {
                    return Stop.DONE;
                }
                case Terminator.Jump j -> enter(it, j.target());
                case Terminator.Branch b -> enter(it, bits(it, b.condition()) != 0 ? b.ifTrue() : b.ifFalse());
            }
        }
    }

    private void enter(Item it, BlockId target) {
        BlockId from = blocks[it.block].id();
        int next = blockIndex.get(target);
        Inst.Phi[] ps = phis[next];
        if (ps.length > 0) {
            // phis read their inputs simultaneously
            long[] bitsIn = new long[ps.length];
            Pointer[] ptrsIn = new Pointer[ps.length];
            for (int i = 0; i < ps.length; i++) {
                Operand v = ps[i].valueFrom(from);
                if (ps[i].result().type() instanceof PointerType) {
                    ptrsIn[i] = it.ptrs[((Var) v).id()];
                } else {
                    bitsIn[i] = bits(it, v);
                }
            }
            for (int i = 0; i < ps.length; i++) {
                int id = ps[i].result().id();
                it.regs[id] = bitsIn[i];
                it.ptrs[id] = ptrsIn[i];
            }
        }
        it.block = next;
        it.pc = 0;
    }

    /** Runs a warp-wide multiply-accumulate that every work-item of the group waits at. */
    private void mma(Item[] items, Inst.Mma mma) {
        if (!KernelContext.fitsWarpGroup(items.length, f.warpGroupLimit())) {
            throw new KernelExecutionException(f.displayName() + " at " + where(mma.pos()) + ": " + mma.intrinsic()
                    + " needs a work-group of " + KernelContext.warpGroupNeed(f.warpGroupLimit()) + ", not " + items.length);
        }
        int[] operands = new int[items.length * MmaSemantics.WORDS];
        for (int i = 0; i < items.length; i++) {
            List<Operand> ops = mma.operands();
            for (int w = 0; w < MmaSemantics.WORDS; w++) {
                operands[i * MmaSemantics.WORDS + w] = (int) bits(items[i], ops.get(w));
            }
        }
        for (int i = 0; i < items.length; i++) {
            Item it = items[i];
            int lane = i % KernelContext.WARP_SIZE;
            int warp = (i - lane) * MmaSemantics.WORDS;
            int row = lane / 4;
            int col = 2 * (lane % 4);
            int[][] rowCol = {{row, col}, {row, col + 1}, {row + 8, col}, {row + 8, col + 1}};
            for (int r = 0; r < 4; r++) {
                float c = Float.intBitsToFloat((int) bits(it, mma.c().get(r)));
                float d = c + MmaSemantics.dot(mma.tf32(), operands, warp, rowCol[r][0], rowCol[r][1]);
                set(it, mma.results().get(r), Float.floatToRawIntBits(d) & 0xffffffffL);
            }
            it.pendingWarp = null;
        }
    }

    /** Runs a warp-wide butterfly exchange that every work-item of the group waits at. */
    private void shuffle(Item[] items, Inst.WarpShuffle shuffle) {
        if (!KernelContext.fitsWarpGroup(items.length, f.warpGroupLimit())) {
            throw new KernelExecutionException(f.displayName() + " at " + where(shuffle.pos()) + ": warpShuffleXor needs"
                    + " a work-group of " + KernelContext.warpGroupNeed(f.warpGroupLimit()) + ", not " + items.length);
        }
        long[] values = new long[items.length];
        int[] partners = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            long mask = bits(items[i], shuffle.laneMask());
            if (mask < 0 || mask >= KernelContext.WARP_SIZE) {
                throw new KernelExecutionException(f.displayName() + " at " + where(shuffle.pos()) + ": work-item ("
                        + items[i].gid[0] + "," + items[i].gid[1] + "," + items[i].gid[2] + ") calls warpShuffleXor with"
                        + " lane mask " + mask + "; lanes are 0 … " + (KernelContext.WARP_SIZE - 1));
            }
            values[i] = bits(items[i], shuffle.value());
            partners[i] = i ^ (int) mask;
        }
        for (int i = 0; i < items.length; i++) {
            set(items[i], shuffle.result(), values[partners[i]]);
            items[i].pendingWarp = null;
        }
    }

    private void step(Item it, Inst inst, int[] group, int[] global, int[] local) {
        switch (inst) {
            case Inst.Binary b -> set(it, b.result(), Semantics.binary(b.op(), (ScalarType) b.result().type(),
                    bits(it, b.left()), bits(it, b.right())));
            case Inst.Unary u -> set(it, u.result(), Semantics.unary(u.op(), (ScalarType) u.value().type(), bits(it, u.value())));
            case Inst.Fma m -> set(it, m.result(), Semantics.fma((ScalarType) m.result().type(), bits(it, m.a()),
                    bits(it, m.b()), bits(it, m.c())));
            case Inst.Compare c -> set(it, c.result(), Semantics.compare(c.op(), (ScalarType) c.left().type(),
                    bits(it, c.left()), bits(it, c.right())) ? 1 : 0);
            case Inst.Select s -> {
                boolean cond = bits(it, s.condition()) != 0;
                Operand chosen = cond ? s.ifTrue() : s.ifFalse();
                if (s.result().type() instanceof PointerType) {
                    it.ptrs[s.result().id()] = it.ptrs[((Var) chosen).id()];
                } else {
                    set(it, s.result(), bits(it, chosen));
                }
            }
            case Inst.Convert c -> set(it, c.result(), Semantics.convert(c.op(), bits(it, c.value())));
            case Inst.Load l -> {
                Pointer p = pointer(it, l.pointer());
                checkNotInFlight(it, p, bits(it, l.index()), 1, "reads");
                set(it, l.result(), read(p, bits(it, l.index())));
            }
            case Inst.Store s -> {
                Pointer p = pointer(it, s.pointer());
                checkNotInFlight(it, p, bits(it, s.index()), 1, "writes");
                write(p, bits(it, s.index()), bits(it, s.value()));
            }
            case Inst.PtrOffset o -> {
                Pointer p = pointer(it, o.base());
                it.ptrs[o.result().id()] = new Pointer(p.segment(), p.byteOffset() + bits(it, o.byteOffset()),
                        ((PointerType) o.result().type()).element());
            }
            case Inst.Atomic a -> {
                Pointer p = pointer(it, a.pointer());
                long index = bits(it, a.index());
                checkNotInFlight(it, p, index, 1, "updates");
                long old = read(p, index);
                long value = bits(it, a.value());
                ScalarType type = p.element();
                long updated = switch (a.op()) {
                    case ADD -> Semantics.binary(dev.squall.jit.ir.BinaryOp.ADD, type, old, value);
                    case MIN -> Semantics.binary(dev.squall.jit.ir.BinaryOp.MIN, type, old, value);
                    case MAX -> Semantics.binary(dev.squall.jit.ir.BinaryOp.MAX, type, old, value);
                };
                write(p, index, updated);
                set(it, a.result(), old);
            }
            case Inst.WorkItem w -> set(it, w.result(), switch (w.query()) {
                case GLOBAL_ID -> it.gid[w.dimension()];
                case LOCAL_ID -> it.lid[w.dimension()];
                case GROUP_ID -> group[w.dimension()];
                case GLOBAL_SIZE -> global[w.dimension()];
                case LOCAL_SIZE -> local[w.dimension()];
                case NUM_GROUPS -> global[w.dimension()] / local[w.dimension()];
            });
            case Inst.VectorLoad v -> {
                Pointer p = pointer(it, v.pointer());
                long index = bits(it, v.index());
                checkNotInFlight(it, p, index, v.results().size(), "reads");
                for (int k = 0; k < v.results().size(); k++) {
                    set(it, v.results().get(k), read(p, index + k));
                }
            }
            case Inst.VectorStore v -> {
                Pointer p = pointer(it, v.pointer());
                long index = bits(it, v.index());
                checkNotInFlight(it, p, index, v.values().size(), "writes");
                for (int k = 0; k < v.values().size(); k++) {
                    write(p, index + k, bits(it, v.values().get(k)));
                }
            }
            case Inst.CopyAsync c -> {
                Pointer target = pointer(it, c.target());
                Pointer source = pointer(it, c.source());
                long targetIndex = bits(it, c.targetIndex());
                long sourceIndex = bits(it, c.sourceIndex());
                int n = c.elements();
                long targetByte = target.byteOffset() + targetIndex * target.element().bytes();
                long sourceByte = source.byteOffset() + sourceIndex * source.element().bytes();
                if (targetIndex % n != 0 || sourceIndex % n != 0 || targetByte % KernelContext.COPY_BYTES != 0
                        || sourceByte % KernelContext.COPY_BYTES != 0) {
                    throw new IllegalStateException("KernelContext.copyAsync needs indices that are multiples of " + n
                            + " (16-byte aligned), got local " + targetIndex + " and global " + sourceIndex);
                }
                long[] values = new long[n];
                for (int k = 0; k < n; k++) {
                    values[k] = read(source, sourceIndex + k);
                }
                read(target, targetIndex + n - 1); // the bounds are checked where the copy starts
                checkNotInFlight(it, target, targetIndex, n, "copies into");
                InFlight copy = new InFlight(target.segment(), targetByte, targetByte + KernelContext.COPY_BYTES, it.index, c.pos());
                inFlight.add(copy);
                it.copies.start(() -> {
                    for (int k = 0; k < n; k++) {
                        write(target, targetIndex + k, values[k]);
                    }
                    inFlight.remove(copy);
                });
            }
            case Inst.CopyCommit c -> it.copies.commit();
            case Inst.CopyWait c -> {
                long pending = bits(it, c.pending());
                if (pending < 0) {
                    throw new IllegalStateException("KernelContext.waitCopies(" + pending + "): the number of groups"
                            + " left in flight must not be negative");
                }
                it.copies.waitFor(pending);
            }
            case Inst.LocalAlloc a -> { } // bound to the group's memory when the work-item was made
            case Inst.Barrier b -> throw new IllegalStateException("barrier handled by the scheduler");
            case Inst.Mma m -> throw new IllegalStateException("mma handled by the scheduler");
            case Inst.WarpShuffle w -> throw new IllegalStateException("warpShuffleXor handled by the scheduler");
            case Inst.Phi p -> throw new IllegalStateException("phi in a block body");
        }
    }

    /**
     * Refuses an access to elements [index, index + count) of {@code p} that overlaps an asynchronous copy
     * still in flight (any work-item's): on a GPU it would race with the copy landing.
     */
    private void checkNotInFlight(Item it, Pointer p, long index, int count, String access) {
        if (inFlight.isEmpty()) {
            return;
        }
        long from = p.byteOffset() + index * p.element().bytes();
        long to = from + (long) count * p.element().bytes();
        for (InFlight c : inFlight) {
            if (c.segment().equals(p.segment()) && from < c.to() && c.from() < to) {
                throw new IllegalStateException("work-item " + it.index + " " + access + " local memory that an"
                        + " asynchronous copy of work-item " + c.item() + " (KernelContext.copyAsync at " + where(c.pos())
                        + ") is still filling: wait for it first (waitCopies, then localBarrier for other work-items)");
            }
        }
    }

    private static void set(Item it, Var v, long value) {
        it.regs[v.id()] = value;
    }

    private static long bits(Item it, Operand op) {
        return op instanceof Const c ? c.bits() : it.regs[((Var) op).id()];
    }

    private static Pointer pointer(Item it, Operand op) {
        Pointer p = it.ptrs[((Var) op).id()];
        if (p == null) {
            throw new IllegalStateException(op.text() + " holds no pointer");
        }
        return p;
    }

    private static long read(Pointer p, long index) {
        long offset = p.byteOffset() + index * p.element().bytes();
        MemorySegment s = p.segment();
        return switch (p.element()) {
            case I8 -> s.get(ValueLayout.JAVA_BYTE, offset);
            case I16 -> s.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
            case I32 -> s.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
            case F32 -> s.get(ValueLayout.JAVA_INT_UNALIGNED, offset) & 0xffffffffL;
            case I64, F64 -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            case BOOL -> throw new IllegalStateException("bool in memory");
        };
    }

    private static void write(Pointer p, long index, long value) {
        long offset = p.byteOffset() + index * p.element().bytes();
        MemorySegment s = p.segment();
        switch (p.element()) {
            case I8 -> s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
            case I16 -> s.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
            case I32, F32 -> s.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
            case I64, F64 -> s.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
            case BOOL -> throw new IllegalStateException("bool in memory");
        }
    }

    private static String where(SourcePos pos) {
        return pos.line() > 0 ? pos.toString() : "bytecode " + pos.bci();
    }
}
