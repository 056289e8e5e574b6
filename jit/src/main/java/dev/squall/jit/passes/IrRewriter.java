package dev.squall.jit.passes;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rewrites shared by the passes: replacing uses of variables, and editing phi inputs when edges change. */
public final class IrRewriter {

    private IrRewriter() {
    }

    /** Replaces every use of a key of {@code replacements} with its value (following chains). */
    public static void replaceUses(KernelFunction f, Map<Var, Operand> replacements) {
        if (replacements.isEmpty()) {
            return;
        }
        for (Block b : f.blocks()) {
            List<Inst.Phi> phis = new ArrayList<>(b.phis().size());
            for (Inst.Phi phi : b.phis()) {
                phis.add((Inst.Phi) substitute(phi, replacements));
            }
            b.setPhis(phis);
            List<Inst> body = new ArrayList<>(b.body().size());
            for (Inst inst : b.body()) {
                body.add(substitute(inst, replacements));
            }
            b.setBody(body);
            List<Operand> ops = b.terminator().operands();
            List<Operand> fresh = new ArrayList<>(ops.size());
            boolean changed = false;
            for (Operand op : ops) {
                Operand r = resolve(op, replacements);
                changed |= r != op;
                fresh.add(r);
            }
            if (changed) {
                b.setTerminator(b.terminator().withOperands(fresh));
            }
        }
    }

    /** The instruction with its operands replaced. */
    public static Inst substitute(Inst inst, Map<Var, Operand> replacements) {
        List<Operand> ops = inst.operands();
        List<Operand> fresh = new ArrayList<>(ops.size());
        boolean changed = false;
        for (Operand op : ops) {
            Operand r = resolve(op, replacements);
            changed |= r != op;
            fresh.add(r);
        }
        return changed ? inst.withOperands(fresh) : inst;
    }

    public static Operand resolve(Operand op, Map<Var, Operand> replacements) {
        Operand current = op;
        for (int guard = 0; current instanceof Var v && replacements.containsKey(v); guard++) {
            current = replacements.get(v);
            if (guard > 10_000) {
                throw new IllegalStateException("cyclic replacement of " + op.text());
            }
        }
        return current;
    }

    /** Drops the inputs that {@code block}'s phis receive from {@code predecessor} (the edge is gone). */
    public static void removePhiInputs(Block block, BlockId predecessor) {
        List<Inst.Phi> phis = new ArrayList<>();
        for (Inst.Phi phi : block.phis()) {
            phis.add(new Inst.Phi(phi.result(), phi.inputs().stream().filter(in -> !in.predecessor().equals(predecessor))
                    .toList(), phi.pos()));
        }
        block.setPhis(phis);
    }

    /** Makes {@code block}'s phis take from {@code newPredecessor} what they took from {@code oldPredecessor}. */
    public static void renamePhiPredecessor(Block block, BlockId oldPredecessor, BlockId newPredecessor) {
        List<Inst.Phi> phis = new ArrayList<>();
        for (Inst.Phi phi : block.phis()) {
            List<Inst.PhiInput> inputs = new ArrayList<>();
            for (Inst.PhiInput in : phi.inputs()) {
                inputs.add(in.predecessor().equals(oldPredecessor) ? new Inst.PhiInput(newPredecessor, in.value()) : in);
            }
            phis.add(new Inst.Phi(phi.result(), inputs, phi.pos()));
        }
        block.setPhis(phis);
    }
}
