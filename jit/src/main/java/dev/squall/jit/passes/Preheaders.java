package dev.squall.jit.passes;

import dev.squall.jit.analysis.Loop;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives a loop a preheader: one block outside the loop whose only successor is the header and
 * which is the header's only predecessor from outside. Code hoisted out of the loop goes there.
 */
public final class Preheaders {

    private Preheaders() {
    }

    /** The loop's preheader, creating one if needed (the caller must recompute analyses afterwards). */
    public static Block ensure(KernelFunction f, Loop loop) {
        Block header = f.block(loop.header());
        List<BlockId> outside = f.predecessors().get(loop.header()).stream().filter(p -> !loop.contains(p)).toList();
        if (outside.size() == 1) {
            Block only = f.block(outside.get(0));
            if (only.successors().size() == 1) {
                return only;
            }
        }
        Block pre = f.newBlock(header.bci(), header.pos());
        pre.setTerminator(new Terminator.Jump(header.id(), header.pos()));
        for (BlockId p : outside) {
            Block pred = f.block(p);
            pred.setTerminator(pred.terminator().withSuccessors(s -> s.equals(header.id()) ? pre.id() : s));
        }
        List<Inst.Phi> headerPhis = new ArrayList<>();
        List<Inst.Phi> prePhis = new ArrayList<>();
        for (Inst.Phi phi : header.phis()) {
            List<Inst.PhiInput> fromOutside = phi.inputs().stream().filter(in -> outside.contains(in.predecessor())).toList();
            List<Inst.PhiInput> kept = new ArrayList<>(phi.inputs().stream()
                    .filter(in -> !outside.contains(in.predecessor())).toList());
            if (fromOutside.size() == 1) {
                kept.add(new Inst.PhiInput(pre.id(), fromOutside.get(0).value()));
            } else {
                Var merged = f.newVar(phi.result().type(), phi.result().name());
                prePhis.add(new Inst.Phi(merged, fromOutside, phi.pos()));
                kept.add(new Inst.PhiInput(pre.id(), merged));
            }
            headerPhis.add(new Inst.Phi(phi.result(), kept, phi.pos()));
        }
        header.setPhis(headerPhis);
        pre.setPhis(prePhis);
        return pre;
    }
}
