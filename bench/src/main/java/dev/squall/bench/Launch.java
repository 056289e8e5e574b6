package dev.squall.bench;

import dev.squall.api.KernelContext;
import dev.squall.graph.WorkerGrid;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * One kernel launch of a benchmark: the kernel found by class and method name (so the harness
 * names kernels the way the tables do), its arguments, and its grid (null for a loop kernel).
 */
public record Launch(String name, Method kernel, Object[] args, WorkerGrid grid) {

    static final String KERNELS = "dev.squall.kernels.";

    /** An SPMD launch: a fresh KernelContext goes first. */
    public static Launch spmd(String name, String owner, String method, WorkerGrid grid, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = new KernelContext();
        System.arraycopy(args, 0, all, 1, args.length);
        return new Launch(name, method(owner, method), all, grid);
    }

    static Method method(String owner, String name) {
        try {
            return Arrays.stream(Class.forName(KERNELS + owner).getMethods()).filter(m -> m.getName().equals(name))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(owner + "." + name + " does not exist"));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("kernel class " + KERNELS + owner + " is not on the class path", e);
        }
    }

    /** Calls a static int helper of a kernel class (its grid arithmetic), e.g. {@code FlatGemm.globalX(n)}. */
    static int helper(String owner, String name, Object... args) {
        try {
            return (Integer) method(owner, name).invoke(null, args);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(owner + "." + name + " failed: " + e.getCause(), e);
        }
    }

    /** A public static int constant of a kernel class, e.g. {@code FlatGemm.THREADS}. */
    static int constant(String owner, String name) {
        try {
            return Class.forName(KERNELS + owner).getField(name).getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(owner + "." + name + " is not a public int constant", e);
        }
    }
}
