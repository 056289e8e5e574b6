package dev.squall.jit.passes;

import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tidies the control-flow graph: removes unreachable blocks, merges a block into its only
 * predecessor when that predecessor only jumps to it, and bypasses empty blocks that only jump on
 * (when no phi would need two different inputs from one predecessor). Keeps reverse postorder.
 */
public final class SimplifyCfg implements Pass {

    @Override
    public String name() {
        return "simplify-cfg";
    }

    @Override
    public boolean run(KernelFunction f) {
        boolean changedAny = false;
        boolean changed = true;
        while (changed) {
            changed = removeUnreachable(f);
            changed |= mergeChains(f);
            changed |= bypassEmpty(f);
            changedAny |= changed;
        }
        f.reorderBlocks(new Cfg(f).reversePostorder());
        return changedAny;
    }

    static boolean removeUnreachable(KernelFunction f) {
        Cfg cfg = new Cfg(f);
        Set<BlockId> reachable = new HashSet<>(cfg.reversePostorder());
        if (reachable.size() == f.blocks().size()) {
            return false;
        }
        for (Block b : f.blocks()) {
            if (!reachable.contains(b.id())) {
                for (BlockId s : b.successors()) {
                    if (reachable.contains(s)) {
                        IrRewriter.removePhiInputs(f.block(s), b.id());
                    }
                }
            }
        }
        f.retainBlocks(reachable);
        return true;
    }

    private static boolean mergeChains(KernelFunction f) {
        boolean changed = false;
        Map<BlockId, List<BlockId>> preds = f.predecessors();
        for (Block a : List.copyOf(f.blocks())) {
            if (!f.blocks().contains(a)) {
                continue;
            }
            while (a.terminator() instanceof Terminator.Jump j && !j.target().equals(a.id())
                    && !j.target().equals(f.entry().id()) && preds.get(j.target()).size() == 1) {
                Block b = f.block(j.target());
                Map<Var, Operand> replacements = new HashMap<>();
                for (Inst.Phi phi : b.phis()) {
                    replacements.put(phi.result(), phi.valueFrom(a.id()));
                }
                List<Inst> body = new ArrayList<>(a.body());
                body.addAll(b.body());
                a.setBody(body);
                a.setTerminator(b.terminator());
                for (BlockId s : b.successors()) {
                    IrRewriter.renamePhiPredecessor(f.block(s), b.id(), a.id());
                }
                Set<BlockId> keep = new HashSet<>();
                f.blocks().forEach(x -> keep.add(x.id()));
                keep.remove(b.id());
                f.retainBlocks(keep);
                IrRewriter.replaceUses(f, replacements);
                preds = f.predecessors();
                changed = true;
            }
        }
        return changed;
    }

    private static boolean bypassEmpty(KernelFunction f) {
        boolean changed = false;
        for (Block e : List.copyOf(f.blocks())) {
            if (e == f.entry() || !e.phis().isEmpty() || !e.body().isEmpty()
                    || !(e.terminator() instanceof Terminator.Jump j) || j.target().equals(e.id())) {
                continue;
            }
            Block target = f.block(j.target());
            Map<BlockId, List<BlockId>> preds = f.predecessors();
            List<BlockId> predsOfE = preds.get(e.id());
            List<BlockId> predsOfTarget = preds.get(target.id());
            boolean conflict = predsOfE.isEmpty() || (!target.phis().isEmpty()
                    && predsOfE.stream().anyMatch(predsOfTarget::contains));
            if (conflict) {
                continue;
            }
            for (BlockId p : predsOfE) {
                Block pred = f.block(p);
                pred.setTerminator(pred.terminator().withSuccessors(s -> s.equals(e.id()) ? target.id() : s));
            }
            List<Inst.Phi> phis = new ArrayList<>();
            for (Inst.Phi phi : target.phis()) {
                List<Inst.PhiInput> inputs = new ArrayList<>();
                for (Inst.PhiInput in : phi.inputs()) {
                    if (in.predecessor().equals(e.id())) {
                        for (BlockId p : predsOfE) {
                            inputs.add(new Inst.PhiInput(p, in.value()));
                        }
                    } else {
                        inputs.add(in);
                    }
                }
                phis.add(new Inst.Phi(phi.result(), inputs, phi.pos()));
            }
            target.setPhis(phis);
            Set<BlockId> keep = new HashSet<>();
            f.blocks().forEach(x -> keep.add(x.id()));
            keep.remove(e.id());
            f.retainBlocks(keep);
            changed = true;
        }
        return changed;
    }
}
