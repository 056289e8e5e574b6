package dev.squall.jit.analysis;

import dev.squall.jit.ir.BlockId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The natural loops of a reducible CFG (javac's are), keyed by header, with their nesting. An edge
 * b → h is a back edge when h dominates b.
 */
public final class Loops {

    private final Map<BlockId, Loop> loops = new LinkedHashMap<>();
    private final Dominators dominators;

    public Loops(Dominators dominators) {
        this.dominators = dominators;
        Cfg cfg = dominators.cfg();
        Map<BlockId, List<BlockId>> latchesByHeader = new LinkedHashMap<>();
        for (BlockId b : cfg.reversePostorder()) {
            for (BlockId s : cfg.successors(b)) {
                if (dominators.dominates(s, b)) {
                    latchesByHeader.computeIfAbsent(s, k -> new ArrayList<>()).add(b);
                }
            }
        }
        Map<BlockId, Set<BlockId>> bodies = new HashMap<>();
        for (var entry : latchesByHeader.entrySet()) {
            BlockId header = entry.getKey();
            Set<BlockId> body = new LinkedHashSet<>();
            body.add(header);
            Deque<BlockId> work = new ArrayDeque<>();
            for (BlockId latch : entry.getValue()) {
                if (body.add(latch)) {
                    work.push(latch);
                }
            }
            while (!work.isEmpty()) {
                BlockId b = work.pop();
                for (BlockId p : cfg.predecessors(b)) {
                    if (dominators.isReachable(p) && body.add(p)) {
                        work.push(p);
                    }
                }
            }
            bodies.put(header, body);
        }
        // Parent: the smallest other loop whose body contains this header.
        List<BlockId> headers = new ArrayList<>(latchesByHeader.keySet());
        headers.sort(Comparator.comparingInt(dominators::rpoIndex));
        for (BlockId header : headers) {
            Set<BlockId> body = bodies.get(header);
            BlockId parent = null;
            int parentSize = Integer.MAX_VALUE;
            for (BlockId other : headers) {
                Set<BlockId> otherBody = bodies.get(other);
                if (!other.equals(header) && otherBody.contains(header) && otherBody.size() < parentSize) {
                    parent = other;
                    parentSize = otherBody.size();
                }
            }
            List<BlockId> exits = new ArrayList<>();
            for (BlockId b : body) {
                for (BlockId s : cfg.successors(b)) {
                    if (!body.contains(s) && !exits.contains(s)) {
                        exits.add(s);
                    }
                }
            }
            loops.put(header, new Loop(header, Set.copyOf(body), List.copyOf(latchesByHeader.get(header)),
                    List.copyOf(exits), parent));
        }
    }

    public Dominators dominators() {
        return dominators;
    }

    /** All loops, outer loops before inner ones. */
    public List<Loop> all() {
        return List.copyOf(loops.values());
    }

    /** The loop with this header, or null. */
    public Loop loopAt(BlockId header) {
        return loops.get(header);
    }

    /** The innermost loop containing {@code b}, or null. */
    public Loop innermost(BlockId b) {
        Loop best = null;
        for (Loop l : loops.values()) {
            if (l.contains(b) && (best == null || l.body().size() < best.body().size())) {
                best = l;
            }
        }
        return best;
    }

    /** Loop depth of {@code b}: 0 outside every loop. */
    public int depth(BlockId b) {
        int depth = 0;
        for (Loop l : loops.values()) {
            if (l.contains(b)) {
                depth++;
            }
        }
        return depth;
    }
}
