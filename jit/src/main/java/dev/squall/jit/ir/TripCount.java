package dev.squall.jit.ir;

import java.util.List;

/**
 * How many iterations a parallel loop has, computable on the host from the kernel's parameters
 * before a launch: {@code ceil((bound - start [+1 if inclusive]) / step)}, at least 0.
 *
 * @param computation pure instructions over parameters and constants that define start and bound
 * @param start       the loop's first index
 * @param bound       the loop's limit
 * @param inclusive   {@code i <= bound} rather than {@code i < bound}
 * @param step        the positive constant stride
 */
public record TripCount(List<Inst> computation, Operand start, Operand bound, boolean inclusive, long step) {
    public TripCount {
        computation = List.copyOf(computation);
    }
}
