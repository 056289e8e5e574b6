package dev.squall.jit.frontend;

import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * What the front end knows a JVM stack slot or local variable holds: a scalar operand, an array
 * (its elements and length), a scalar-replaced record, the kernel context, or nothing usable.
 */
sealed interface AValue {

    /** A Java category-2 value (long or double) takes two stack words and two local slots. */
    default boolean wide() {
        return false;
    }

    record Scalar(Operand operand) implements AValue {
        @Override
        public boolean wide() {
            return operand.type() == ScalarType.I64 || operand.type() == ScalarType.F64;
        }
    }

    record ArrayRef(Operand data, Operand length, ArrayKind kind) implements AValue {
    }

    /**
     * A record instance kept as its fields. {@code allocation} identifies the {@code new} it came
     * from while its constructor runs (fields are then still being set); afterwards it is only a value.
     */
    record Obj(int allocation, RecordInfo info, List<AValue> fields) implements AValue {
        public Obj {
            fields = java.util.Collections.unmodifiableList(new ArrayList<>(fields));
        }

        Obj withField(int index, AValue value) {
            List<AValue> copy = new ArrayList<>(fields);
            copy.set(index, value);
            return new Obj(allocation, info, copy);
        }
    }

    /** The {@code KernelContext}: its fields are work-item queries. */
    record Context() implements AValue {
    }

    /** An unusable slot: uninitialised, or the upper half of a long or double. */
    record Dead() implements AValue {
    }

    Dead DEAD = new Dead();
    Context CONTEXT = new Context();
}
