package dev.squall.jit.passes;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges barriers that follow each other with nothing between them into one whose fence covers
 * both (a helper ending in a local barrier, followed by a global one, is the common case). Two
 * back-to-back barriers synchronise exactly as one does; one barrier is cheaper, and PoCL's CPU
 * work-group compiler has been seen to corrupt memory on such an empty region between barriers.
 */
public final class AdjacentBarrierMerging implements Pass {

    @Override
    public String name() {
        return "merge-barriers";
    }

    @Override
    public boolean run(KernelFunction f) {
        boolean changed = false;
        for (Block block : f.blocks()) {
            List<Inst> body = block.body();
            List<Inst> merged = new ArrayList<>(body.size());
            for (Inst inst : body) {
                if (inst instanceof Inst.Barrier b && !merged.isEmpty() && merged.getLast() instanceof Inst.Barrier previous) {
                    merged.set(merged.size() - 1, new Inst.Barrier(previous.globalFence() || b.globalFence(), previous.pos()));
                    changed = true;
                } else {
                    merged.add(inst);
                }
            }
            if (merged.size() != body.size()) {
                block.setBody(merged);
            }
        }
        return changed;
    }
}
