package dev.squall.jit.ir;

import dev.squall.api.KernelContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The instruction set: immutable records. An instruction defines at most one SSA variable
 * ({@link #result()}); rewriting an operand makes a new record with the same result variable, so
 * uses elsewhere need no change.
 */
public sealed interface Inst {

    /** The variable defined, or null (also for {@link VectorLoad} and {@link Mma}, which define several). */
    Var result();

    /** Every variable defined: none, {@link #result()}, or a vector load's lanes. */
    default List<Var> results() {
        return result() == null ? List.of() : List.of(result());
    }

    /** The operands in a fixed order (for {@link #withOperands}). */
    List<Operand> operands();

    /** The same instruction with new operands, given in {@link #operands()} order. */
    Inst withOperands(List<Operand> operands);

    SourcePos pos();

    /** Writes memory or synchronises: never removed or reordered across others with effects. */
    default boolean hasSideEffects() {
        return false;
    }

    /** Reads memory: may be removed when unused, but not moved across writes or barriers. */
    default boolean readsMemory() {
        return false;
    }

    record Binary(Var result, BinaryOp op, Operand left, Operand right, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(left, right);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Binary(result, op, ops.get(0), ops.get(1), pos);
        }
    }

    record Unary(Var result, UnaryOp op, Operand value, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(value);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Unary(result, op, ops.get(0), pos);
        }
    }

    /** {@code a·b + c} with a single rounding ({@code Math.fma}). */
    record Fma(Var result, Operand a, Operand b, Operand c, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(a, b, c);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Fma(result, ops.get(0), ops.get(1), ops.get(2), pos);
        }
    }

    record Compare(Var result, CompareOp op, Operand left, Operand right, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(left, right);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Compare(result, op, ops.get(0), ops.get(1), pos);
        }
    }

    record Select(Var result, Operand condition, Operand ifTrue, Operand ifFalse, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(condition, ifTrue, ifFalse);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Select(result, ops.get(0), ops.get(1), ops.get(2), pos);
        }
    }

    record Convert(Var result, ConvertOp op, Operand value, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(value);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Convert(result, op, ops.get(0), pos);
        }
    }

    /** {@code result = pointer[index]}; the index counts elements of the pointer's type. */
    record Load(Var result, Operand pointer, Operand index, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(pointer, index);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Load(result, ops.get(0), ops.get(1), pos);
        }

        @Override
        public boolean readsMemory() {
            return true;
        }
    }

    /** {@code pointer[index] = value}. */
    record Store(Operand pointer, Operand index, Operand value, SourcePos pos) implements Inst {
        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            return List.of(pointer, index, value);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Store(ops.get(0), ops.get(1), ops.get(2), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /**
     * A pointer {@code byteOffset} bytes past {@code base}, viewing elements of the result's type:
     * how a binary16 scale is read from the middle of a byte array of quantised blocks.
     */
    record PtrOffset(Var result, Operand base, Operand byteOffset, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(base, byteOffset);
        }

        public Inst withOperands(List<Operand> ops) {
            return new PtrOffset(result, ops.get(0), ops.get(1), pos);
        }
    }

    /** Atomic read-modify-write of {@code pointer[index]}; the result is the previous value. */
    record Atomic(Var result, AtomicOp op, Operand pointer, Operand index, Operand value, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(pointer, index, value);
        }

        public Inst withOperands(List<Operand> ops) {
            return new Atomic(result, op, ops.get(0), ops.get(1), ops.get(2), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /** A work-group barrier; orders local memory, and global memory too when {@code globalFence}. */
    record Barrier(boolean globalFence, SourcePos pos) implements Inst {
        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            return List.of();
        }

        public Inst withOperands(List<Operand> ops) {
            return this;
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /**
     * Warp-wide {@code D = A·B + C} on a 16×16×8 tile ({@code KernelContext.mma16x8x16}: operands
     * {@code a}, four i32 of packed fp16 pairs, and {@code b}, two) or, with {@code tf32}, a 16×8×8 tile
     * ({@code KernelContext.mma16x8x8Tf32}: four and two i32 of float bits); {@code c} four f32;
     * results the four f32 of D. A collective like a barrier: never removed, moved or merged.
     */
    record Mma(List<Var> results, List<Operand> a, List<Operand> b, List<Operand> c, boolean tf32, SourcePos pos)
            implements Inst {
        public Mma {
            results = List.copyOf(results);
            a = List.copyOf(a);
            b = List.copyOf(b);
            c = List.copyOf(c);
        }

        public Var result() {
            return null;
        }

        /** The {@code KernelContext} method this is, for messages. */
        public String intrinsic() {
            return tf32 ? "mma16x8x8Tf32" : "mma16x8x16";
        }

        public List<Operand> operands() {
            List<Operand> ops = new ArrayList<>(a);
            ops.addAll(b);
            ops.addAll(c);
            return ops;
        }

        public Inst withOperands(List<Operand> ops) {
            return new Mma(results, ops.subList(0, 4), ops.subList(4, 6), ops.subList(6, 10), tf32, pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /**
     * Warp-wide butterfly exchange ({@code KernelContext.warpShuffleXor}): {@code result} is the
     * {@code value} (f32 or i32, the result's type) of the lane {@code lane ^ laneMask} (an i32, 0 … 31)
     * of this work-item's warp. A collective like {@link Mma}: never removed, moved or merged.
     */
    record WarpShuffle(Var result, Operand value, Operand laneMask, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of(value, laneMask);
        }

        public Inst withOperands(List<Operand> ops) {
            return new WarpShuffle(result, ops.get(0), ops.get(1), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /**
     * Starts this work-item's asynchronous copy of 16 bytes ({@code KernelContext.copyAsync}) from
     * {@code source[sourceIndex …]} (global) to {@code target[targetIndex …]} (local), both pointers of
     * the same element type and both indices multiples of 16 bytes' worth of elements. The copy joins
     * the work-item's open group ({@link CopyCommit}) and lands by the {@link CopyWait} that waits for it.
     */
    record CopyAsync(Operand target, Operand targetIndex, Operand source, Operand sourceIndex, SourcePos pos)
            implements Inst {
        public Var result() {
            return null;
        }

        /** Elements one copy moves. */
        public int elements() {
            return KernelContext.COPY_BYTES / ((PointerType) target.type()).element().bytes();
        }

        public List<Operand> operands() {
            return List.of(target, targetIndex, source, sourceIndex);
        }

        public Inst withOperands(List<Operand> ops) {
            return new CopyAsync(ops.get(0), ops.get(1), ops.get(2), ops.get(3), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /** Closes the work-item's open asynchronous copies into a group ({@code KernelContext.commitCopies}). */
    record CopyCommit(SourcePos pos) implements Inst {
        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            return List.of();
        }

        public Inst withOperands(List<Operand> ops) {
            return this;
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /**
     * Waits until at most {@code pending} (an i32, a constant once the kernel is optimised) of the
     * work-item's committed copy groups are in flight ({@code KernelContext.waitCopies}); orders the
     * work-item's later local reads after the copies it waited for.
     */
    record CopyWait(Operand pending, SourcePos pos) implements Inst {
        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            return List.of(pending);
        }

        public Inst withOperands(List<Operand> ops) {
            return new CopyWait(ops.get(0), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /** A work-item coordinate or size in one dimension (0 = x). */
    record WorkItem(Var result, WorkItemQuery query, int dimension, SourcePos pos) implements Inst {
        public List<Operand> operands() {
            return List.of();
        }

        public Inst withOperands(List<Operand> ops) {
            return this;
        }
    }

    /** Work-group local memory of {@code length} elements, shared by the group; lives in the entry block. */
    record LocalAlloc(Var result, ScalarType element, int length, SourcePos pos) implements Inst {
        /** Bytes the array takes where backends lay local arrays out 16-byte aligned: its size rounded up to 16. */
        public long paddedBytes() {
            return ((long) length * element.bytes() + 15) / 16 * 16;
        }

        public List<Operand> operands() {
            return List.of();
        }

        public Inst withOperands(List<Operand> ops) {
            return this;
        }
    }

    /**
     * {@code results.size()} consecutive elements from {@code pointer[index]} in one access. The
     * index is a multiple of the width and the pointer aligned to the width in bytes (the
     * vectoriser proves both), so a device can use one wide load.
     */
    record VectorLoad(List<Var> results, Operand pointer, Operand index, SourcePos pos) implements Inst {
        public VectorLoad {
            results = List.copyOf(results);
        }

        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            return List.of(pointer, index);
        }

        public Inst withOperands(List<Operand> ops) {
            return new VectorLoad(results, ops.get(0), ops.get(1), pos);
        }

        @Override
        public boolean readsMemory() {
            return true;
        }
    }

    /** Stores {@code values} to consecutive elements from {@code pointer[index]}, aligned as for {@link VectorLoad}. */
    record VectorStore(Operand pointer, Operand index, List<Operand> values, SourcePos pos) implements Inst {
        public VectorStore {
            values = List.copyOf(values);
        }

        public Var result() {
            return null;
        }

        public List<Operand> operands() {
            List<Operand> ops = new ArrayList<>();
            ops.add(pointer);
            ops.add(index);
            ops.addAll(values);
            return ops;
        }

        public Inst withOperands(List<Operand> ops) {
            return new VectorStore(ops.get(0), ops.get(1), ops.subList(2, ops.size()), pos);
        }

        @Override
        public boolean hasSideEffects() {
            return true;
        }
    }

    /** One input of a phi: the value that flows in from {@code predecessor}. */
    record PhiInput(BlockId predecessor, Operand value) {
    }

    /** Chooses the input of the predecessor control came from; only at the start of a block. */
    record Phi(Var result, List<PhiInput> inputs, SourcePos pos) implements Inst {
        public Phi {
            inputs = List.copyOf(inputs);
        }

        public List<Operand> operands() {
            List<Operand> ops = new ArrayList<>(inputs.size());
            for (PhiInput in : inputs) {
                ops.add(in.value());
            }
            return ops;
        }

        public Inst withOperands(List<Operand> ops) {
            List<PhiInput> fresh = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                fresh.add(new PhiInput(inputs.get(i).predecessor(), ops.get(i)));
            }
            return new Phi(result, fresh, pos);
        }

        /** The value flowing in from {@code predecessor}. */
        public Operand valueFrom(BlockId predecessor) {
            for (PhiInput in : inputs) {
                if (in.predecessor().equals(predecessor)) {
                    return in.value();
                }
            }
            throw new IllegalStateException(result.text() + " has no input from " + predecessor);
        }
    }
}
