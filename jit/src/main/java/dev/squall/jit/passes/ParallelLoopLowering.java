package dev.squall.jit.passes;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.analysis.Loop;
import dev.squall.jit.analysis.Loops;
import dev.squall.jit.frontend.FrontEndResult;
import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ParallelDim;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.TripCount;
import dev.squall.jit.ir.Var;
import dev.squall.jit.ir.WorkItemQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers {@code @Parallel} loops to an N-D index space. A loop {@code for (i = init; i < bound;
 * i += step)} becomes the grid-stride loop {@code for (i = init + gid·step; i < bound; i +=
 * gsize·step)} in its dimension: each work-item runs the iterations congruent to its id, so the
 * sequential result is kept for any global size, larger or smaller than the trip count. The trip
 * count, when the parameters determine it, is recorded so launches can size the grid to it.
 *
 * <p>Preconditions: SSA from the front end, before other passes (it matches the Java loop shape).
 * Refused with a diagnostic: a loop variable that is not a loop's induction variable, a stride
 * that is not a positive constant, a condition other than {@code <} or {@code <=} against a
 * loop-invariant bound, a loop left by {@code break} or {@code return}, sibling parallel loops,
 * more than three nested ones, and a value carried from one iteration to the next that is read.
 */
public final class ParallelLoopLowering {

    private record Found(FrontEndResult.ParallelRange range, Loop loop, Var phi) {
    }

    private ParallelLoopLowering() {
    }

    public static void run(FrontEndResult fe) {
        KernelFunction f = fe.function();
        if (fe.parallelRanges().isEmpty()) {
            return;
        }
        Loops loops = new Loops(new Dominators(new Cfg(f)));
        List<Found> found = new ArrayList<>();
        for (FrontEndResult.ParallelRange range : fe.parallelRanges()) {
            Found best = null;
            for (Loop loop : loops.all()) {
                Block header = f.block(loop.header());
                if (!fe.kernelBlocks().contains(loop.header()) || header.bci() < range.startBci()
                        || header.bci() >= range.endBci()) {
                    continue;
                }
                for (Inst.Phi phi : header.phis()) {
                    Integer slot = fe.inductionSlots().get(phi.result());
                    if (slot != null && slot == range.slot()
                            && (best == null || loop.body().size() > best.loop().body().size())) {
                        best = new Found(range, loop, phi.result());
                    }
                }
            }
            if (best == null) {
                throw error(f, f.entry().pos(), "a @Parallel variable (local slot " + range.slot() + ") is not the"
                        + " induction variable of a loop; annotate the loop variable: for (@Parallel int i = ...)");
            }
            found.add(best);
        }
        found.sort(Comparator.comparingInt((Found x) -> x.loop().body().size()).reversed());
        for (int i = 1; i < found.size(); i++) {
            Found outer = found.get(i - 1);
            Found inner = found.get(i);
            if (!outer.loop().contains(inner.loop().header())) {
                throw error(f, f.block(inner.loop().header()).pos(), "has @Parallel loops one after another; Java runs"
                        + " the first to completion before the second, which a device cannot promise without a global"
                        + " barrier: put each loop in its own task");
            }
        }
        if (found.size() > 3) {
            throw error(f, f.block(found.get(3).loop().header()).pos(), "nests " + found.size()
                    + " @Parallel loops; devices have at most 3 dimensions");
        }
        List<ParallelDim> dims = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            int dimension = found.size() - 1 - i;
            Loops current = new Loops(new Dominators(new Cfg(f)));
            Loop loop = current.loopAt(found.get(i).loop().header());
            dims.add(lower(f, loop, found.get(i).phi(), dimension));
        }
        dims.sort(Comparator.comparingInt(ParallelDim::dimension));
        f.setParallelDims(dims);
    }

    private static ParallelDim lower(KernelFunction f, Loop loop, Var phiVar, int dimension) {
        Block header = f.block(loop.header());
        SourcePos pos = header.pos();
        String name = phiVar.name().isEmpty() ? "i" : phiVar.name();
        if (phiVar.type() != ScalarType.I32) {
            throw error(f, pos, "@Parallel loop variable '" + name + "' must be an int");
        }
        if (loop.latches().size() != 1) {
            throw error(f, pos, "@Parallel loop over '" + name + "' has " + loop.latches().size()
                    + " back edges; write it as a plain for loop with one update");
        }
        if (loop.exits().size() != 1 || !(header.terminator() instanceof Terminator.Branch br)
                || !loop.exits().contains(br.ifTrue()) && !loop.exits().contains(br.ifFalse())) {
            throw error(f, pos, "@Parallel loop over '" + name + "' is left by break or return; its iterations must"
                    + " all run, independently");
        }
        Map<Var, Inst> defs = f.definitions();
        boolean continueWhenTrue = loop.contains(br.ifTrue());
        if (!(br.condition() instanceof Var cv) || !(defs.get(cv) instanceof Inst.Compare cmp)) {
            throw error(f, pos, "@Parallel loop over '" + name + "' needs a condition i < bound or i <= bound");
        }
        CompareOp op = continueWhenTrue ? cmp.op() : cmp.op().negated(false);
        Operand bound;
        if (cmp.left().equals(phiVar)) {
            bound = cmp.right();
        } else if (cmp.right().equals(phiVar)) {
            bound = cmp.left();
            op = op.swapped();
        } else {
            throw error(f, pos, "@Parallel loop over '" + name + "' must compare its variable with the bound");
        }
        if (op != CompareOp.LT && op != CompareOp.LE) {
            throw error(f, pos, "@Parallel loop over '" + name + "' must run while " + name + " < bound or " + name
                    + " <= bound (got " + op.text() + ")");
        }
        if (!invariant(bound, loop, f, defs)) {
            throw error(f, pos, "@Parallel loop over '" + name + "' has a bound that changes inside the loop");
        }
        Inst.Phi phi = header.phis().stream().filter(p -> p.result().equals(phiVar)).findFirst().orElseThrow();
        BlockId latch = loop.latches().get(0);
        Operand next = phi.valueFrom(latch);
        if (!(next instanceof Var nv) || !(defs.get(nv) instanceof Inst.Binary step)) {
            throw error(f, pos, "@Parallel loop over '" + name + "' must step by a positive constant");
        }
        long stride = strideOf(step, phiVar);
        if (stride <= 0) {
            throw error(f, pos, "@Parallel loop over '" + name + "' must step by a positive constant");
        }

        // another value carried from one iteration to the next that something reads (a store, a branch, the code after
        // the loop): the iterations are not independent, and the grid-strided loop would start it afresh per work-item
        Set<Var> live = DeadCodeElimination.liveValues(f);
        for (Inst.Phi other : header.phis()) {
            if (!other.result().equals(phiVar) && live.contains(other.result())) {
                String carried = other.result().name().isEmpty() ? "a value" : "'" + other.result().name() + "'";
                throw error(f, pos, "@Parallel loop over '" + name + "' carries " + carried + " from one iteration to the"
                        + " next; its iterations must be independent: compute it from " + name + " in the body");
            }
        }
        Block pre = Preheaders.ensure(f, loop);
        Inst.Phi phiNow = header.phis().stream().filter(p -> p.result().equals(phiVar)).findFirst().orElseThrow();
        Operand init = phiNow.valueFrom(pre.id());
        List<Inst> added = new ArrayList<>();
        Var gid = f.newVar(ScalarType.I32, "gid" + "xyz".charAt(dimension));
        Var gsize = f.newVar(ScalarType.I32, "gsize" + "xyz".charAt(dimension));
        added.add(new Inst.WorkItem(gid, WorkItemQuery.GLOBAL_ID, dimension, pos));
        added.add(new Inst.WorkItem(gsize, WorkItemQuery.GLOBAL_SIZE, dimension, pos));
        Operand offset = gid;
        Operand strideOp = gsize;
        if (stride != 1) {
            Var o = f.newVar(ScalarType.I32, "");
            Var s = f.newVar(ScalarType.I32, "");
            added.add(new Inst.Binary(o, BinaryOp.MUL, gid, Const.i32((int) stride), pos));
            added.add(new Inst.Binary(s, BinaryOp.MUL, gsize, Const.i32((int) stride), pos));
            offset = o;
            strideOp = s;
        }
        Var start = f.newVar(ScalarType.I32, name + "_start");
        added.add(new Inst.Binary(start, BinaryOp.ADD, init, offset, pos));
        List<Inst> preBody = new ArrayList<>(pre.body());
        preBody.addAll(added);
        pre.setBody(preBody);

        List<Inst.Phi> phis = new ArrayList<>();
        for (Inst.Phi p : header.phis()) {
            if (!p.result().equals(phiVar)) {
                phis.add(p);
                continue;
            }
            List<Inst.PhiInput> inputs = new ArrayList<>();
            for (Inst.PhiInput in : p.inputs()) {
                inputs.add(in.predecessor().equals(pre.id()) ? new Inst.PhiInput(pre.id(), start) : in);
            }
            phis.add(new Inst.Phi(p.result(), inputs, p.pos()));
        }
        header.setPhis(phis);
        Inst.Binary stepped = new Inst.Binary(nv, BinaryOp.ADD, phiVar, strideOp, step.pos());
        for (Block b : f.blocks()) {
            List<Inst> body = new ArrayList<>();
            for (Inst inst : b.body()) {
                body.add(inst == step ? stepped : inst);
            }
            b.setBody(body);
        }
        return new ParallelDim(dimension, name, tripCount(f, init, bound, op == CompareOp.LE, stride));
    }

    private static long strideOf(Inst.Binary step, Var phi) {
        if (step.op() == BinaryOp.ADD) {
            if (step.left().equals(phi) && step.right() instanceof Const c) {
                return c.asInt();
            }
            if (step.right().equals(phi) && step.left() instanceof Const c) {
                return c.asInt();
            }
        }
        if (step.op() == BinaryOp.SUB && step.left().equals(phi) && step.right() instanceof Const c) {
            return -c.asInt();
        }
        return 0;
    }

    /** True if {@code op} has the same value in every iteration: defined outside, or pure over such values. */
    private static boolean invariant(Operand op, Loop loop, KernelFunction f, Map<Var, Inst> defs) {
        if (!(op instanceof Var v)) {
            return true;
        }
        Inst def = defs.get(v);
        if (def == null || !definedIn(v, loop, f)) {
            return true;
        }
        boolean pure = switch (def) {
            case Inst.Binary b -> b.op().isSpeculatable((ScalarType) b.result().type());
            case Inst.Unary u -> true;
            case Inst.Convert c -> true;
            case Inst.Compare c -> true;
            case Inst.Select s -> true;
            default -> false;
        };
        return pure && def.operands().stream().allMatch(o -> invariant(o, loop, f, defs));
    }

    private static boolean definedIn(Var v, Loop loop, KernelFunction f) {
        for (BlockId b : loop.body()) {
            Block block = f.block(b);
            if (block.phis().stream().anyMatch(p -> p.result().equals(v))
                    || block.body().stream().anyMatch(i -> v.equals(i.result()))) {
                return true;
            }
        }
        return false;
    }

    /** The trip count if start and bound depend only on parameters and constants, else null. */
    private static TripCount tripCount(KernelFunction f, Operand start, Operand bound, boolean inclusive, long step) {
        Set<Var> params = new HashSet<>();
        for (Param p : f.params()) {
            if (p.role() == Param.Role.VALUE || p.role() == Param.Role.LENGTH) {
                params.add(p.var());
            }
        }
        Map<Var, Inst> defs = f.definitions();
        LinkedHashSet<Inst> computation = new LinkedHashSet<>();
        if (!hostComputable(start, params, defs, computation, new HashMap<>())
                || !hostComputable(bound, params, defs, computation, new HashMap<>())) {
            return null;
        }
        return new TripCount(List.copyOf(computation), start, bound, inclusive, step);
    }

    private static boolean hostComputable(Operand op, Set<Var> params, Map<Var, Inst> defs, LinkedHashSet<Inst> out,
                                          Map<Var, Boolean> memo) {
        if (op instanceof Const) {
            return true;
        }
        Var v = (Var) op;
        if (params.contains(v)) {
            return true;
        }
        Boolean known = memo.get(v);
        if (known != null) {
            return known;
        }
        Inst def = defs.get(v);
        boolean ok = switch (def) {
            case Inst.Binary b -> b.op().isSpeculatable((ScalarType) b.result().type())
                    || b.right() instanceof Const c && c.bits() != 0;
            case Inst.Unary u -> true;
            case Inst.Convert c -> true;
            case Inst.Compare c -> true;
            case Inst.Select s -> true;
            case null, default -> false;
        };
        if (ok) {
            for (Operand o : def.operands()) {
                ok &= hostComputable(o, params, defs, out, memo);
            }
        }
        if (ok) {
            out.add(def);
        }
        memo.put(v, ok);
        return ok;
    }

    private static KernelCompilationException error(KernelFunction f, SourcePos pos, String construct) {
        return new KernelCompilationException(f.className(), f.methodName(), pos.line(), Math.max(pos.bci(), 0), construct);
    }
}
