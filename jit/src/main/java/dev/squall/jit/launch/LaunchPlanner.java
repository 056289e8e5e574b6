package dev.squall.jit.launch;


import dev.squall.api.KernelContext;
import dev.squall.api.types.DoubleArray;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.LongArray;
import dev.squall.api.types.NativeArray;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.ReductionPlan;
import dev.squall.jit.ir.ScalarType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a compiled kernel and its arguments into the launches that run it: the geometry (from
 * the caller's grid, or from the parallel loops' trip counts), buffers for hidden parameters, and
 * the finishing launch of each reduction. Every backend and the interpreter follow the same plan.
 */
public final class LaunchPlanner {

    /** Work-items per group when the device's limit allows and nothing else asks for a size. */
    public static final int PREFERRED_GROUP_SIZE = 256;

    private LaunchPlanner() {
    }

    /** A kernel with warp-wide operations runs in whole warps, in groups the local-memory fallback can hold. */
    private static void checkWarpGroup(KernelFunction f, int[] local) {
        Inst warpWide = f.blocks().stream().flatMap(b -> b.body().stream())
                .filter(i -> i instanceof Inst.Mma || i instanceof Inst.WarpShuffle).findFirst().orElse(null);
        int items = local[0] * local[1] * local[2];
        if (warpWide != null && !KernelContext.fitsWarpGroup(items, f.warpGroupLimit())) {
            String intrinsic = warpWide instanceof Inst.Mma m ? m.intrinsic() : "warpShuffleXor";
            throw new IllegalArgumentException(f.displayName() + " calls KernelContext." + intrinsic
                    + ", so its work-groups need " + KernelContext.warpGroupNeed(f.warpGroupLimit()) + ", not "
                    + Arrays.toString(local));
        }
    }

    /**
     * @param global           the caller's global size, or null to derive it
     * @param local            the caller's work-group size, or null for a default
     * @param maxWorkGroupSize the device's limit
     */
    public static List<LaunchStep> plan(KernelFunction f, Object[] args, int[] global, int[] local, int maxWorkGroupSize) {
        return plan(f, args, global, local, maxWorkGroupSize, 0);
    }

    /**
     * As {@link #plan(KernelFunction, Object[], int[], int[], int)}, with a one-dimensional loop kernel's default
     * work-groups made small enough to give each of {@code computeUnits} cores several groups (0: no such limit).
     * For CPU devices, which run a work-group on one core: with groups of 256, a product of 896 rows ran on four.
     */
    public static List<LaunchStep> plan(KernelFunction f, Object[] args, int[] global, int[] local, int maxWorkGroupSize,
                                        int computeUnits) {
        int[] g;
        int[] l;
        int[] required = f.requiredLocalSize();
        // a default work-group stays within the kernel's @LaunchBounds
        int limit = f.launchBound() == null ? maxWorkGroupSize : Math.min(maxWorkGroupSize, f.launchBound().maxGroupSize());
        if (global != null) {
            g = global.clone();
            l = local != null ? local.clone() : required != null ? required : defaultLocal(g, limit);
            if (required != null && !Arrays.equals(l, required)) {
                throw new IllegalArgumentException(f.displayName() + " needs work-groups of " + Arrays.toString(required)
                        + " (for its reduction), not " + Arrays.toString(l));
            }
            if (f.kind() == KernelKind.PARALLEL_LOOPS || required != null) {
                // grid-strided loops: round the grid up to whole work-groups
                for (int d = 0; d < 3; d++) {
                    g[d] = (g[d] + l[d] - 1) / l[d] * l[d];
                }
            }
        } else {
            LaunchGeometry.Sizes sizes = LaunchGeometry.of(f, args, limit, PREFERRED_GROUP_SIZE, computeUnits);
            g = sizes.global();
            l = sizes.local();
        }
        if (f.launchBound() != null && (long) l[0] * l[1] * l[2] > f.launchBound().maxGroupSize()) {
            throw new IllegalArgumentException(f.displayName() + " declares @LaunchBounds(maxGroupSize = "
                    + f.launchBound().maxGroupSize() + ") but is launched with work-groups of " + Arrays.toString(l));
        }
        checkWarpGroup(f, l);
        List<LaunchStep> steps = new ArrayList<>();
        Map<Param, Object> hidden = new HashMap<>();
        int groups = (g[0] / l[0]) * (g[1] / l[1]) * (g[2] / l[2]);
        for (ReductionPlan r : f.reductions()) {
            hidden.put(r.partials(), partials(r.type(), groups));
        }
        steps.add(new LaunchStep(f, args, g, l, hidden));
        for (ReductionPlan r : f.reductions()) {
            Object[] finishArgs = {hidden.get(r.partials()), groups, args[r.javaIndex()]};
            int[] size = {r.groupSize(), 1, 1};
            steps.add(new LaunchStep(r.finisher(), finishArgs, size, size, Map.of()));
        }
        return steps;
    }

    private static NativeArray partials(ScalarType type, int count) {
        return switch (type) {
            case F32 -> new FloatArray(count);
            case F64 -> new DoubleArray(count);
            case I32 -> new IntArray(count);
            case I64 -> new LongArray(count);
            default -> throw new IllegalArgumentException("no partials array of " + type);
        };
    }

    private static int[] defaultLocal(int[] global, int maxWorkGroupSize) {
        int[] l = {1, 1, 1};
        int budget = Math.min(maxWorkGroupSize, PREFERRED_GROUP_SIZE);
        for (int d = 0; d < 3; d++) {
            int best = 1;
            for (int c = 1; c <= budget / (l[0] * l[1] * l[2]) && c <= global[d]; c *= 2) {
                if (global[d] % c == 0) {
                    best = c;
                }
            }
            l[d] = best;
        }
        return l;
    }
}
