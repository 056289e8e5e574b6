package dev.squall.jit.passes;

import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces a pure computation by an identical one that dominates it (dominator-scoped value
 * numbering). Loads are not merged: a store or barrier between them could change memory.
 */
public final class CommonSubexpressions implements Pass {

    @Override
    public String name() {
        return "cse";
    }

    @Override
    public boolean run(KernelFunction f) {
        Dominators dom = new Dominators(new Cfg(f));
        Map<Var, Operand> replacements = new HashMap<>();
        walk(f, dom, dom.cfg().entry(), new HashMap<>(), replacements);
        IrRewriter.replaceUses(f, replacements);
        return !replacements.isEmpty();
    }

    private void walk(KernelFunction f, Dominators dom, BlockId id, Map<List<Object>, Var> available,
                      Map<Var, Operand> replacements) {
        Block block = f.block(id);
        Map<List<Object>, Var> scope = new HashMap<>(available);
        List<Inst> kept = new ArrayList<>();
        for (Inst raw : block.body()) {
            Inst inst = IrRewriter.substitute(raw, replacements);
            List<Object> key = key(inst);
            if (key != null) {
                Var existing = scope.get(key);
                if (existing != null) {
                    replacements.put(inst.result(), existing);
                    continue;
                }
                scope.put(key, inst.result());
            }
            kept.add(inst);
        }
        block.setBody(kept);
        for (BlockId child : dom.children(id)) {
            walk(f, dom, child, scope, replacements);
        }
    }

    /** What makes two instructions compute the same value, or null if they must stay apart. */
    private static List<Object> key(Inst inst) {
        return switch (inst) {
            case Inst.Binary b -> List.of("bin", b.op(), b.result().type(), b.left(), b.right());
            case Inst.Unary u -> List.of("un", u.op(), u.result().type(), u.value());
            case Inst.Fma m -> List.of("fma", m.a(), m.b(), m.c());
            case Inst.Compare c -> List.of("cmp", c.op(), c.left(), c.right());
            case Inst.Select s -> List.of("sel", s.condition(), s.ifTrue(), s.ifFalse());
            case Inst.Convert c -> List.of("cvt", c.op(), c.value());
            case Inst.WorkItem w -> List.of("wi", w.query(), w.dimension());
            case Inst.PtrOffset p -> List.of("ptr", p.result().type(), p.base(), p.byteOffset());
            default -> null;
        };
    }
}
