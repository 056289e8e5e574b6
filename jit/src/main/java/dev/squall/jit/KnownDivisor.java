package dev.squall.jit;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fact about an integer parameter, given in a specialisation map in place of a constant: every
 * launch passes a multiple of {@code divisor} (a power of two). The kernel stays general in the
 * value, but the compiler may use the fact, e.g. to prove {@code row * cols + 8 * lane} a multiple
 * of 8 and load eight halves in one aligned 16-byte access.
 */
public record KnownDivisor(int divisor) {

    /** The largest divisor worth knowing: 16-byte accesses of 1-byte elements need 16. */
    public static final int MAX = 16;

    public KnownDivisor {
        if (divisor < 2 || Integer.bitCount(divisor) != 1 || divisor > MAX) {
            throw new IllegalArgumentException("a known divisor is a power of two in [2, " + MAX + "], not " + divisor);
        }
    }

    /**
     * {@code specialization} plus, for every other {@code int} or {@code long} parameter whose
     * argument in {@code args} (by Java index) is even, the fact that holds for it: what a launcher
     * whose arguments stay fixed may compile a kernel with.
     */
    public static Map<Integer, Object> withFacts(Method kernel, List<?> args, Map<Integer, Object> specialization) {
        Map<Integer, Object> facts = new TreeMap<>(specialization);
        Class<?>[] types = kernel.getParameterTypes();
        for (int i = 0; i < types.length && i < args.size(); i++) {
            if (!facts.containsKey(i) && (types[i] == int.class || types[i] == long.class)
                    && args.get(i) instanceof Number n) {
                KnownDivisor d = of(n.longValue());
                if (d != null) {
                    facts.put(i, d);
                }
            }
        }
        return facts;
    }

    /** The fact that holds for {@code value} (its largest power-of-two divisor, capped), or null if it is odd. */
    public static KnownDivisor of(long value) {
        long low = value == 0 ? MAX : Math.min(MAX, Long.lowestOneBit(value));
        return low < 2 ? null : new KnownDivisor((int) low);
    }
}
