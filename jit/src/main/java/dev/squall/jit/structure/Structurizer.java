package dev.squall.jit.structure;

import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.analysis.Loop;
import dev.squall.jit.analysis.Loops;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Terminator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Recovers structure from a reducible CFG, after Ramsey, "Beyond Relooper: Recursive Translation
 * of Unstructured Control Flow to Structured Control Flow" (ICFP 2022): walk the dominator tree; a
 * block that several forward edges reach, or that a loop exits to, becomes a labelled block whose
 * end it follows; back edges become {@code continue}, edges to followers {@code break}, and
 * every other edge inlines its target. Then {@link #simplify} removes the breaks that fall through
 * anyway and the labels nobody breaks to, so ordinary if/else and loops come out plain.
 */
public final class Structurizer {

    private final KernelFunction f;
    private final Cfg cfg;
    private final Dominators dom;
    private final Loops loops;

    private Structurizer(KernelFunction f) {
        this.f = f;
        this.cfg = new Cfg(f);
        this.dom = new Dominators(cfg);
        this.loops = new Loops(dom);
    }

    /** The structured form of {@code f}'s body. */
    public static Stmt structure(KernelFunction f) {
        Structurizer s = new Structurizer(f);
        Stmt raw = s.doTree(cfg(s).entry(), List.of());
        return simplify(raw);
    }

    private static Cfg cfg(Structurizer s) {
        return s.cfg;
    }

    /** The syntactic constructs enclosing a point: labels a break or continue may name. */
    private record Frame(BlockId label, boolean loop) {
    }

    private Stmt doTree(BlockId x, List<Frame> context) {
        List<BlockId> followers = new ArrayList<>();
        Loop loop = loops.loopAt(x);
        for (BlockId child : dom.children(x)) {
            boolean exitsLoop = loop != null && !loop.contains(child);
            if (isMerge(child) || exitsLoop) {
                followers.add(child);
            }
        }
        followers.sort(Comparator.comparingInt(dom::rpoIndex));
        if (loop == null) {
            return nodeWithin(x, followers, context);
        }
        List<BlockId> inside = followers.stream().filter(loop::contains).toList();
        List<BlockId> outside = followers.stream().filter(b -> !loop.contains(b)).toList();
        // outside followers wrap the loop: the last (highest in reverse postorder) outermost
        List<Frame> loopContext = new ArrayList<>(context);
        for (int i = outside.size() - 1; i >= 0; i--) {
            loopContext.add(new Frame(outside.get(i), false));
        }
        loopContext.add(new Frame(x, true));
        Stmt result = new Stmt.Loop(x, nodeWithin(x, inside, loopContext));
        List<Frame> ctx = new ArrayList<>(context);
        for (int i = outside.size() - 1; i >= 0; i--) {
            ctx.add(new Frame(outside.get(i), false));
        }
        for (BlockId y : outside) {
            ctx.removeLast();
            result = Stmt.seq(new Stmt.Labeled(y, result), doTree(y, ctx));
        }
        return result;
    }

    /** x's code with its followers {@code ys} (sorted by reverse postorder) after it. */
    private Stmt nodeWithin(BlockId x, List<BlockId> ys, List<Frame> context) {
        if (ys.isEmpty()) {
            return Stmt.seq(new Stmt.Code(x), terminator(x, context));
        }
        BlockId last = ys.get(ys.size() - 1);
        List<Frame> inner = new ArrayList<>(context);
        inner.add(new Frame(last, false));
        Stmt body = nodeWithin(x, ys.subList(0, ys.size() - 1), inner);
        return Stmt.seq(new Stmt.Labeled(last, body), doTree(last, context));
    }

    private Stmt terminator(BlockId x, List<Frame> context) {
        Block b = f.block(x);
        return switch (b.terminator()) {
            case Terminator.Jump j -> branch(x, j.target(), context);
            case Terminator.Branch br -> new Stmt.If(br.condition(), branch(x, br.ifTrue(), context),
                    branch(x, br.ifFalse(), context));
            case Terminator.Return r -> new Stmt.Return();
        };
    }

    private Stmt branch(BlockId from, BlockId to, List<Frame> context) {
        Stmt copies = f.block(to).phis().isEmpty() ? Stmt.EMPTY : new Stmt.Copies(from, to);
        if (loops.loopAt(to) != null && dom.rpoIndex(to) <= dom.rpoIndex(from)) {
            return Stmt.seq(copies, new Stmt.Continue(to));
        }
        for (Frame fr : context) {
            if (!fr.loop() && fr.label().equals(to)) {
                return Stmt.seq(copies, new Stmt.Break(to));
            }
        }
        return Stmt.seq(copies, doTree(to, context));
    }

    /** Reached by two or more forward edges. */
    private boolean isMerge(BlockId b) {
        int forward = 0;
        for (BlockId p : cfg.predecessors(b)) {
            if (dom.isReachable(p) && dom.rpoIndex(p) < dom.rpoIndex(b)) {
                forward++;
            }
        }
        return forward >= 2;
    }

    // ---- simplification ------------------------------------------------------------------------

    /** Removes breaks in tail position and labels that nothing breaks to. */
    public static Stmt simplify(Stmt s) {
        return switch (s) {
            case Stmt.Seq seq -> {
                List<Stmt> items = new ArrayList<>();
                for (Stmt item : seq.items()) {
                    items.add(simplify(item));
                }
                yield Stmt.seq(items.toArray(Stmt[]::new));
            }
            case Stmt.If i -> new Stmt.If(i.condition(), simplify(i.then()), simplify(i.otherwise()));
            case Stmt.Loop l -> new Stmt.Loop(l.label(), simplify(l.body()));
            case Stmt.Labeled l -> {
                Stmt body = dropTailBreaks(simplify(l.body()), l.label());
                yield breaksTo(body, l.label()) ? new Stmt.Labeled(l.label(), body) : body;
            }
            default -> s;
        };
    }

    /** {@code s} with every {@code break label} removed whose next step would anyway reach the end of {@code label}. */
    private static Stmt dropTailBreaks(Stmt s, BlockId label) {
        return switch (s) {
            case Stmt.Break b when b.label().equals(label) -> Stmt.EMPTY;
            case Stmt.Seq seq -> {
                List<Stmt> items = new ArrayList<>(seq.items());
                items.set(items.size() - 1, dropTailBreaks(items.getLast(), label));
                yield Stmt.seq(items.toArray(Stmt[]::new));
            }
            case Stmt.If i -> new Stmt.If(i.condition(), dropTailBreaks(i.then(), label),
                    dropTailBreaks(i.otherwise(), label));
            case Stmt.Labeled l -> {
                // falling off this inner block reaches the end of ours: its tail breaks to us fall through too
                Stmt body = dropTailBreaks(l.body(), label);
                yield breaksTo(body, l.label()) ? new Stmt.Labeled(l.label(), body) : body;
            }
            case Stmt.Loop l -> new Stmt.Loop(l.label(), dropTailBreaks(l.body(), label));
            default -> s;
        };
    }

    static boolean breaksTo(Stmt s, BlockId label) {
        return switch (s) {
            case Stmt.Break b -> b.label().equals(label);
            case Stmt.Seq seq -> seq.items().stream().anyMatch(i -> breaksTo(i, label));
            case Stmt.If i -> breaksTo(i.then(), label) || breaksTo(i.otherwise(), label);
            case Stmt.Loop l -> breaksTo(l.body(), label);
            case Stmt.Labeled l -> breaksTo(l.body(), label);
            default -> false;
        };
    }
}
