package dev.squall.jit.passes;

import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.analysis.Loop;
import dev.squall.jit.analysis.Loops;
import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.ParallelDim;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import dev.squall.jit.ir.WorkItemQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vectorises a one-dimensional element-wise parallel loop: each work-item takes {@link #WIDTH}
 * consecutive iterations per step, and the accesses {@code a[i]} of those iterations become one
 * aligned wide access ({@code ld.global.v4.f32}, {@code vload4}), so each work-item keeps 16 bytes
 * per array in flight instead of 4. The last few iterations (fewer than {@code WIDTH}) run in the
 * original grid-strided loop. Reordering the iterations' loads before their stores is what
 * {@code @Parallel} allows: iterations are independent.
 *
 * <p>Preconditions: after parallel-loop lowering and optimisation; the loop body is one
 * straight-line block without atomics or barriers, the loop starts at a multiple of {@code WIDTH}
 * and steps by one; at least one array of 4-byte elements is accessed at the loop index.
 */
public final class ParallelLoopVectorizer implements Pass {

    public static final int WIDTH = 4;

    @Override
    public String name() {
        return "vectorize";
    }

    @Override
    public boolean run(KernelFunction f) {
        if (f.kind() != KernelKind.PARALLEL_LOOPS || f.parallelDims().size() != 1
                || f.parallelDims().get(0).coarsening() != 1 || !f.reductions().isEmpty()) {
            return false;
        }
        Map<Var, Inst> defs = f.definitions();
        Set<Var> arrays = new HashSet<>();
        for (Param p : f.params()) {
            if (p.role() == Param.Role.DATA) {
                arrays.add(p.var());
            }
        }
        Loops loops = new Loops(new Dominators(new Cfg(f)));
        for (Loop loop : loops.all()) {
            if (tryVectorize(f, loop, defs, arrays)) {
                f.setParallelDims(List.of(f.parallelDims().get(0).withCoarsening(WIDTH)));
                return true;
            }
        }
        return false;
    }

    private boolean tryVectorize(KernelFunction f, Loop loop, Map<Var, Inst> defs, Set<Var> arrays) {
        if (loop.body().size() != 2 || loop.latches().size() != 1 || loop.exits().size() != 1) {
            return false;
        }
        Block header = f.block(loop.header());
        Block body = f.block(loop.latches().get(0));
        if (header.phis().size() != 1 || !body.phis().isEmpty() || !(body.terminator() instanceof Terminator.Jump)
                || !(header.terminator() instanceof Terminator.Branch br)) {
            return false;
        }
        Inst.Phi phi = header.phis().get(0);
        Var i = phi.result();
        if (i.type() != ScalarType.I32) {
            return false;
        }
        List<BlockId> outside = f.predecessors().get(header.id()).stream().filter(p -> !loop.contains(p)).toList();
        if (outside.size() != 1 || !(f.block(outside.get(0)).terminator() instanceof Terminator.Jump)) {
            return false;
        }
        Block pre = f.block(outside.get(0));
        // i = phi(init + gid, i + gsize); constant folding leaves plain gid when init is 0
        if (!(phi.valueFrom(pre.id()) instanceof Var startVar)) {
            return false;
        }
        Const init;
        Var gid;
        if (isWorkItem(startVar, WorkItemQuery.GLOBAL_ID, defs)) {
            init = Const.i32(0);
            gid = startVar;
        } else if (defs.get(startVar) instanceof Inst.Binary start && start.op() == BinaryOp.ADD
                && start.left() instanceof Const c && isWorkItem(start.right(), WorkItemQuery.GLOBAL_ID, defs)) {
            init = c;
            gid = (Var) start.right();
        } else if (defs.get(startVar) instanceof Inst.Binary start && start.op() == BinaryOp.ADD
                && start.right() instanceof Const c && isWorkItem(start.left(), WorkItemQuery.GLOBAL_ID, defs)) {
            init = c;
            gid = (Var) start.left();
        } else {
            return false;
        }
        if (init.asLong() < 0 || init.asLong() % WIDTH != 0) {
            return false;
        }
        if (!(phi.valueFrom(body.id()) instanceof Var nextVar) || !(defs.get(nextVar) instanceof Inst.Binary step)
                || step.op() != BinaryOp.ADD || !step.left().equals(i)
                || !isWorkItem(step.right(), WorkItemQuery.GLOBAL_SIZE, defs)) {
            return false;
        }
        Var gsize = (Var) step.right();
        // continue while i < bound (or <=)
        if (!(br.condition() instanceof Var cv) || !(defs.get(cv) instanceof Inst.Compare cmp) || !cmp.left().equals(i)) {
            return false;
        }
        boolean continueOnTrue = loop.contains(br.ifTrue());
        CompareOp op = continueOnTrue ? cmp.op() : cmp.op().negated(false);
        if (op != CompareOp.LT && op != CompareOp.LE) {
            return false;
        }
        Operand bound = cmp.right();
        // the header may only compute the condition; everything else must be in the body
        if (header.body().stream().anyMatch(x -> x != cmp)) {
            return false;
        }
        boolean wide = false;
        for (Inst inst : body.body()) {
            switch (inst) {
                case Inst.Atomic a -> {
                    return false;
                }
                case Inst.Barrier b -> {
                    return false;
                }
                case Inst.VectorLoad v -> {
                    return false;
                }
                case Inst.VectorStore v -> {
                    return false;
                }
                case Inst.LocalAlloc a -> {
                    return false;
                }
                case Inst.Load l -> wide |= vectorizable(l.pointer(), l.index(), i, arrays);
                case Inst.Store s -> wide |= vectorizable(s.pointer(), s.index(), i, arrays);
                default -> { }
            }
        }
        if (!wide) {
            return false;
        }
        rewrite(f, header, body, pre, phi, step, op, bound, init, gid, gsize, arrays);
        return true;
    }

    private static boolean isWorkItem(Operand op, WorkItemQuery query, Map<Var, Inst> defs) {
        return op instanceof Var v && defs.get(v) instanceof Inst.WorkItem w && w.query() == query && w.dimension() == 0;
    }

    /**
     * Only whole kernel arrays: their buffers are allocation-aligned, so element {@code 4k} sits on a
     * 16-byte boundary as the wide access requires; a pointer offset into an array might not.
     */
    private static boolean vectorizable(Operand pointer, Operand index, Var i, Set<Var> arrays) {
        return index.equals(i) && pointer instanceof Var v && arrays.contains(v) && pointer.type() instanceof PointerType p && p.space() == AddressSpace.GLOBAL
                && (p.element() == ScalarType.F32 || p.element() == ScalarType.I32);
    }

    private void rewrite(KernelFunction f, Block header, Block body, Block pre, Inst.Phi phi, Inst.Binary step,
                         CompareOp op, Operand bound, Const init, Var gid, Var gsize, Set<Var> arrays) {
        SourcePos pos = header.pos();
        Var i = phi.result();
        List<Inst> preBody = new ArrayList<>(pre.body());
        // vector steps start at init + 4·gid and stride 4·gsize; the tail starts after the last whole vector
        Var gid4 = add(preBody, f, BinaryOp.MUL, gid, Const.i32(WIDTH), pos);
        Var start4 = add(preBody, f, BinaryOp.ADD, init, gid4, pos);
        Var stride4 = add(preBody, f, BinaryOp.MUL, gsize, Const.i32(WIDTH), pos);
        Operand span = add(preBody, f, BinaryOp.SUB, bound, init, pos);
        if (op == CompareOp.LE) {
            span = add(preBody, f, BinaryOp.ADD, span, Const.i32(1), pos);
        }
        Var spanPos = add(preBody, f, BinaryOp.MAX, span, Const.i32(0), pos);
        Var whole = add(preBody, f, BinaryOp.AND, spanPos, Const.i32(-WIDTH), pos);
        Var tailBase = add(preBody, f, BinaryOp.ADD, init, whole, pos);
        Var tailStart = add(preBody, f, BinaryOp.ADD, tailBase, gid, pos);
        pre.setBody(preBody);

        Block vh = f.newBlock(header.bci(), pos);
        Block vb = f.newBlock(body.bci(), body.pos());
        Block tp = f.newBlock(header.bci(), pos);
        Var i4 = f.newVar(ScalarType.I32, i.name() + "_vec");
        Var i4next = f.newVar(ScalarType.I32, "");
        vh.phis().add(new Inst.Phi(i4, List.of(new Inst.PhiInput(pre.id(), start4), new Inst.PhiInput(vb.id(), i4next)), pos));
        List<Inst> vhBody = new ArrayList<>();
        // i4 and tailBase are both init mod WIDTH, so i4 < tailBase means all WIDTH lanes are in range,
        // without computing i4 + WIDTH - 1 (which could overflow near Integer.MAX_VALUE)
        Var inRange = f.newVar(ScalarType.BOOL, "");
        vhBody.add(new Inst.Compare(inRange, CompareOp.LT, i4, tailBase, pos));
        vh.setBody(vhBody);
        vh.setTerminator(new Terminator.Branch(inRange, vb.id(), tp.id(), pos));

        List<Inst> vbBody = new ArrayList<>();
        List<Map<Var, Operand>> lanes = new ArrayList<>();
        for (int k = 0; k < WIDTH; k++) {
            Map<Var, Operand> lane = new HashMap<>();
            lane.put(i, k == 0 ? i4 : add(vbBody, f, BinaryOp.ADD, i4, Const.i32(k), pos));
            lanes.add(lane);
        }
        Set<Inst> skip = new HashSet<>(List.of(step));
        for (Inst inst : body.body()) {
            if (skip.contains(inst)) {
                continue;
            }
            if (inst instanceof Inst.Load l && vectorizable(l.pointer(), l.index(), i, arrays)) {
                List<Var> results = new ArrayList<>();
                for (int k = 0; k < WIDTH; k++) {
                    Var r = f.newVar(l.result().type(), l.result().name());
                    results.add(r);
                    lanes.get(k).put(l.result(), r);
                }
                vbBody.add(new Inst.VectorLoad(results, l.pointer(), i4, l.pos()));
            } else if (inst instanceof Inst.Store s && vectorizable(s.pointer(), s.index(), i, arrays)) {
                List<Operand> values = new ArrayList<>();
                for (int k = 0; k < WIDTH; k++) {
                    values.add(IrRewriter.resolve(s.value(), lanes.get(k)));
                }
                vbBody.add(new Inst.VectorStore(s.pointer(), i4, values, s.pos()));
            } else {
                for (int k = 0; k < WIDTH; k++) {
                    Inst copy = IrRewriter.substitute(inst, lanes.get(k));
                    if (inst.result() != null) {
                        Var fresh = f.newVar(inst.result().type(), inst.result().name());
                        lanes.get(k).put(inst.result(), fresh);
                        copy = withResult(copy, fresh);
                    }
                    vbBody.add(copy);
                }
            }
        }
        vbBody.add(new Inst.Binary(i4next, BinaryOp.ADD, i4, stride4, pos));
        vb.setBody(vbBody);
        vb.setTerminator(new Terminator.Jump(vh.id(), pos));
        tp.setTerminator(new Terminator.Jump(header.id(), pos));

        pre.setTerminator(new Terminator.Jump(vh.id(), pre.terminator().pos()));
        List<Inst.PhiInput> inputs = new ArrayList<>();
        for (Inst.PhiInput in : phi.inputs()) {
            inputs.add(in.predecessor().equals(pre.id()) ? new Inst.PhiInput(tp.id(), tailStart) : in);
        }
        header.setPhis(List.of(new Inst.Phi(i, inputs, phi.pos())));
    }

    private static Var add(List<Inst> out, KernelFunction f, BinaryOp op, Operand a, Operand b, SourcePos pos) {
        Var v = f.newVar(ScalarType.I32, "");
        out.add(new Inst.Binary(v, op, a, b, pos));
        return v;
    }

    /** The same instruction defining {@code result} instead. */
    private static Inst withResult(Inst inst, Var result) {
        return switch (inst) {
            case Inst.Binary b -> new Inst.Binary(result, b.op(), b.left(), b.right(), b.pos());
            case Inst.Unary u -> new Inst.Unary(result, u.op(), u.value(), u.pos());
            case Inst.Fma m -> new Inst.Fma(result, m.a(), m.b(), m.c(), m.pos());
            case Inst.Compare c -> new Inst.Compare(result, c.op(), c.left(), c.right(), c.pos());
            case Inst.Select s -> new Inst.Select(result, s.condition(), s.ifTrue(), s.ifFalse(), s.pos());
            case Inst.Convert c -> new Inst.Convert(result, c.op(), c.value(), c.pos());
            case Inst.Load l -> new Inst.Load(result, l.pointer(), l.index(), l.pos());
            case Inst.PtrOffset p -> new Inst.PtrOffset(result, p.base(), p.byteOffset(), p.pos());
            case Inst.WorkItem w -> new Inst.WorkItem(result, w.query(), w.dimension(), w.pos());
            default -> throw new IllegalStateException("cannot copy " + inst);
        };
    }
}
