package dev.squall.bench;

import dev.squall.kernels.MatrixMultiplication;
import dev.squall.kernels.Reductions;
import dev.squall.kernels.Softmax;
import dev.squall.kernels.VectorKernels;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels whose compile time is measured: every public static method of the library's kernel
 * classes, named {@code SimpleClass.method}. JMH needs its {@code @Param} values as constants, so
 * {@link CompileTimeBenchmark} lists the names itself and a test keeps that list equal to this one.
 */
public final class KernelCorpus {

    /** The kernel classes of {@code tornado-kernels}, in the order they are listed. */
    public static final List<Class<?>> CLASSES = List.of(VectorKernels.class, Reductions.class,
            MatrixMultiplication.class, Softmax.class);

    private KernelCorpus() {
    }

    /** Every kernel by name, in class order, then by method name. */
    public static Map<String, Method> kernels() {
        Map<String, Method> kernels = new LinkedHashMap<>();
        for (Class<?> owner : CLASSES) {
            Arrays.stream(owner.getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                            && !m.isSynthetic())
                    .sorted(Comparator.comparing(Method::getName))
                    .forEach(m -> {
                        Method earlier = kernels.put(name(m), m);
                        if (earlier != null) {
                            throw new IllegalStateException("two kernels are named " + name(m)
                                    + " (overloads); give the corpus a way to tell them apart");
                        }
                    });
        }
        return kernels;
    }

    /** The kernel called {@code name} ({@code SimpleClass.method}). */
    public static Method kernel(String name) {
        Method m = kernels().get(name);
        if (m == null) {
            throw new IllegalArgumentException("no kernel '" + name + "' in the corpus; kernels: " + kernels().keySet());
        }
        return m;
    }

    static String name(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName();
    }
}
