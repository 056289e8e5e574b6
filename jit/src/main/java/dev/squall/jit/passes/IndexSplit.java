package dev.squall.jit.passes;

import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Var;
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
}
