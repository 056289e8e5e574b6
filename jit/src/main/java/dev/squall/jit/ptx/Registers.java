package dev.squall.jit.ptx;

import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Type;
import dev.squall.jit.ir.Var;
import java.util.EnumMap;
import java.util.Map;

/**
 * PTX virtual registers: one per IR variable, named by class and id ({@code %r12}, {@code %fd3},
 * {@code %p7}), plus numbered temporaries for multi-instruction expansions. Bytes and shorts
 * live sign-extended in 32-bit registers; shared-memory pointers are 32-bit offsets.
 */
final class Registers {

    enum RegClass {
        B16(".b16", "%h"), B32(".b32", "%r"), B64(".b64", "%rd"), F32(".f32", "%f"), F64(".f64", "%fd"), PRED(".pred", "%p");

        final String ptxType;
        final String prefix;

        RegClass(String ptxType, String prefix) {
            this.ptxType = ptxType;
            this.prefix = prefix;
        }
    }

    private final Map<RegClass, Integer> maxVar = new EnumMap<>(RegClass.class);
    private final Map<RegClass, Integer> temps = new EnumMap<>(RegClass.class);

    static RegClass classOf(Type t) {
        return switch (t) {
            case ScalarType s -> switch (s) {
                case BOOL -> RegClass.PRED;
                case I8, I16, I32 -> RegClass.B32;
                case I64 -> RegClass.B64;
                case F32 -> RegClass.F32;
                case F64 -> RegClass.F64;
            };
            case PointerType p -> p.space() == AddressSpace.LOCAL ? RegClass.B32 : RegClass.B64;
        };
    }

    String of(Var v) {
        RegClass c = classOf(v.type());
        maxVar.merge(c, v.id(), Math::max);
        return c.prefix + v.id();
    }

    /** A fresh temporary of a class. */
    String temp(RegClass c) {
        int n = temps.merge(c, 1, Integer::sum) - 1;
        return c.prefix + "t" + n;
    }

    /** The register declarations for everything used. */
    String declarations() {
        StringBuilder out = new StringBuilder();
        for (RegClass c : RegClass.values()) {
            Integer max = maxVar.get(c);
            if (max != null) {
                out.append("    .reg ").append(c.ptxType).append(' ').append(c.prefix).append('<').append(max + 1).append(">;\n");
            }
            Integer t = temps.get(c);
            if (t != null) {
                out.append("    .reg ").append(c.ptxType).append(' ').append(c.prefix).append("t<").append(t).append(">;\n");
            }
        }
        return out.toString();
    }
}
