package dev.squall.bench;

import dev.squall.api.KernelContext;
import dev.squall.graph.WorkerGrid;
import java.lang.reflect.Method;
import java.util.Arrays;

/** One SPMD kernel launch of a benchmark: the kernel, its arguments (a KernelContext first) and its grid. */
public record Launch(String name, Method kernel, Object[] args, WorkerGrid grid) {

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
