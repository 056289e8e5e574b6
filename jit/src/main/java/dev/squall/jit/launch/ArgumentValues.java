package dev.squall.jit.launch;

import dev.squall.api.types.NativeArray;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.Semantics;
import dev.squall.jit.ir.Var;
import java.util.HashMap;
import java.util.Map;

/** The scalar values a launch gives a kernel's parameters (scalars and array lengths), as IR bits. */
public final class ArgumentValues {

    private ArgumentValues() {
    }

    /** Scalar and length parameters of {@code f} bound to the Java arguments. */
    public static Map<Var, Long> scalars(KernelFunction f, Object[] javaArgs) {
        Map<Var, Long> values = new HashMap<>();
        for (Param p : f.params()) {
            switch (p.role()) {
                case VALUE -> values.put(p.var(), bits(javaArgs[p.javaIndex()]));
                case LENGTH -> values.put(p.var(), (long) length(javaArgs[p.javaIndex()]));
                default -> { }
            }
        }
        return values;
    }

    /** The IR bits of a boxed Java scalar. */
    public static long bits(Object value) {
        return switch (value) {
            case Integer i -> i;
            case Long l -> l;
            case Short s -> s;
            case Byte b -> b;
            case Character c -> c;
            case Boolean b -> b ? 1 : 0;
            case Float f -> Semantics.f32(f);
            case Double d -> Double.doubleToRawLongBits(d);
            default -> throw new IllegalArgumentException("not a scalar kernel argument: " + value);
        };
    }

    /** Number of elements of a Squall or Java array argument. */
    public static int length(Object array) {
        if (array instanceof NativeArray a) {
            return a.getSize();
        }
        return java.lang.reflect.Array.getLength(array);
    }
}
