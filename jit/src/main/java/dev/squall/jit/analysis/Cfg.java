package dev.squall.jit.analysis;

import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.KernelFunction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The control-flow graph of a kernel: predecessors, successors and reverse postorder. */
public final class Cfg {

    private final KernelFunction function;
    private final Map<BlockId, List<BlockId>> predecessors;
    private final List<BlockId> reversePostorder;

    public Cfg(KernelFunction function) {
        this.function = function;
        this.predecessors = function.predecessors();
        this.reversePostorder = computeRpo(function);
    }

    private static List<BlockId> computeRpo(KernelFunction function) {
        List<BlockId> post = new ArrayList<>();
        Set<BlockId> visited = new HashSet<>();
        // Iterative DFS: (block, index of next successor to visit)
        Deque<Object[]> stack = new ArrayDeque<>();
        BlockId entry = function.entry().id();
        visited.add(entry);
        stack.push(new Object[] {entry, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            BlockId id = (BlockId) top[0];
            int next = (int) top[1];
            List<BlockId> succs = function.block(id).successors();
            if (next < succs.size()) {
                top[1] = next + 1;
                BlockId s = succs.get(next);
                if (visited.add(s)) {
                    stack.push(new Object[] {s, 0});
                }
            } else {
                post.add(id);
                stack.pop();
            }
        }
        Collections.reverse(post);
        return List.copyOf(post);
    }

    public KernelFunction function() {
        return function;
    }

    public Block block(BlockId id) {
        return function.block(id);
    }

    public List<BlockId> predecessors(BlockId id) {
        return predecessors.getOrDefault(id, List.of());
    }

    public List<BlockId> successors(BlockId id) {
        return function.block(id).successors();
    }

    /** Blocks reachable from the entry, in reverse postorder (every block before its successors, back edges aside). */
    public List<BlockId> reversePostorder() {
        return reversePostorder;
    }

    public BlockId entry() {
        return function.entry().id();
    }
}
