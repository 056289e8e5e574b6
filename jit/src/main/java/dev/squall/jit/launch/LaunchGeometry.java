package dev.squall.jit.launch;

import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ParallelDim;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Semantics;
import dev.squall.jit.ir.TripCount;
import dev.squall.jit.ir.Var;
import java.util.Map;

/**
 * The global and local sizes a kernel without an explicit grid launches with: one work-item per
 * parallel iteration (rounded up to whole work-groups), work-groups as large as the device allows
 * up to a preferred size. Grid-strided loops make any choice correct; this one avoids idle loops.
 */
public final class LaunchGeometry {

    /** Used for a dimension whose trip count only the device knows (an inner bound from an outer index). */
    public static final int UNKNOWN_TRIP_COUNT_ITEMS = 256;

    /** Work-groups per compute unit that spreading aims at: enough to even out uneven cores. */
    public static final int SPREAD_GROUPS_PER_UNIT = 4;
    /** The smallest work-group spreading makes: CPU OpenCL vectorises across a group's work-items. */
    public static final int SPREAD_MIN_GROUP = 16;

    /**
     * @param global work-items per dimension, a multiple of {@code local}
     * @param local  work-group size per dimension
     */
    public record Sizes(int[] global, int[] local) {
    }

    private LaunchGeometry() {
    }

    /**
     * Sizes for {@code f} with these arguments on a device allowing {@code maxWorkGroupSize}
     * work-items per group, preferring {@code preferredGroupSize}.
     */
    public static Sizes of(KernelFunction f, Object[] javaArgs, int maxWorkGroupSize, int preferredGroupSize) {
        return of(f, javaArgs, maxWorkGroupSize, preferredGroupSize, 0);
    }

    /**
     * As {@link #of(KernelFunction, Object[], int, int)}; with {@code computeUnits} above 0, a one-dimensional
     * index space's groups shrink (to no fewer than {@link #SPREAD_MIN_GROUP} work-items) until each compute unit
     * has {@link #SPREAD_GROUPS_PER_UNIT} of them.
     */
    public static Sizes of(KernelFunction f, Object[] javaArgs, int maxWorkGroupSize, int preferredGroupSize,
                           int computeUnits) {
        int[] required = f.requiredLocalSize();
        if (f.kind() == KernelKind.SERIAL) {
            return new Sizes(new int[] {1, 1, 1}, new int[] {1, 1, 1});
        }
        if (f.kind() != KernelKind.PARALLEL_LOOPS) {
            throw new IllegalArgumentException(f.displayName() + " takes a KernelContext: its grid must be given");
        }
        Map<Var, Long> values = ArgumentValues.scalars(f, javaArgs);
        long[] trips = {1, 1, 1};
        for (ParallelDim d : f.parallelDims()) {
            long trips0 = d.tripCount() == null ? UNKNOWN_TRIP_COUNT_ITEMS : tripCount(d.tripCount(), values);
            trips[d.dimension()] = (trips0 + d.coarsening() - 1) / d.coarsening();
        }
        int dims = f.parallelDims().size();
        int budget = Math.min(maxWorkGroupSize, preferredGroupSize);
        if (dims == 1 && computeUnits > 0) {
            long perGroup = Math.max(1, trips[0] / ((long) computeUnits * SPREAD_GROUPS_PER_UNIT));
            budget = (int) Math.min(budget, Math.max(SPREAD_MIN_GROUP, Long.highestOneBit(perGroup)));
        }
        int[] local = required != null ? required : defaultLocal(dims, trips, budget);
        int[] global = new int[3];
        for (int d = 0; d < 3; d++) {
            long items = Math.max(trips[d], 1);
            long rounded = (items + local[d] - 1) / local[d] * local[d];
            global[d] = (int) Math.min(rounded, (long) Integer.MAX_VALUE / local[d] * local[d]);
        }
        return new Sizes(global, local);
    }

    /** Iterations of a parallel loop for these parameter values (0 if the loop does not run). */
    public static long tripCount(TripCount t, Map<Var, Long> values) {
        Map<Var, Long> env = new java.util.HashMap<>(values);
        for (Inst inst : t.computation()) {
            env.put(inst.result(), evaluate(inst, env));
        }
        long start = value(t.start(), env);
        long bound = value(t.bound(), env);
        long span = bound - start + (t.inclusive() ? 1 : 0);
        return span <= 0 ? 0 : (span + t.step() - 1) / t.step();
    }

    private static long evaluate(Inst inst, Map<Var, Long> env) {
        return switch (inst) {
            case Inst.Binary b -> Semantics.binary(b.op(), (ScalarType) b.result().type(), value(b.left(), env),
                    value(b.right(), env));
            case Inst.Unary u -> Semantics.unary(u.op(), (ScalarType) u.value().type(), value(u.value(), env));
            case Inst.Convert c -> Semantics.convert(c.op(), value(c.value(), env));
            case Inst.Compare c -> Semantics.compare(c.op(), (ScalarType) c.left().type(), value(c.left(), env),
                    value(c.right(), env)) ? 1 : 0;
            case Inst.Select s -> value(s.condition(), env) != 0 ? value(s.ifTrue(), env) : value(s.ifFalse(), env);
            default -> throw new IllegalStateException("not a host computation: " + inst);
        };
    }

    private static long value(Operand op, Map<Var, Long> env) {
        if (op instanceof Const c) {
            return c.bits();
        }
        Long v = env.get((Var) op);
        if (v == null) {
            throw new IllegalStateException("trip count needs " + op.text());
        }
        return v;
    }

    private static int[] defaultLocal(int dims, long[] trips, int budget) {
        int[] local = {1, 1, 1};
        switch (dims) {
            case 1 -> local[0] = (int) Math.min(budget, Math.max(1, nextPowerOfTwo(trips[0])));
            case 2 -> {
                int side = (int) Math.max(1, Math.sqrt(budget));
                local[0] = (int) Math.min(side, nextPowerOfTwo(trips[0]));
                local[1] = (int) Math.min(budget / local[0], nextPowerOfTwo(trips[1]));
            }
            default -> {
                int side = (int) Math.max(1, Math.cbrt(budget));
                local[0] = (int) Math.min(side, nextPowerOfTwo(trips[0]));
                local[1] = (int) Math.min(side, nextPowerOfTwo(trips[1]));
                local[2] = (int) Math.max(1, Math.min(budget / (local[0] * local[1]), nextPowerOfTwo(trips[2])));
            }
        }
        return local;
    }

    private static long nextPowerOfTwo(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }
}
