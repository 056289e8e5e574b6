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
import dev.squall.jit.ir.IrBuilder;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ReductionPlan;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Var;
import dev.squall.jit.ir.WorkItemQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lowers {@code @Reduce} results. In the parallel loop, {@code result[0] = result[0] OP x}
 * becomes a private accumulator (starting at OP's identity); after the loop each work-group
 * combines its accumulators in a local-memory tree and writes one partial; a finishing kernel of
 * one work-group then folds the partials into {@code result[0]}, together with its initial value.
 * The finishing kernel is part of the plan ({@link ReductionPlan}) that launches must follow.
 *
 * <p>Preconditions: after {@link ParallelLoopLowering}, before other passes. The result must be
 * read and written only as {@code result.set(0, OP(result.get(0), x))}, once per iteration,
 * unconditionally, in a one-dimensional parallel loop that is not inside another loop.
 */
public final class ReductionLowering {

    /** Work-items per group for reductions: a power of two every device supports. */
    public static final int GROUP_SIZE = 256;

    private ReductionLowering() {
    }

    public static void run(FrontEndResult fe) {
        KernelFunction f = fe.function();
        if (fe.reduceParams().isEmpty()) {
            return;
        }
        if (f.parallelDims().size() != 1) {
            throw error(f, f.entry().pos(), "reduces over " + f.parallelDims().size() + " @Parallel dimensions;"
                    + " @Reduce works over one");
        }
        List<ReductionPlan> plans = new ArrayList<>();
        for (int javaIndex : fe.reduceParams()) {
            plans.add(lower(f, javaIndex));
        }
        f.setReductions(plans);
        f.setRequiredLocalSize(new int[] {GROUP_SIZE, 1, 1});
    }

    private static ReductionPlan lower(KernelFunction f, int javaIndex) {
        Param data = f.params().stream().filter(p -> p.javaIndex() == javaIndex && p.role() == Param.Role.DATA)
                .findFirst().orElseThrow(() -> error(f, f.entry().pos(), "@Reduce must annotate an array parameter"));
        String name = data.javaName();
        Var pointer = data.var();
        ScalarType type = ((PointerType) pointer.type()).element();
        if (type != ScalarType.I32 && type != ScalarType.I64 && type != ScalarType.F32 && type != ScalarType.F64) {
            throw error(f, f.entry().pos(), "@Reduce result '" + name + "' must hold int, long, float or double");
        }
        Inst.Load load = null;
        Inst.Store store = null;
        Block storeBlock = null;
        for (Block b : f.blocks()) {
            for (Inst inst : b.body()) {
                boolean touches = inst.operands().contains(pointer);
                if (!touches) {
                    continue;
                }
                if (inst instanceof Inst.Load l && load == null && isZero(l.index())) {
                    load = l;
                } else if (inst instanceof Inst.Store s && store == null && isZero(s.index()) && s.pointer().equals(pointer)) {
                    store = s;
                    storeBlock = b;
                } else {
                    throw error(f, inst.pos(), "uses @Reduce result '" + name + "' other than as " + name
                            + ".set(0, OP(" + name + ".get(0), x))");
                }
            }
        }
        if (load == null || store == null) {
            throw error(f, f.entry().pos(), "@Reduce result '" + name + "' is never updated as " + name + ".set(0, OP("
                    + name + ".get(0), x))");
        }
        Map<Var, Inst> defs = f.definitions();
        if (!(store.value() instanceof Var sv) || !(defs.get(sv) instanceof Inst.Binary combine)
                || !(combine.left().equals(load.result()) || combine.right().equals(load.result()))
                || !List.of(BinaryOp.ADD, BinaryOp.MUL, BinaryOp.MIN, BinaryOp.MAX).contains(combine.op())) {
            throw error(f, store.pos(), "@Reduce result '" + name + "' must be updated with +, *, Math.min or Math.max"
                    + " of its previous value");
        }
        Operand x = combine.left().equals(load.result()) ? combine.right() : combine.left();
        if (x.equals(load.result())) {
            throw error(f, store.pos(), "@Reduce result '" + name + "' is combined with itself");
        }

        Loops loops = new Loops(new Dominators(new Cfg(f)));
        Loop loop = loops.innermost(storeBlock.id());
        if (loop == null || loop.latches().size() != 1 || loops.loopAt(loop.header()).parent() != null) {
            throw error(f, store.pos(), "@Reduce result '" + name + "' must be updated directly in the @Parallel loop,"
                    + " which must not be inside another loop");
        }
        Dominators dom = loops.dominators();
        if (!dom.dominates(storeBlock.id(), loop.latches().get(0))) {
            throw error(f, store.pos(), "@Reduce result '" + name + "' is updated conditionally; update it every"
                    + " iteration, e.g. " + name + ".set(0, " + name + ".get(0) + (cond ? x : 0))");
        }
        Block header = f.block(loop.header());
        Block pre = Preheaders.ensure(f, loop);
        BlockId latch = loop.latches().get(0);
        SourcePos pos = store.pos();

        // acc = phi(identity, acc OP x): the private accumulator replacing result[0]
        Var acc = f.newVar(type, name + "_acc");
        Var accNext = combine.result();
        List<Inst.PhiInput> inputs = new ArrayList<>();
        for (BlockId p : f.predecessors().get(header.id())) {
            inputs.add(new Inst.PhiInput(p, p.equals(pre.id()) ? identity(combine.op(), type) : accNext));
        }
        header.phis().add(new Inst.Phi(acc, inputs, pos));
        Inst.Load loadFinal = load;
        Inst.Store storeFinal = store;
        for (Block b : f.blocks()) {
            b.setBody(b.body().stream().filter(i -> i != loadFinal && i != storeFinal).toList());
        }
        IrRewriter.replaceUses(f, Map.of(load.result(), acc));

        // after the loop: a work-group tree over the accumulators, one partial per group
        Var partials = f.newVar(PointerType.global(type), name + "_partials");
        Param partialsParam = f.addParam(partials, Param.Role.HIDDEN, -1, name + "_partials", data.javaType());
        Block exitTarget = f.block(((Terminator.Branch) header.terminator()).ifTrue().equals(loop.exits().get(0))
                ? ((Terminator.Branch) header.terminator()).ifTrue() : ((Terminator.Branch) header.terminator()).ifFalse());
        IrBuilder b = new IrBuilder(f, f.newBlock(header.bci(), pos), pos);
        Block first = b.block();
        header.setTerminator(header.terminator().withSuccessors(s -> s.equals(exitTarget.id()) ? first.id() : s));
        Var scratch = localScratch(f, type, pos);
        Block last = emitGroupTree(b, scratch, acc, combine.op(), partials, true);
        b.jump(exitTarget);
        IrRewriter.renamePhiPredecessor(exitTarget, header.id(), last.id());

        KernelFunction finisher = finisher(f, name, data.javaType(), type, combine.op(), pos);
        return new ReductionPlan(javaIndex, partialsParam, combine.op(), type, GROUP_SIZE, finisher);
    }

    /**
     * scratch[lid] = value; then halve the active work-items each step, a barrier between steps;
     * work-item 0 stores the group's result to {@code out[group]} when {@code perGroup}, else
     * combines it into {@code out[0]}. Returns the block the cursor ends in.
     */
    private static Block emitGroupTree(IrBuilder b, Var scratch, Operand value, BinaryOp op, Var out, boolean perGroup) {
        Var lid = b.workItem(WorkItemQuery.LOCAL_ID, 0);
        b.store(scratch, lid, value);
        b.barrier();
        for (int stride = GROUP_SIZE / 2; stride > 0; stride /= 2) {
            Var active = b.compare(CompareOp.LT, lid, Const.i32(stride));
            Block step = b.newBlock();
            Block join = b.newBlock();
            b.branch(active, step, join);
            b.at(step);
            Var mine = b.load(scratch, lid);
            Var partner = b.load(scratch, b.binary(BinaryOp.ADD, lid, Const.i32(stride)));
            b.store(scratch, lid, b.binary(op, mine, partner));
            b.jump(join);
            b.at(join);
            b.barrier();
        }
        Var isFirst = b.compare(CompareOp.EQ, lid, Const.i32(0));
        Block write = b.newBlock();
        Block done = b.newBlock();
        b.branch(isFirst, write, done);
        b.at(write);
        Var total = b.load(scratch, Const.i32(0));
        if (perGroup) {
            b.store(out, b.workItem(WorkItemQuery.GROUP_ID, 0), total);
        } else {
            b.store(out, Const.i32(0), b.binary(op, b.load(out, Const.i32(0)), total));
        }
        b.jump(done);
        b.at(done);
        return done;
    }

    private static Var localScratch(KernelFunction f, ScalarType type, SourcePos pos) {
        Var scratch = f.newVar(PointerType.local(type), "reduce_scratch");
        List<Inst> body = new ArrayList<>();
        body.add(new Inst.LocalAlloc(scratch, type, GROUP_SIZE, pos));
        body.addAll(f.entry().body());
        f.entry().setBody(body);
        return scratch;
    }

    /** finish(partials, count, result): one work-group folds {@code count} partials into result[0]. */
    private static KernelFunction finisher(KernelFunction f, String name, Class<?> arrayType, ScalarType type,
                                           BinaryOp op, SourcePos pos) {
        KernelFunction k = new KernelFunction(f.className(), f.methodName() + "$finish_" + name, "", KernelKind.SPMD);
        Var partials = k.newVar(PointerType.global(type), "partials");
        Var partialsLength = k.newVar(ScalarType.I32, "partials_length");
        Var count = k.newVar(ScalarType.I32, "count");
        Var result = k.newVar(PointerType.global(type), name);
        Var resultLength = k.newVar(ScalarType.I32, name + "_length");
        k.addParam(partials, Param.Role.DATA, 0, "partials", arrayType);
        k.addParam(partialsLength, Param.Role.LENGTH, 0, "partials", arrayType);
        k.addParam(count, Param.Role.VALUE, 1, "count", int.class);
        k.addParam(result, Param.Role.DATA, 2, name, arrayType);
        k.addParam(resultLength, Param.Role.LENGTH, 2, name, arrayType);
        Block entry = k.newBlock(0, pos);
        IrBuilder b = new IrBuilder(k, entry, pos);
        Var scratch = b.add(new Inst.LocalAlloc(k.newVar(PointerType.local(type), "scratch"), type, GROUP_SIZE, pos))
                .result();
        Var lid = b.workItem(WorkItemQuery.LOCAL_ID, 0);
        Block head = b.newBlock();
        Block body = b.newBlock();
        Block exit = b.newBlock();
        b.jump(head);
        // for (i = lid; i < count; i += GROUP_SIZE) acc = acc OP partials[i]
        Var i = k.newVar(ScalarType.I32, "i");
        Var acc = k.newVar(type, "acc");
        Var iNext = k.newVar(ScalarType.I32, "");
        Var accNext = k.newVar(type, "");
        b.at(head);
        b.phi(i, List.of(new Inst.PhiInput(entry.id(), lid), new Inst.PhiInput(body.id(), iNext)));
        b.phi(acc, List.of(new Inst.PhiInput(entry.id(), identity(op, type)), new Inst.PhiInput(body.id(), accNext)));
        b.branch(b.compare(CompareOp.LT, i, count), body, exit);
        b.at(body);
        Var element = b.load(partials, i);
        b.add(new Inst.Binary(accNext, op, acc, element, pos));
        b.add(new Inst.Binary(iNext, BinaryOp.ADD, i, Const.i32(GROUP_SIZE), pos));
        b.jump(head);
        b.at(exit);
        emitGroupTree(b, scratch, acc, op, result, false);
        b.ret();
        k.setRequiredLocalSize(new int[] {GROUP_SIZE, 1, 1});
        return k;
    }

    /** The value that leaves any x unchanged under OP, bit for bit (-0.0 for float addition). */
    static Const identity(BinaryOp op, ScalarType type) {
        return switch (op) {
            case ADD -> type == ScalarType.F32 ? Const.f32(-0f) : type == ScalarType.F64 ? Const.f64(-0d) : Const.of(type, 0);
            case MUL -> type == ScalarType.F32 ? Const.f32(1f) : type == ScalarType.F64 ? Const.f64(1d) : Const.of(type, 1);
            case MIN -> switch (type) {
                case I32 -> Const.i32(Integer.MAX_VALUE);
                case I64 -> Const.i64(Long.MAX_VALUE);
                case F32 -> Const.f32(Float.POSITIVE_INFINITY);
                default -> Const.f64(Double.POSITIVE_INFINITY);
            };
            case MAX -> switch (type) {
                case I32 -> Const.i32(Integer.MIN_VALUE);
                case I64 -> Const.i64(Long.MIN_VALUE);
                case F32 -> Const.f32(Float.NEGATIVE_INFINITY);
                default -> Const.f64(Double.NEGATIVE_INFINITY);
            };
            default -> throw new IllegalArgumentException(op + " has no identity");
        };
    }

    private static boolean isZero(Operand op) {
        return op instanceof Const c && c.bits() == 0;
    }

    private static KernelCompilationException error(KernelFunction f, SourcePos pos, String construct) {
        return new KernelCompilationException(f.className(), f.methodName(), pos.line(), Math.max(pos.bci(), 0), construct);
    }
}
