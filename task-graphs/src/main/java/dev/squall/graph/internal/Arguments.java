package dev.squall.graph.internal;

import dev.squall.api.KernelContext;
import dev.squall.api.types.NativeArray;
import dev.squall.graph.TaskGraphException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;

/** What kernels may take and what moves between host and device, with the messages for misuse. */
public final class Arguments {

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            int.class, Integer.class, long.class, Long.class, float.class, Float.class, double.class, Double.class,
            boolean.class, Boolean.class, short.class, Short.class, byte.class, Byte.class, char.class, Character.class);

    private Arguments() {
    }

    /** True for the values that live in device memory: Squall arrays and Java primitive arrays. */
    public static boolean isData(Object value) {
        return value instanceof NativeArray || (value != null && value.getClass().isArray()
                && value.getClass().componentType().isPrimitive());
    }

    /** Checks the arguments of a task against its kernel's parameters. */
    public static void checkTask(String taskName, KernelReference kernel, Object[] args) {
        Method method = kernel.method();
        Parameter[] params = method.getParameters();
        if (args.length != params.length) {
            throw new TaskGraphException("task '" + taskName + "': kernel " + kernel.displayName() + " takes "
                    + params.length + " argument(s) but " + args.length + " were given");
        }
        for (int i = 0; i < params.length; i++) {
            Class<?> type = params[i].getType();
            String where = "task '" + taskName + "': argument " + (i + 1) + " (parameter '" + params[i].getName()
                    + "' of " + kernel.displayName() + ", type " + type.getSimpleName() + ")";
            if (!(type.isPrimitive() || type == KernelContext.class || NativeArray.class.isAssignableFrom(type)
                    || (type.isArray() && type.componentType().isPrimitive()))) {
                throw new TaskGraphException(where + ": kernels take primitives, Squall arrays, primitive arrays"
                        + " and KernelContext only");
            }
            Object arg = args[i];
            if (arg == null) {
                throw new TaskGraphException(where + " is null");
            }
            Class<?> expected = type.isPrimitive() ? BOXES.get(type) : type;
            if (!expected.isInstance(arg)) {
                throw new TaskGraphException(where + " is a " + arg.getClass().getSimpleName());
            }
        }
    }

    /** Checks that only arrays are named in a transfer. */
    public static void checkData(String graph, String what, Object[] data) {
        for (int i = 0; i < data.length; i++) {
            if (!isData(data[i])) {
                throw new TaskGraphException("task graph '" + graph + "': " + what + " argument " + (i + 1) + " is "
                        + (data[i] == null ? "null" : "a " + data[i].getClass().getSimpleName())
                        + "; only arrays move between host and device (pass scalars as task arguments)");
            }
        }
    }

    /** Bytes an array occupies. */
    public static long byteSize(Object data) {
        if (data instanceof NativeArray array) {
            return array.byteSize();
        }
        Class<?> component = data.getClass().componentType();
        long elementBytes = component == long.class || component == double.class ? 8
                : component == int.class || component == float.class ? 4
                : component == short.class || component == char.class ? 2 : 1;
        return elementBytes * java.lang.reflect.Array.getLength(data);
    }

    /** A short description for messages, such as {@code FloatArray[1024]}. */
    public static String describe(Object data) {
        if (data instanceof NativeArray array) {
            return array.toString();
        }
        return data.getClass().componentType().getName() + "[" + java.lang.reflect.Array.getLength(data) + "]";
    }
}
