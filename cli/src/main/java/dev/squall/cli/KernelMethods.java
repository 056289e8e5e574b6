package dev.squall.cli;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the kernel that {@code squall compile} names: a class by binary name and a static method by
 * name, with a JVM descriptor to choose among overloads. Every failure is an
 * {@link IllegalArgumentException} whose message lists what does exist.
 */
final class KernelMethods {

    /** How many class names an error message lists before it says how many more there are. */
    private static final int LISTED_CLASSES = 20;

    private KernelMethods() {
    }

    /** Loads {@code className} (without initialising it) through the class path's loader. */
    static Class<?> findClass(UserClassPath classPath, String className) {
        try {
            return Class.forName(className, false, classPath.loader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(noSuchClass(classPath, className), e);
        } catch (LinkageError e) {
            throw new IllegalArgumentException("class '" + className + "' cannot be loaded: " + e, e);
        }
    }

    /**
     * The static method {@code name} of {@code owner}; {@code descriptor} (may be null) chooses among
     * overloads and is required when there are several.
     */
    static Method findStaticMethod(Class<?> owner, String name, String descriptor) {
        List<Method> declared;
        try {
            declared = Arrays.stream(owner.getDeclaredMethods())
                    .filter(m -> !m.isSynthetic() && !m.isBridge())
                    .sorted(Comparator.comparing(Method::getName).thenComparing(KernelMethods::descriptor))
                    .toList();
        } catch (LinkageError e) {
            throw new IllegalArgumentException("the methods of " + owner.getName() + " cannot be read: " + e
                    + " (is a class they use missing from --classpath?)", e);
        }
        List<Method> statics = declared.stream().filter(m -> Modifier.isStatic(m.getModifiers())).toList();
        List<Method> named = statics.stream().filter(m -> m.getName().equals(name)).toList();
        if (named.isEmpty()) {
            if (declared.stream().anyMatch(m -> m.getName().equals(name))) {
                throw new IllegalArgumentException("method '" + name + "' of " + owner.getName()
                        + " is not static; kernels are static methods");
            }
            String existing = statics.stream().map(Method::getName).distinct().collect(Collectors.joining(", "));
            throw new IllegalArgumentException("no static method '" + name + "' in " + owner.getName()
                    + (existing.isEmpty() ? "; it has no static methods" : "; its static methods: " + existing));
        }
        if (descriptor != null) {
            return named.stream().filter(m -> descriptor(m).equals(descriptor)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no method " + owner.getName() + "." + name
                            + " with descriptor " + descriptor + "; its descriptors: " + overloads(named)));
        }
        if (named.size() > 1) {
            throw new IllegalArgumentException(owner.getName() + "." + name + " has " + named.size()
                    + " overloads; choose one with --descriptor: " + overloads(named));
        }
        return named.getFirst();
    }

    /** The JVM descriptor of a method, e.g. {@code (FLdev/squall/api/types/FloatArray;)V}. */
    static String descriptor(Method method) {
        return MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString();
    }

    private static String overloads(List<Method> methods) {
        return methods.stream()
                .map(m -> descriptor(m) + " (" + m.getName() + "(" + Arrays.stream(m.getParameterTypes())
                        .map(Class::getSimpleName).collect(Collectors.joining(", ")) + "))")
                .collect(Collectors.joining(", "));
    }

    private static String noSuchClass(UserClassPath classPath, String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String packageName = className.substring(0, dot);
            List<String> siblings = classPath.classesInPackage(packageName);
            if (!siblings.isEmpty()) {
                return "no class '" + className + "'; classes in package " + packageName + ": " + list(siblings);
            }
        }
        if (classPath.entries().isEmpty()) {
            return "no class '" + className + "'; without --classpath only Squall's own classes are visible"
                    + " (kernels such as dev.squall.kernels.VectorKernels); give --classpath DIRS_OR_JARS for yours";
        }
        List<String> all = classPath.classesInEntries();
        return "no class '" + className + "' on the class path; "
                + (all.isEmpty() ? "the --classpath entries " + classPath.entries() + " hold no classes"
                : "the --classpath entries hold " + list(all));
    }

    private static String list(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(names.size(), LISTED_CLASSES)));
        return names.size() > LISTED_CLASSES ? shown + " and " + (names.size() - LISTED_CLASSES) + " more" : shown;
    }
}
