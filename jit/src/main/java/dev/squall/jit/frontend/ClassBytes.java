package dev.squall.jit.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads classes' bytecode from their own resources (so classes in jars work) and caches the parsed models. */
public final class ClassBytes {

    private static final Map<Class<?>, ClassModel> MODELS = new ConcurrentHashMap<>();

    private ClassBytes() {
    }

    /** The parsed class file of {@code type}, cached. */
    public static ClassModel model(Class<?> type) {
        return MODELS.computeIfAbsent(type, ClassBytes::read);
    }

    /** The raw class file, for hashing. */
    static byte[] bytes(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cannot read the bytecode of " + type.getName()
                        + ": no class file resource " + resource + " (generated or hidden classes cannot be kernels)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bytecode of " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    private static ClassModel read(Class<?> type) {
        return ClassFile.of().parse(bytes(type));
    }
}
