package dev.squall.jit.frontend;

import dev.squall.api.KernelContext;
import dev.squall.jit.ir.ScalarType;

/** The kind of value a variable holds at a merge point, from the JVM's stack map frame: what phis to make. */
sealed interface Shape {

    record ScalarShape(ScalarType type) implements Shape {
    }

    record ArrayShape(ArrayKind kind) implements Shape {
    }

    record RecordShape(RecordInfo info) implements Shape {
    }

    record ContextShape() implements Shape {
    }

    record DeadShape() implements Shape {
    }

    /** An object between its {@code new} and its constructor call: the same value on every path. */
    record UninitializedShape() implements Shape {
    }

    Shape DEAD = new DeadShape();

    /** The shape of a Java type, or null if kernels cannot hold it in a variable. */
    static Shape ofClass(Class<?> type) {
        if (type == int.class || type == boolean.class || type == byte.class || type == short.class || type == char.class) {
            return new ScalarShape(ScalarType.I32);
        }
        if (type == long.class) {
            return new ScalarShape(ScalarType.I64);
        }
        if (type == float.class) {
            return new ScalarShape(ScalarType.F32);
        }
        if (type == double.class) {
            return new ScalarShape(ScalarType.F64);
        }
        if (type == KernelContext.class) {
            return new ContextShape();
        }
        ArrayKind kind = ArrayKind.of(type);
        if (kind != null) {
            return new ArrayShape(kind);
        }
        if (type.isRecord()) {
            return new RecordShape(RecordInfo.of(type));
        }
        return null;
    }
}
