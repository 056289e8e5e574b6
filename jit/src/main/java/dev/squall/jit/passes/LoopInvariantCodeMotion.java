package dev.squall.jit.passes;

import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.analysis.Loop;
import dev.squall.jit.analysis.Loops;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hoists loop-invariant computations into each loop's preheader, innermost loops first. Only
 * operations that cannot trap or touch memory move (no loads, no integer division), so hoisting
 * out of a conditional block is safe.
 */
public final class LoopInvariantCodeMotion implements Pass {

    @Override
    public String name() {
        return "licm";
    }

    @Override
    public boolean run(KernelFunction f) {
        boolean changed = false;
        List<BlockId> headers = new Loops(new Dominators(new Cfg(f))).all().stream().map(Loop::header).toList();
        // innermost first: reverse of the outer-before-inner order
        for (int h = headers.size() - 1; h >= 0; h--) {
            Loops loops = new Loops(new Dominators(new Cfg(f)));
            Loop loop = loops.loopAt(headers.get(h));
            if (loop == null) {
                continue;
            }
            Block pre = Preheaders.ensure(f, loop);
            Set<Var> definedInLoop = new HashSet<>();
            for (BlockId b : loop.body()) {
                Block block = f.block(b);
                block.phis().forEach(p -> definedInLoop.add(p.result()));
                block.body().forEach(i -> definedInLoop.addAll(i.results()));
            }
            List<Inst> hoisted = new ArrayList<>();
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Block block : f.blocks()) {
                    if (!loop.contains(block.id())) {
                        continue;
                    }
                    List<Inst> kept = new ArrayList<>();
                    for (Inst inst : block.body()) {
                        if (movable(inst) && invariant(inst, definedInLoop)) {
                            hoisted.add(inst);
                            definedInLoop.remove(inst.result());
                            moved = true;
                        } else {
                            kept.add(inst);
                        }
                    }
                    block.setBody(kept);
                }
            }
            if (!hoisted.isEmpty()) {
                List<Inst> body = new ArrayList<>(pre.body());
                body.addAll(hoisted);
                pre.setBody(body);
                changed = true;
            }
        }
        f.reorderBlocks(new Cfg(f).reversePostorder());
        return changed;
    }

    private static boolean movable(Inst inst) {
        return switch (inst) {
            case Inst.Binary b -> b.op().isSpeculatable((ScalarType) b.result().type());
            case Inst.Unary u -> true;
            case Inst.Fma m -> true;
            case Inst.Compare c -> true;
            case Inst.Select s -> true;
            case Inst.Convert c -> true;
            case Inst.WorkItem w -> true;
            case Inst.PtrOffset p -> true;
            default -> false;
        };
    }

    private static boolean invariant(Inst inst, Set<Var> definedInLoop) {
        for (Operand op : inst.operands()) {
            if (op instanceof Var v && definedInLoop.contains(v)) {
                return false;
            }
        }
        return true;
    }
}
