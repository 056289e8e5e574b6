package dev.squall.jit.passes;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.Var;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes instructions and phis whose results nothing with an effect depends on (cycles of phis
 * included), by marking from stores, atomics, barriers and terminators. Loads are removable.
 */
public final class DeadCodeElimination implements Pass {

    @Override
    public String name() {
        return "dead-code-elimination";
    }

    @Override
    public boolean run(KernelFunction f) {
        Set<Var> live = liveValues(f);
        boolean changed = false;
        for (Block b : f.blocks()) {
            List<Inst.Phi> phis = b.phis().stream().filter(p -> live.contains(p.result())).toList();
            List<Inst> body = b.body().stream()
                    .filter(i -> i.hasSideEffects() || i.results().isEmpty() || i.results().stream().anyMatch(live::contains))
                    .toList();
            changed |= phis.size() != b.phis().size() || body.size() != b.body().size();
            b.setPhis(phis);
            b.setBody(body);
        }
        return changed;
    }

    /** The values something with an effect (a store, an atomic, a barrier, a terminator) depends on, and the parameters. */
    public static Set<Var> liveValues(KernelFunction f) {
        Map<Var, Inst> defs = f.definitions();
        Set<Var> live = new HashSet<>();
        Deque<Var> work = new ArrayDeque<>();
        for (Param p : f.params()) {
            live.add(p.var());
        }
        for (Block b : f.blocks()) {
            for (Inst inst : b.body()) {
                if (inst.hasSideEffects()) {
                    markOperands(inst.operands(), live, work);
                    if (inst.result() != null && live.add(inst.result())) {
                        work.push(inst.result());
                    }
                }
            }
            markOperands(b.terminator().operands(), live, work);
        }
        while (!work.isEmpty()) {
            Inst def = defs.get(work.pop());
            if (def != null) {
                markOperands(def.operands(), live, work);
            }
        }
        return live;
    }

    private static void markOperands(List<Operand> ops, Set<Var> live, Deque<Var> work) {
        for (Operand op : ops) {
            if (op instanceof Var v && live.add(v)) {
                work.push(v);
            }
        }
    }
}
