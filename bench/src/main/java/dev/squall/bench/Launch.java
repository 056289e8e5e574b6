package dev.squall.bench;

import dev.squall.api.KernelContext;
import dev.squall.graph.WorkerGrid;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * One SPMD kernel launch of a benchmark: the kernel, its arguments (a KernelContext first), its grid,
 * and the parameters (Java indices, the KernelContext being 0) compiled as constants, as a model
 * would for its fixed sizes ({@code TaskGraph.specialize}).
 */
public record Launch(String name, Method kernel, Object[] args, WorkerGrid grid, int[] constants) {

    public Launch(String name, Method kernel, Object[] args, WorkerGrid grid) {
        this(name, kernel, args, grid, new int[0]);
    }

    /** This launch with the parameters at {@code parameters} compiled as constants. */
    public Launch specialized(int... parameters) {
        return new Launch(name, kernel, args, grid, parameters.clone());
    }

    /** This launch with every int argument compiled as a constant, as {@code DeviceLlama} compiles a model's sizes. */
    public Launch intsConstant() {
        return specialized(IntStream.range(0, args.length).filter(i -> args[i] instanceof Integer).toArray());
    }

    /** Launch {@code owner.method} (kernel names are not overloaded) with a fresh KernelContext before {@code args}. */
    public static Launch spmd(String name, Class<?> owner, String method, WorkerGrid grid, Object... args) {
        Method kernel = Arrays.stream(owner.getMethods()).filter(m -> m.getName().equals(method)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(owner.getSimpleName() + "." + method + " does not exist"));
        Object[] all = new Object[args.length + 1];
        all[0] = new KernelContext();
        System.arraycopy(args, 0, all, 1, args.length);
        return new Launch(name, kernel, all, grid);
    }
}
