package dev.squall.jit.ir;

import dev.squall.api.KernelContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel in SSA form: parameters, basic blocks (the first is the entry) and what a launch needs
 * to know (parallel dimensions, reductions, a required work-group size).
 */
public final class KernelFunction {

    private final String className;
    private final String methodName;
    private final String descriptor;
    private KernelKind kind;
    private final List<Param> params = new ArrayList<>();
    private final LinkedHashMap<BlockId, Block> blocks = new LinkedHashMap<>();
    private final Map<Integer, Const> specialization = new HashMap<>();
    private final Map<Var, Integer> knownDivisors = new HashMap<>();
    private List<ParallelDim> parallelDims = List.of();
    private List<ReductionPlan> reductions = List.of();
    private int[] requiredLocalSize;
    private LaunchBound launchBound;
    private int nextVar;
    private int nextBlock;

    public KernelFunction(String className, String methodName, String descriptor, KernelKind kind) {
        this.className = className;
        this.methodName = methodName;
        this.descriptor = descriptor;
        this.kind = kind;
    }

    public String className() {
        return className;
    }

    public String methodName() {
        return methodName;
    }

    public String descriptor() {
        return descriptor;
    }

    /** {@code SimpleClass.method}, for messages and output. */
    public String displayName() {
        return className.substring(className.lastIndexOf('.') + 1) + "." + methodName;
    }

    public KernelKind kind() {
        return kind;
    }

    public void setKind(KernelKind kind) {
        this.kind = kind;
    }

    public Var newVar(Type type, String name) {
        return new Var(nextVar++, type, name == null ? "" : name);
    }

    /** One more than the largest variable id: a size for arrays indexed by id. */
    public int varCount() {
        return nextVar;
    }

    public Block newBlock(int bci, SourcePos pos) {
        Block block = new Block(new BlockId(nextBlock++), bci, pos);
        blocks.put(block.id(), block);
        return block;
    }

    public List<Param> params() {
        return params;
    }

    public Param addParam(Var var, Param.Role role, int javaIndex, String javaName, Class<?> javaType) {
        Param p = new Param(var, role, javaIndex, javaName, javaType);
        params.add(p);
        return p;
    }

    public Block entry() {
        return blocks.values().iterator().next();
    }

    public Block block(BlockId id) {
        Block b = blocks.get(id);
        if (b == null) {
            throw new IllegalArgumentException("no block " + id + " in " + displayName());
        }
        return b;
    }

    public Collection<Block> blocks() {
        return blocks.values();
    }

    /** Removes blocks, keeping the order of the rest (the entry must stay). */
    public void retainBlocks(java.util.Set<BlockId> keep) {
        blocks.keySet().retainAll(keep);
    }

    /** Reorders blocks; {@code order} must name every block once, the entry first. */
    public void reorderBlocks(List<BlockId> order) {
        LinkedHashMap<BlockId, Block> fresh = new LinkedHashMap<>();
        for (BlockId id : order) {
            fresh.put(id, block(id));
        }
        if (fresh.size() != blocks.size()) {
            throw new IllegalArgumentException("reorder must name every block once");
        }
        blocks.clear();
        blocks.putAll(fresh);
    }

    /** Predecessors of every block, in block order. */
    public Map<BlockId, List<BlockId>> predecessors() {
        Map<BlockId, List<BlockId>> preds = new LinkedHashMap<>();
        for (Block b : blocks.values()) {
            preds.putIfAbsent(b.id(), new ArrayList<>());
        }
        for (Block b : blocks.values()) {
            for (BlockId s : b.successors()) {
                List<BlockId> list = preds.computeIfAbsent(s, k -> new ArrayList<>());
                if (!list.contains(b.id())) {
                    list.add(b.id());
                }
            }
        }
        return preds;
    }

    /** Scalar Java parameters bound to constants by specialisation, by Java index. */
    public Map<Integer, Const> specialization() {
        return specialization;
    }

    /**
     * Integer parameters known to be multiples of a power of two (the launch's values were), by
     * variable: what lets the compiler prove a wide access aligned.
     */
    public Map<Var, Integer> knownDivisors() {
        return knownDivisors;
    }

    public List<ParallelDim> parallelDims() {
        return parallelDims;
    }

    public void setParallelDims(List<ParallelDim> dims) {
        this.parallelDims = List.copyOf(dims);
    }

    public List<ReductionPlan> reductions() {
        return reductions;
    }

    public void setReductions(List<ReductionPlan> plans) {
        this.reductions = List.copyOf(plans);
    }

    /**
     * Bytes of local memory a work-group of this function takes: its local arrays, each rounded up to
     * 16 bytes, as the backends lay them out.
     */
    public long localMemoryBytes() {
        return localAllocs().stream().mapToLong(Inst.LocalAlloc::paddedBytes).sum();
    }

    /** The function's local arrays, in block order. */
    public List<Inst.LocalAlloc> localAllocs() {
        List<Inst.LocalAlloc> allocs = new ArrayList<>();
        for (Block b : blocks()) {
            for (Inst inst : b.body()) {
                if (inst instanceof Inst.LocalAlloc a) {
                    allocs.add(a);
                }
            }
        }
        return allocs;
    }

    /** The kernel's launch bound, or null when it declares none. */
    public LaunchBound launchBound() {
        return launchBound;
    }

    /** The largest work-group its warp-wide operations allow ({@link KernelContext#warpGroupLimit(int)}). */
    public int warpGroupLimit() {
        return KernelContext.warpGroupLimit(launchBound != null ? launchBound.maxGroupSize() : 0);
    }

    public void setLaunchBound(LaunchBound bound) {
        this.launchBound = bound;
    }

    /** A work-group size the kernel needs (reductions fix it), or null. */
    public int[] requiredLocalSize() {
        return requiredLocalSize == null ? null : requiredLocalSize.clone();
    }

    public void setRequiredLocalSize(int[] size) {
        this.requiredLocalSize = size == null ? null : size.clone();
    }

    /** Every instruction that defines a variable, by variable id (phis included). */
    public Map<Var, Inst> definitions() {
        Map<Var, Inst> defs = new HashMap<>();
        for (Block b : blocks.values()) {
            for (Inst.Phi phi : b.phis()) {
                defs.put(phi.result(), phi);
            }
            for (Inst inst : b.body()) {
                for (Var v : inst.results()) {
                    defs.put(v, inst);
                }
            }
        }
        return defs;
    }
}
