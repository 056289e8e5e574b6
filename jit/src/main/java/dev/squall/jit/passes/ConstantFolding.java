package dev.squall.jit.passes;

import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.ConvertOp;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Semantics;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.UnaryOp;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Constant folding and copy propagation with Java's exact semantics ({@link Semantics}), a few
 * algebraic identities that hold bit for bit (integer {@code x+0}, {@code x*1}, ...; none on floats
 * that would change -0.0 or NaN), phis whose inputs agree, and branches on constants. Integer
 * division by a constant zero is left alone: Java defines it to throw.
 */
public final class ConstantFolding implements Pass {

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public boolean run(KernelFunction f) {
        boolean changedAny = false;
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Var, Operand> replacements = new HashMap<>();
            Map<Var, Inst> defs = f.definitions();
            for (Block b : f.blocks()) {
                for (Inst.Phi phi : b.phis()) {
                    Operand same = null;
                    boolean allSame = true;
                    for (Inst.PhiInput in : phi.inputs()) {
                        Operand v = IrRewriter.resolve(in.value(), replacements);
                        if (v.equals(phi.result())) {
                            continue;
                        }
                        if (same == null) {
                            same = v;
                        } else if (!same.equals(v)) {
                            allSame = false;
                        }
                    }
                    if (allSame && same != null) {
                        replacements.put(phi.result(), same);
                    }
                }
                List<Inst> body = new ArrayList<>();
                for (Inst inst : b.body()) {
                    Inst s = IrRewriter.substitute(inst, replacements);
                    Operand folded = fold(s, defs);
                    if (folded != null) {
                        replacements.put(s.result(), folded);
                    } else {
                        body.add(s);
                    }
                }
                b.setBody(body);
            }
            if (!replacements.isEmpty()) {
                IrRewriter.replaceUses(f, replacements);
                for (Block b : f.blocks()) {
                    b.setPhis(b.phis().stream().filter(p -> !replacements.containsKey(p.result())).toList());
                }
                changed = true;
            }
            changed |= foldBranches(f);
            changedAny |= changed;
        }
        return changedAny;
    }

    private static boolean foldBranches(KernelFunction f) {
        boolean changed = false;
        for (Block b : f.blocks()) {
            if (b.terminator() instanceof Terminator.Branch br) {
                if (br.condition() instanceof Const c) {
                    BlockId taken = c.asBool() ? br.ifTrue() : br.ifFalse();
                    BlockId dropped = c.asBool() ? br.ifFalse() : br.ifTrue();
                    b.setTerminator(new Terminator.Jump(taken, br.pos()));
                    if (!dropped.equals(taken)) {
                        IrRewriter.removePhiInputs(f.block(dropped), b.id());
                    }
                    changed = true;
                } else if (br.ifTrue().equals(br.ifFalse())) {
                    b.setTerminator(new Terminator.Jump(br.ifTrue(), br.pos()));
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** The value {@code inst} always has, or null. */
    static Operand fold(Inst inst, Map<Var, Inst> defs) {
        try {
            return switch (inst) {
                case Inst.Binary b -> foldBinary(b);
                case Inst.Unary u -> u.value() instanceof Const c
                        ? Const.of((ScalarType) u.result().type(), Semantics.unary(u.op(), c.type(), c.bits()))
                        : u.op() == UnaryOp.NOT && u.value() instanceof Var v && defs.get(v) instanceof Inst.Unary inner
                        && inner.op() == UnaryOp.NOT ? inner.value() : null;
                case Inst.Fma m -> m.a() instanceof Const a && m.b() instanceof Const b && m.c() instanceof Const c
                        ? Const.of(a.type(), Semantics.fma(a.type(), a.bits(), b.bits(), c.bits())) : null;
                case Inst.Compare c -> foldCompare(c, defs);
                case Inst.Select s -> s.condition() instanceof Const c ? (c.asBool() ? s.ifTrue() : s.ifFalse())
                        : s.ifTrue().equals(s.ifFalse()) ? s.ifTrue() : null;
                case Inst.Convert c -> c.value() instanceof Const v
                        ? Const.of(c.op().to(), Semantics.convert(c.op(), v.bits())) : null;
                default -> null;
            };
        } catch (ArithmeticException e) {
            return null; // integer division by zero: keep it, it throws at run time
        }
    }

    private static Operand foldBinary(Inst.Binary b) {
        ScalarType type = (ScalarType) b.result().type();
        if (b.left() instanceof Const l && b.right() instanceof Const r) {
            if (type.isInteger() && (b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM) && r.bits() == 0) {
                return null;
            }
            return Const.of(type, Semantics.binary(b.op(), type, l.bits(), r.bits()));
        }
        if (!type.isInteger()) {
            return null;
        }
        Operand x = b.left();
        Operand y = b.right();
        return switch (b.op()) {
            case ADD -> isConst(y, 0) ? x : isConst(x, 0) ? y : null;
            case SUB -> isConst(y, 0) ? x : x.equals(y) ? Const.of(type, 0) : null;
            case MUL -> isConst(y, 1) ? x : isConst(x, 1) ? y : isConst(y, 0) || isConst(x, 0) ? Const.of(type, 0) : null;
            case DIV -> isConst(y, 1) ? x : null;
            case AND -> isConst(y, -1) ? x : isConst(x, -1) ? y : isConst(y, 0) || isConst(x, 0) ? Const.of(type, 0)
                    : x.equals(y) ? x : null;
            case OR -> isConst(y, 0) ? x : isConst(x, 0) ? y : x.equals(y) ? x : null;
            case XOR -> isConst(y, 0) ? x : isConst(x, 0) ? y : x.equals(y) ? Const.of(type, 0) : null;
            case SHL, SHR, USHR -> isConst(y, 0) ? x : null;
            default -> null;
        };
    }

    private static boolean isConst(Operand op, long value) {
        return op instanceof Const c && c.bits() == value;
    }

    private static Operand foldCompare(Inst.Compare c, Map<Var, Inst> defs) {
        if (c.left() instanceof Const l && c.right() instanceof Const r) {
            return Const.bool(Semantics.compare(c.op(), l.type(), l.bits(), r.bits()));
        }
        // (bool2i b) != 0  is  b: how Java's int booleans return to conditions
        if (c.right() instanceof Const zero && zero.bits() == 0 && c.left() instanceof Var v
                && defs.get(v) instanceof Inst.Convert conv && conv.op() == ConvertOp.BOOL2I) {
            if (c.op() == CompareOp.NE) {
                return conv.value();
            }
        }
        return null;
    }
}
