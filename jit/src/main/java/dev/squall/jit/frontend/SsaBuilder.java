package dev.squall.jit.frontend;

import dev.squall.jit.ir.AddressSpace;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Type;
import dev.squall.jit.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SSA construction after Braun, Buchwald, Hack, Leißa, Mallon and Zwinkau, "Simple and Efficient
 * Construction of Static Single Assignment Form" (CC 2013): variables are read and written per
 * block; reads in blocks with several predecessors create phis, incomplete ones while a block may
 * still gain predecessors; trivial phis are removed as soon as they are complete.
 *
 * <p>Variables here hold {@link AValue}s, so a record or an array is several SSA values at once;
 * phis are made per component, shaped by the JVM's stack map frame at the merge.
 */
final class SsaBuilder {

    /** A JVM variable in one inlined method: {@code slot >= 0} a local, {@code slot < 0} a stack entry or the return value. */
    record VarKey(int frame, int slot) {
        static final int RETURN = Integer.MIN_VALUE;

        static VarKey local(int frame, int slot) {
            return new VarKey(frame, slot);
        }

        static VarKey stack(int frame, int depth) {
            return new VarKey(frame, -1 - depth);
        }

        static VarKey returned(int frame) {
            return new VarKey(frame, RETURN);
        }
    }

    /** A phi under construction. */
    private static final class PhiNode {
        final Var var;
        final BlockId block;
        final SourcePos pos;
        final List<Operand> operands = new ArrayList<>();
        final Set<Var> users = new LinkedHashSet<>();
        boolean complete;
        boolean removed;

        PhiNode(Var var, BlockId block, SourcePos pos) {
            this.var = var;
            this.block = block;
            this.pos = pos;
        }
    }

    private final KernelFunction function;
    private final Map<VarKey, Map<BlockId, AValue>> currentDef = new HashMap<>();
    private final Map<BlockId, Map<VarKey, AValue>> incompletePhis = new HashMap<>();
    private final Set<BlockId> sealed = new LinkedHashSet<>();
    private final Map<BlockId, List<BlockId>> preds = new HashMap<>();
    private final Map<BlockId, Map<VarKey, Shape>> shapes = new HashMap<>();
    private final Map<BlockId, Map<VarKey, String>> names = new HashMap<>();
    private final Map<Var, PhiNode> phis = new LinkedHashMap<>();
    private final Map<Var, Operand> replaced = new HashMap<>();
    /** The JVM variable each phi was made for, to find loop induction variables later. */
    private final Map<Var, VarKey> phiOrigins = new HashMap<>();

    SsaBuilder(KernelFunction function) {
        this.function = function;
    }

    KernelFunction function() {
        return function;
    }

    /** Records that control can flow from {@code from} to {@code to}. */
    void addEdge(BlockId from, BlockId to) {
        List<BlockId> list = preds.computeIfAbsent(to, k -> new ArrayList<>());
        if (!list.contains(from)) {
            list.add(from);
        }
    }

    List<BlockId> predecessors(BlockId block) {
        return preds.getOrDefault(block, List.of());
    }

    /** Declares what each variable holds at the start of {@code block}, for the phis made there. */
    void setShapes(BlockId block, Map<VarKey, Shape> blockShapes) {
        shapes.put(block, blockShapes);
    }

    /** Java variable names at the start of {@code block}, so phis read as the variables they merge. */
    void setNames(BlockId block, Map<VarKey, String> blockNames) {
        names.put(block, blockNames);
    }

    boolean isSealed(BlockId block) {
        return sealed.contains(block);
    }

    /** No more predecessors will be added to {@code block}: completes its pending phis. */
    void seal(BlockId block) {
        if (!sealed.add(block)) {
            return;
        }
        Map<VarKey, AValue> pending = incompletePhis.remove(block);
        if (pending != null) {
            for (var e : pending.entrySet()) {
                addPhiOperands(e.getKey(), e.getValue(), block);
            }
        }
    }

    void write(VarKey key, BlockId block, AValue value) {
        currentDef.computeIfAbsent(key, k -> new HashMap<>()).put(block, value);
    }

    AValue read(VarKey key, BlockId block) {
        Map<BlockId, AValue> defs = currentDef.get(key);
        if (defs != null) {
            AValue v = defs.get(block);
            if (v != null) {
                return resolve(v);
            }
        }
        return readRecursive(key, block);
    }

    private AValue readRecursive(VarKey key, BlockId block) {
        AValue value;
        if (!sealed.contains(block)) {
            value = makePhis(shapeAt(key, block), block, key);
            incompletePhis.computeIfAbsent(block, k -> new LinkedHashMap<>()).put(key, value);
        } else {
            List<BlockId> ps = predecessors(block);
            if (ps.isEmpty()) {
                value = AValue.DEAD;
            } else if (ps.size() == 1) {
                value = read(key, ps.get(0));
            } else if (shapeAt(key, block) instanceof Shape.UninitializedShape) {
                value = read(key, ps.get(0));
                for (BlockId p : ps) {
                    if (!read(key, p).equals(value)) {
                        throw new IllegalStateException("an object under construction differs between paths");
                    }
                }
            } else {
                value = makePhis(shapeAt(key, block), block, key);
                write(key, block, value);
                value = addPhiOperands(key, value, block);
            }
        }
        write(key, block, value);
        return value;
    }

    private Shape shapeAt(VarKey key, BlockId block) {
        Map<VarKey, Shape> blockShapes = shapes.get(block);
        Shape s = blockShapes == null ? null : blockShapes.get(key);
        if (s == null) {
            throw new IllegalStateException("no stack map information for " + key + " at " + block);
        }
        return s;
    }

    private AValue makePhis(Shape shape, BlockId block, VarKey origin) {
        SourcePos pos = function.block(block).pos();
        return switch (shape) {
            case Shape.ScalarShape s -> new AValue.Scalar(newPhi(s.type(), block, pos, origin));
            case Shape.ArrayShape a -> new AValue.ArrayRef(
                    newPhi(new PointerType(a.kind().isJavaArray() ? AddressSpace.UNRESOLVED : AddressSpace.GLOBAL,
                            a.kind().storage()), block, pos, origin),
                    newPhi(ScalarType.I32, block, pos, origin), a.kind());
            case Shape.RecordShape r -> {
                List<AValue> fields = new ArrayList<>();
                for (Class<?> fieldType : r.info().fieldTypes()) {
                    Shape fieldShape = Shape.ofClass(fieldType);
                    if (fieldShape == null) {
                        throw new IllegalStateException("record " + r.info().simpleName() + " has a component of type "
                                + fieldType.getSimpleName() + ", which kernels cannot hold");
                    }
                    fields.add(makePhis(fieldShape, block, origin));
                }
                yield new AValue.Obj(-1, r.info(), fields);
            }
            case Shape.ContextShape c -> AValue.CONTEXT;
            case Shape.DeadShape d -> AValue.DEAD;
            case Shape.UninitializedShape u -> throw new IllegalStateException(
                    "a loop runs between an object's creation and its constructor call");
        };
    }

    private Var newPhi(Type type, BlockId block, SourcePos pos, VarKey origin) {
        Map<VarKey, String> blockNames = names.get(block);
        String name = blockNames == null ? "" : blockNames.getOrDefault(origin, "");
        Var v = function.newVar(type, name);
        phis.put(v, new PhiNode(v, block, pos));
        phiOrigins.put(v, origin);
        return v;
    }

    /** Gives the phis of {@code value} their inputs from every predecessor, then removes trivial ones. */
    private AValue addPhiOperands(VarKey key, AValue value, BlockId block) {
        List<AValue> inputs = new ArrayList<>();
        for (BlockId p : predecessors(block)) {
            inputs.add(read(key, p));
        }
        // No write here: when sealing a block that is already filled, its own later definitions must stay;
        // uses of a phi that turns out trivial are redirected through resolve().
        return connect(value, inputs);
    }

    private AValue connect(AValue template, List<AValue> inputs) {
        if (inputs.stream().allMatch(in -> in instanceof AValue.Dead)) {
            // nothing flows in on any path (e.g. a field not yet set in a constructor): no phis needed
            discardPhis(template);
            return AValue.DEAD;
        }
        return switch (template) {
            case AValue.Scalar s -> {
                List<Operand> ops = new ArrayList<>();
                for (AValue in : inputs) {
                    if (!(in instanceof AValue.Scalar scalar)) {
                        throw mismatch(template, in);
                    }
                    ops.add(scalar.operand());
                }
                yield new AValue.Scalar(completePhi((Var) s.operand(), ops));
            }
            case AValue.ArrayRef a -> {
                List<Operand> data = new ArrayList<>();
                List<Operand> length = new ArrayList<>();
                for (AValue in : inputs) {
                    if (!(in instanceof AValue.ArrayRef ref) || ref.kind() != a.kind()) {
                        throw mismatch(template, in);
                    }
                    data.add(ref.data());
                    length.add(ref.length());
                }
                yield new AValue.ArrayRef(completePhi((Var) a.data(), data), completePhi((Var) a.length(), length),
                        a.kind());
            }
            case AValue.Obj o -> {
                List<AValue> fields = new ArrayList<>();
                for (int i = 0; i < o.fields().size(); i++) {
                    List<AValue> fieldInputs = new ArrayList<>();
                    for (AValue in : inputs) {
                        if (!(in instanceof AValue.Obj obj) || obj.info().type() != o.info().type()) {
                            throw mismatch(template, in);
                        }
                        fieldInputs.add(obj.fields().get(i));
                    }
                    fields.add(connect(o.fields().get(i), fieldInputs));
                }
                int allocation = ((AValue.Obj) inputs.get(0)).allocation();
                boolean same = inputs.stream().allMatch(in -> ((AValue.Obj) in).allocation() == allocation);
                yield new AValue.Obj(same ? allocation : -1, o.info(), fields);
            }
            case AValue.Context c -> {
                for (AValue in : inputs) {
                    if (!(in instanceof AValue.Context)) {
                        throw mismatch(template, in);
                    }
                }
                yield c;
            }
            case AValue.Dead d -> d;
        };
    }

    private static IllegalStateException mismatch(AValue expected, AValue actual) {
        return new IllegalStateException("a variable merges " + describe(actual) + " with " + describe(expected));
    }

    static String describe(AValue v) {
        return switch (v) {
            case AValue.Scalar s -> "a " + s.operand().type().text();
            case AValue.ArrayRef a -> "an array (" + a.kind().javaClass().getSimpleName() + ")";
            case AValue.Obj o -> "a " + o.info().simpleName() + " record";
            case AValue.Context c -> "the KernelContext";
            case AValue.Dead d -> "an uninitialised value";
        };
    }

    private Operand completePhi(Var phiVar, List<Operand> operands) {
        PhiNode node = phis.get(phiVar);
        node.operands.clear();
        for (Operand op : operands) {
            Operand r = resolve(op);
            node.operands.add(r);
            if (r instanceof Var v && phis.containsKey(v)) {
                phis.get(v).users.add(phiVar);
            }
        }
        node.complete = true;
        return tryRemoveTrivial(node);
    }

    private void discardPhis(AValue template) {
        switch (template) {
            case AValue.Scalar s -> discardPhi((Var) s.operand());
            case AValue.ArrayRef a -> {
                discardPhi((Var) a.data());
                discardPhi((Var) a.length());
            }
            case AValue.Obj o -> o.fields().forEach(this::discardPhis);
            default -> { }
        }
    }

    private void discardPhi(Var phi) {
        PhiNode node = phis.get(phi);
        if (node != null) {
            node.complete = true;
            node.removed = true;
            replaced.put(phi, zero(phi.type()));
        }
    }

    /** A phi whose inputs are all one value (or itself) is that value. */
    private Operand tryRemoveTrivial(PhiNode node) {
        if (node.removed) {
            return resolve(node.var);
        }
        Operand same = null;
        for (Operand op : node.operands) {
            Operand r = resolve(op);
            if (r.equals(same) || r.equals(node.var)) {
                continue;
            }
            if (same != null) {
                return node.var;
            }
            same = r;
        }
        if (same == null) {
            // Only self-references: the value is never defined on any path (an unreachable loop).
            same = zero(node.var.type());
        }
        node.removed = true;
        replaced.put(node.var, same);
        if (same instanceof Var sv && phis.containsKey(sv)) {
            // the users of the removed phi now use its replacement, and must be rechecked when it goes
            phis.get(sv).users.addAll(node.users);
            phis.get(sv).users.remove(sv);
        }
        for (Var user : List.copyOf(node.users)) {
            PhiNode u = phis.get(user);
            if (u != null && u.complete && !u.removed) {
                tryRemoveTrivial(u);
            }
        }
        return same;
    }

    private static Operand zero(Type type) {
        return type instanceof ScalarType s ? Const.of(s, 0) : Const.i32(0);
    }

    Operand resolve(Operand op) {
        Operand current = op;
        while (current instanceof Var v) {
            Operand next = replaced.get(v);
            if (next == null) {
                break;
            }
            current = next;
        }
        if (current != op && op instanceof Var v) {
            replaced.put(v, current);
        }
        return current;
    }

    AValue resolve(AValue value) {
        return switch (value) {
            case AValue.Scalar s -> {
                Operand r = resolve(s.operand());
                yield r == s.operand() ? s : new AValue.Scalar(r);
            }
            case AValue.ArrayRef a -> new AValue.ArrayRef(resolve(a.data()), resolve(a.length()), a.kind());
            case AValue.Obj o -> {
                List<AValue> fields = new ArrayList<>();
                for (AValue f : o.fields()) {
                    fields.add(resolve(f));
                }
                yield new AValue.Obj(o.allocation(), o.info(), fields);
            }
            default -> value;
        };
    }

    /** The JVM variables live phis were made for. */
    Map<Var, VarKey> phiOrigins() {
        Map<Var, VarKey> live = new HashMap<>();
        for (var e : phiOrigins.entrySet()) {
            PhiNode node = phis.get(e.getKey());
            if (node != null && !node.removed) {
                live.put(e.getKey(), e.getValue());
            }
        }
        return live;
    }

    /** Places the surviving phis in their blocks and replaces every use of a removed phi. */
    void finish() {
        Map<BlockId, List<Inst.Phi>> byBlock = new HashMap<>();
        for (PhiNode node : phis.values()) {
            if (node.removed) {
                continue;
            }
            if (!node.complete) {
                throw new IllegalStateException("phi " + node.var.text() + " in " + node.block + " was never completed"
                        + " (block not sealed)");
            }
            List<BlockId> ps = predecessors(node.block);
            List<Inst.PhiInput> inputs = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                inputs.add(new Inst.PhiInput(ps.get(i), resolve(node.operands.get(i))));
            }
            byBlock.computeIfAbsent(node.block, k -> new ArrayList<>()).add(new Inst.Phi(node.var, inputs, node.pos));
        }
        for (Block b : function.blocks()) {
            b.setPhis(byBlock.getOrDefault(b.id(), List.of()));
            List<Inst> body = new ArrayList<>();
            for (Inst inst : b.body()) {
                body.add(rewrite(inst));
            }
            b.setBody(body);
            if (b.terminator() != null) {
                List<Operand> ops = b.terminator().operands().stream().map(this::resolve).toList();
                b.setTerminator(b.terminator().withOperands(ops));
            }
        }
    }

    private Inst rewrite(Inst inst) {
        List<Operand> ops = inst.operands();
        List<Operand> fresh = new ArrayList<>(ops.size());
        boolean changed = false;
        for (Operand op : ops) {
            Operand r = resolve(op);
            changed |= r != op;
            fresh.add(r);
        }
        return changed ? inst.withOperands(fresh) : inst;
    }
}
