package dev.squall.jit.analysis;

import dev.squall.jit.ir.BlockId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dominator tree by Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast Dominance
 * Algorithm"), over the reachable blocks.
 */
public final class Dominators {

    private final Cfg cfg;
    private final Map<BlockId, BlockId> idom = new HashMap<>();
    private final Map<BlockId, Integer> order = new HashMap<>();
    private final Map<BlockId, List<BlockId>> children = new HashMap<>();

    public Dominators(Cfg cfg) {
        this.cfg = cfg;
        List<BlockId> rpo = cfg.reversePostorder();
        for (int i = 0; i < rpo.size(); i++) {
            order.put(rpo.get(i), i);
        }
        BlockId entry = cfg.entry();
        idom.put(entry, entry);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (BlockId b : rpo) {
                if (b.equals(entry)) {
                    continue;
                }
                BlockId newIdom = null;
                for (BlockId p : cfg.predecessors(b)) {
                    if (!idom.containsKey(p)) {
                        continue;
                    }
                    newIdom = newIdom == null ? p : intersect(p, newIdom);
                }
                if (newIdom != null && !newIdom.equals(idom.get(b))) {
                    idom.put(b, newIdom);
                    changed = true;
                }
            }
        }
        for (BlockId b : rpo) {
            children.put(b, new ArrayList<>());
        }
        for (BlockId b : rpo) {
            if (!b.equals(entry)) {
                children.get(idom.get(b)).add(b);
            }
        }
    }

    private BlockId intersect(BlockId a, BlockId b) {
        while (!a.equals(b)) {
            while (order.get(a) > order.get(b)) {
                a = idom.get(a);
            }
            while (order.get(b) > order.get(a)) {
                b = idom.get(b);
            }
        }
        return a;
    }

    /** The immediate dominator, or null for the entry and unreachable blocks. */
    public BlockId idom(BlockId b) {
        BlockId d = idom.get(b);
        return d == null || d.equals(b) ? null : d;
    }

    public boolean isReachable(BlockId b) {
        return idom.containsKey(b);
    }

    /** True if every path from the entry to {@code b} passes through {@code a} (a block dominates itself). */
    public boolean dominates(BlockId a, BlockId b) {
        if (!isReachable(b)) {
            return false;
        }
        BlockId x = b;
        while (true) {
            if (x.equals(a)) {
                return true;
            }
            BlockId up = idom(x);
            if (up == null) {
                return false;
            }
            x = up;
        }
    }

    /** Children in the dominator tree, in reverse postorder. */
    public List<BlockId> children(BlockId b) {
        return children.getOrDefault(b, List.of());
    }

    /** Position in reverse postorder. */
    public int rpoIndex(BlockId b) {
        return order.get(b);
    }

    public Cfg cfg() {
        return cfg;
    }
}
