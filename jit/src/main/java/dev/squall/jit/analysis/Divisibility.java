package dev.squall.jit.analysis;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Var;
import java.util.HashMap;
import java.util.Map;

/**
 * The largest power of two each integer value is known to be a multiple of, from constants,
 * {@linkplain KernelFunction#knownDivisors() parameter facts} and arithmetic: {@code a·b} is a
 * multiple of both factors' divisors multiplied, {@code a ± b} of the smaller one, {@code a << k}
 * of {@code 2^k} times more. Wrapping arithmetic keeps these facts (they are about low bits).
 * Loop-carried values start optimistic and are lowered until nothing changes, so
 * {@code for (c = 8·lane; …; c += 8·lanes)} is known to step through multiples of 8.
 */
public final class Divisibility {

    /** What "a multiple of everything" is capped at (zero, and values not yet seen in a loop). */
    public static final int TOP = 1 << 20;

    private final Map<Var, Integer> known = new HashMap<>();

    public Divisibility(KernelFunction f) {
        for (Block b : f.blocks()) {
            for (Inst.Phi phi : b.phis()) {
                start(phi.result());
            }
            for (Inst inst : b.body()) {
                inst.results().forEach(this::start);
            }
        }
        known.putAll(f.knownDivisors());
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Block b : f.blocks()) {
                for (Inst.Phi phi : b.phis()) {
                    int d = TOP;
                    for (Inst.PhiInput in : phi.inputs()) {
                        d = Math.min(d, of(in.value()));
                    }
                    changed |= lower(phi.result(), d);
                }
                for (Inst inst : b.body()) {
                    Var r = inst.result();
                    if (r != null && isInteger(r)) {
                        changed |= lower(r, transfer(inst));
                    }
                }
            }
        }
    }

    /** A power of two that divides {@code value} (1 when nothing is known). */
    public int of(Operand value) {
        if (value instanceof Const c) {
            long bits = c.asLong();
            return bits == 0 ? TOP : (int) Math.min(TOP, Long.lowestOneBit(bits));
        }
        if (value instanceof Var v && isInteger(v)) {
            return known.getOrDefault(v, 1);
        }
        return 1;
    }

    /** Variables the function defines start at TOP (optimistic); parameters without facts are 1. */
    private void start(Var v) {
        if (isInteger(v)) {
            known.put(v, TOP);
        }
    }

    private boolean lower(Var v, int d) {
        Integer old = known.get(v);
        if (old != null && d < old) {
            known.put(v, d);
            return true;
        }
        return false;
    }

    private int transfer(Inst inst) {
        return switch (inst) {
            case Inst.Binary b -> switch (b.op()) {
                case ADD, SUB, OR, XOR, MIN, MAX -> Math.min(of(b.left()), of(b.right()));
                case MUL -> (int) Math.min(TOP, (long) of(b.left()) * of(b.right()));
                case AND -> Math.max(of(b.left()), of(b.right()));
                case SHL -> b.right() instanceof Const k
                        ? (int) Math.min(TOP, (long) of(b.left()) << Math.min(40, k.asInt() & (b.left().type() == ScalarType.I64 ? 63 : 31)))
                        : 1;
                case SHR, USHR -> b.right() instanceof Const k
                        ? Math.max(1, of(b.left()) >> Math.min(30, k.asInt() & 63))
                        : 1;
                default -> 1;
            };
            case Inst.Select s -> Math.min(of(s.ifTrue()), of(s.ifFalse()));
            case Inst.Convert c -> switch (c.op()) {
                case I2L, L2I -> of(c.value());
                default -> 1;
            };
            default -> 1;
        };
    }

    private static boolean isInteger(Var v) {
        return v.type() == ScalarType.I32 || v.type() == ScalarType.I64;
    }
}
