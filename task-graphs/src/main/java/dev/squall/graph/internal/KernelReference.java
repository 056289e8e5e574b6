package dev.squall.graph.internal;

import dev.squall.api.KernelContext;
import dev.squall.graph.TaskGraphException;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The static method behind a task: found from a serializable method reference through its
 * {@link SerializedLambda}, or given directly.
 *
 * @param method the kernel; static and void
 */
public record KernelReference(Method method) {

    public KernelReference {
        if (!Modifier.isStatic(method.getModifiers())) {
            throw new TaskGraphException(describe(method) + " is an instance method; kernels are static methods");
        }
        if (method.getReturnType() != void.class) {
            throw new TaskGraphException(describe(method) + " returns " + method.getReturnType().getName()
                    + "; kernels return void and write their results to arrays");
        }
        int contexts = 0;
        for (Class<?> p : method.getParameterTypes()) {
            contexts += p == KernelContext.class ? 1 : 0;
        }
        if (contexts > 1) {
            throw new TaskGraphException(describe(method) + " takes " + contexts + " KernelContext parameters; at most one");
        }
    }

    /** Resolves a method reference such as {@code Kernels::saxpy}. */
    public static KernelReference fromLambda(String taskName, Serializable lambda) {
        SerializedLambda serialized = serialize(taskName, lambda);
        if (serialized.getCapturedArgCount() > 0) {
            throw new TaskGraphException("task '" + taskName + "': the kernel lambda captures "
                    + serialized.getCapturedArgCount() + " value(s); pass them as task arguments instead");
        }
        if (serialized.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            throw new TaskGraphException("task '" + taskName + "': " + serialized.getImplClass().replace('/', '.') + "::"
                    + serialized.getImplMethodName() + " is not a static method; kernels are static methods");
        }
        ClassLoader loader = lambda.getClass().getClassLoader();
        try {
            Class<?> owner = Class.forName(serialized.getImplClass().replace('/', '.'), false, loader);
            MethodType type = MethodType.fromMethodDescriptorString(serialized.getImplMethodSignature(), loader);
            return new KernelReference(owner.getDeclaredMethod(serialized.getImplMethodName(), type.parameterArray()));
        } catch (ReflectiveOperationException | TypeNotPresentException e) {
            throw new TaskGraphException("task '" + taskName + "': cannot find the kernel method "
                    + serialized.getImplClass() + "." + serialized.getImplMethodName(), e);
        }
    }

    private static SerializedLambda serialize(String taskName, Serializable lambda) {
        try {
            Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return (SerializedLambda) writeReplace.invoke(lambda);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new TaskGraphException("task '" + taskName + "': the kernel must be a method reference or lambda"
                    + " (got " + lambda.getClass().getName() + ")", e);
        }
    }

    public Class<?> owner() {
        return method.getDeclaringClass();
    }

    /** {@code Class.method}, for messages. */
    public String displayName() {
        return describe(method);
    }

    /** Position of the {@link KernelContext} parameter, or -1 for loop kernels. */
    public int contextIndex() {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == KernelContext.class) {
                return i;
            }
        }
        return -1;
    }

    /** A method handle for running the kernel as Java. */
    public MethodHandle handle() {
        try {
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new TaskGraphException("cannot call kernel " + displayName() + " from Squall: " + e.getMessage(), e);
        }
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }
}
