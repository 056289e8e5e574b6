package dev.squall.jit.passes;

import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Var;
import java.util.List;
import java.util.Map;

/**
 * An element index as {@code base + offset} ({@code base} null for a constant index), looking through
 * additions and subtractions of constants: what tells {@link LoadCombining} and {@link StoreCombining}
 * that two accesses are neighbours.
 */
record IndexSplit(Operand base, long offset) {

    static IndexSplit of(Operand index, Map<Var, Inst> defs) {
        if (index instanceof Const c) {
            return new IndexSplit(null, c.asLong());
        }
        if (index instanceof Var v && defs.get(v) instanceof Inst.Binary bin) {
            if (bin.op() == BinaryOp.ADD && bin.right() instanceof Const c) {
                IndexSplit inner = of(bin.left(), defs);
                return new IndexSplit(inner.base(), inner.offset() + c.asLong());
            }
            if (bin.op() == BinaryOp.ADD && bin.left() instanceof Const c) {
                IndexSplit inner = of(bin.right(), defs);
                return new IndexSplit(inner.base(), inner.offset() + c.asLong());
            }
            if (bin.op() == BinaryOp.SUB && bin.right() instanceof Const c) {
                IndexSplit inner = of(bin.left(), defs);
                return new IndexSplit(inner.base(), inner.offset() - c.asLong());
            }
        }
        return new IndexSplit(index, 0);
    }

    /**
     * {@code base + offset} as an operand of {@code type}: a constant, the base itself, or a new sum
     * appended to {@code out}.
     */
    static Operand operand(KernelFunction f, Operand base, long offset, ScalarType type, SourcePos pos,
                           List<Inst> out) {
        if (base == null) {
            return Const.of(type, offset);
        }
        if (offset == 0) {
            return base;
        }
        Var sum = f.newVar(type, "");
        out.add(new Inst.Binary(sum, BinaryOp.ADD, base, Const.of(type, offset), pos));
        return sum;
    }
}
