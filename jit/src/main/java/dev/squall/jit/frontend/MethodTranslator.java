package dev.squall.jit.frontend;

import dev.squall.api.KernelCompilationException;
import dev.squall.api.KernelContext;
import dev.squall.jit.ir.BinaryOp;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.CompareOp;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.ConvertOp;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.Operand;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.Semantics;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Terminator;
import dev.squall.jit.ir.Type;
import dev.squall.jit.ir.Var;
import java.lang.classfile.Instruction;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.NopInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one method's bytecode into SSA IR, block by block in reverse postorder, interpreting
 * the JVM stack abstractly. Calls to static helpers and record methods are inlined by translating
 * the callee into the same function; known library calls become IR operations ({@link Intrinsics}).
 */
final class MethodTranslator {

    private final TranslationContext cx;
    private final SsaBuilder ssa;
    private final MethodInfo m;
    private final int frame;
    private final Block continuation;
    private final Block[] irBlocks;
    private final BlockId[] exits;
    private final int[] entryDepth;
    private final boolean isConstructor;
    private final int allocationOfThis;

    Block current;
    AValue[] locals;
    final List<AValue> stack = new ArrayList<>();
    MethodInfo.Insn insn;

    MethodTranslator(TranslationContext cx, MethodInfo m, Block continuation, int allocationOfThis) {
        this.cx = cx;
        this.ssa = cx.builder;
        this.m = m;
        this.frame = cx.newFrame();
        this.continuation = continuation;
        this.irBlocks = new Block[m.blocks.size()];
        this.exits = new BlockId[m.blocks.size()];
        this.entryDepth = new int[m.blocks.size()];
        this.isConstructor = m.name.equals("<init>");
        this.allocationOfThis = allocationOfThis;
    }

    int frame() {
        return frame;
    }

    /**
     * Translates the method with {@code args} in its first local slots. {@code from} is the block
     * control comes from: its terminator is set to enter this method.
     */
    void translate(AValue[] args, Block from) {
        List<Integer> rpo = m.reversePostorder();
        for (int b : rpo) {
            MethodInfo.BBlock bb = m.blocks.get(b);
            irBlocks[b] = cx.newBlock(bb.bci(), pos(bb.bci(), lineOf(bb)));
            if (m == cx.kernelMethod) {
                cx.kernelBlocks.add(irBlocks[b].id());
            }
            StackMapFrameInfo f = m.framesByBci.get(bb.bci());
            if (f != null) {
                ssa.setShapes(irBlocks[b].id(), shapesOf(f));
            }
            Map<SsaBuilder.VarKey, String> names = new HashMap<>();
            for (int slot = 0; slot < m.maxLocals; slot++) {
                String name = m.localName(slot, bb.bci());
                if (!name.isEmpty()) {
                    names.put(SsaBuilder.VarKey.local(frame, slot), name);
                }
            }
            ssa.setNames(irBlocks[b].id(), names);
        }
        Block pre = from == null ? cx.function.entry() : cx.newBlock(0, pos(0, lineOf(m.blocks.get(0))));
        if (from != null) {
            jump(from, pre);
        }
        ssa.seal(pre.id());
        int slot = 0;
        for (AValue arg : args) {
            ssa.write(SsaBuilder.VarKey.local(frame, slot), pre.id(), arg);
            if (arg.wide()) {
                ssa.write(SsaBuilder.VarKey.local(frame, slot + 1), pre.id(), AValue.DEAD);
            }
            slot += arg.wide() ? 2 : 1;
        }
        for (; slot < m.maxLocals; slot++) {
            ssa.write(SsaBuilder.VarKey.local(frame, slot), pre.id(), AValue.DEAD);
        }
        if (!m.framesByBci.containsKey(0) && !m.blocks.get(0).predecessors().isEmpty()) {
            ssa.setShapes(irBlocks[0].id(), initialShapes(args));
        }
        jump(pre, irBlocks[0]);

        int[] remaining = new int[m.blocks.size()];
        java.util.Set<Integer> reachable = new java.util.HashSet<>(rpo);
        for (int b : rpo) {
            for (int p : m.blocks.get(b).predecessors()) {
                remaining[b] += reachable.contains(p) ? 1 : 0;
            }
        }
        for (int b : rpo) {
            if (remaining[b] == 0) {
                ssa.seal(irBlocks[b].id());
            }
            fill(b);
            for (int s : m.blocks.get(b).successors()) {
                if (--remaining[s] == 0 && exits[s] != null) {
                    ssa.seal(irBlocks[s].id());
                }
            }
        }
        for (int b : rpo) {
            if (!ssa.isSealed(irBlocks[b].id())) {
                ssa.seal(irBlocks[b].id());
            }
        }
    }

    private void fill(int b) {
        try {
            fillBlock(b);
        } catch (IllegalStateException e) {
            throw error(e.getMessage());
        }
    }

    private void fillBlock(int b) {
        MethodInfo.BBlock bb = m.blocks.get(b);
        current = irBlocks[b];
        StackMapFrameInfo f = m.framesByBci.get(bb.bci());
        int depth = f != null ? f.stack().size() : entryDepth[b];
        boolean[] live = f != null ? liveSlots(f) : null;
        locals = new AValue[m.maxLocals];
        for (int slot = 0; slot < m.maxLocals; slot++) {
            locals[slot] = live == null || live[slot] ? ssa.read(SsaBuilder.VarKey.local(frame, slot), current.id())
                    : AValue.DEAD;
        }
        stack.clear();
        for (int i = 0; i < depth; i++) {
            stack.add(ssa.read(SsaBuilder.VarKey.stack(frame, i), current.id()));
        }
        for (int i = bb.start(); i < bb.end(); i++) {
            insn = m.insns.get(i);
            if (translateInstruction(insn.instruction(), i + 1 < bb.end() ? m.insns.get(i + 1).instruction() : null)) {
                i++; // the next instruction was fused into this one
            }
        }
        if (current.terminator() == null) {
            jump(current, irBlocks[b + 1]);
        }
        flushState(current);
        exits[b] = current.id();
        for (int s : bb.successors()) {
            entryDepth[s] = stack.size();
        }
    }

    /** Writes the locals and stack as the values of the variables at the end of {@code block}. */
    private void flushState(Block block) {
        for (int slot = 0; slot < m.maxLocals; slot++) {
            ssa.write(SsaBuilder.VarKey.local(frame, slot), block.id(), locals[slot]);
        }
        for (int i = 0; i < stack.size(); i++) {
            ssa.write(SsaBuilder.VarKey.stack(frame, i), block.id(), stack.get(i));
        }
    }

    // ---- stack-map frames ------------------------------------------------------------------------

    private boolean[] liveSlots(StackMapFrameInfo f) {
        boolean[] live = new boolean[m.maxLocals];
        int slot = 0;
        for (StackMapFrameInfo.VerificationTypeInfo t : f.locals()) {
            boolean top = t == StackMapFrameInfo.SimpleVerificationTypeInfo.TOP;
            if (slot < live.length) {
                live[slot] = !top;
            }
            slot += isWide(t) ? 2 : 1;
        }
        return live;
    }

    private Map<SsaBuilder.VarKey, Shape> shapesOf(StackMapFrameInfo f) {
        Map<SsaBuilder.VarKey, Shape> shapes = new HashMap<>();
        int slot = 0;
        for (StackMapFrameInfo.VerificationTypeInfo t : f.locals()) {
            shapes.put(SsaBuilder.VarKey.local(frame, slot), shapeOf(t));
            if (isWide(t)) {
                shapes.put(SsaBuilder.VarKey.local(frame, slot + 1), Shape.DEAD);
            }
            slot += isWide(t) ? 2 : 1;
        }
        for (; slot < m.maxLocals; slot++) {
            shapes.put(SsaBuilder.VarKey.local(frame, slot), Shape.DEAD);
        }
        for (int i = 0; i < f.stack().size(); i++) {
            shapes.put(SsaBuilder.VarKey.stack(frame, i), shapeOf(f.stack().get(i)));
        }
        return shapes;
    }

    private Map<SsaBuilder.VarKey, Shape> initialShapes(AValue[] args) {
        Map<SsaBuilder.VarKey, Shape> shapes = new HashMap<>();
        int slot = 0;
        for (AValue a : args) {
            shapes.put(SsaBuilder.VarKey.local(frame, slot), shapeOfValue(a));
            slot += a.wide() ? 2 : 1;
        }
        for (; slot < m.maxLocals; slot++) {
            shapes.put(SsaBuilder.VarKey.local(frame, slot), Shape.DEAD);
        }
        return shapes;
    }

    private static Shape shapeOfValue(AValue a) {
        return switch (a) {
            case AValue.Scalar s -> new Shape.ScalarShape((ScalarType) s.operand().type());
            case AValue.ArrayRef r -> new Shape.ArrayShape(r.kind());
            case AValue.Obj o -> new Shape.RecordShape(o.info());
            case AValue.Context c -> new Shape.ContextShape();
            case AValue.Dead d -> Shape.DEAD;
        };
    }

    private static boolean isWide(StackMapFrameInfo.VerificationTypeInfo t) {
        return t == StackMapFrameInfo.SimpleVerificationTypeInfo.LONG
                || t == StackMapFrameInfo.SimpleVerificationTypeInfo.DOUBLE;
    }

    private Shape shapeOf(StackMapFrameInfo.VerificationTypeInfo t) {
        return switch (t) {
            case StackMapFrameInfo.SimpleVerificationTypeInfo s -> switch (s) {
                case INTEGER -> new Shape.ScalarShape(ScalarType.I32);
                case FLOAT -> new Shape.ScalarShape(ScalarType.F32);
                case LONG -> new Shape.ScalarShape(ScalarType.I64);
                case DOUBLE -> new Shape.ScalarShape(ScalarType.F64);
                case UNINITIALIZED_THIS -> new Shape.UninitializedShape();
                default -> Shape.DEAD;
            };
            case StackMapFrameInfo.ObjectVerificationTypeInfo o -> shapeOfClass(o.classSymbol());
            case StackMapFrameInfo.UninitializedVerificationTypeInfo u -> new Shape.UninitializedShape();
        };
    }

    private Shape shapeOfClass(ClassDesc desc) {
        Class<?> type = resolveClass(desc);
        Shape s = Shape.ofClass(type);
        return s != null ? s : Shape.DEAD; // an unusable type: any real use reports an error
    }

    /** Like {@link #resolveClass} but also for primitive descriptors. */
    Class<?> resolveClassOrPrimitive(ClassDesc desc) {
        if (desc.isPrimitive()) {
            return switch (desc.descriptorString()) {
                case "I" -> int.class;
                case "J" -> long.class;
                case "F" -> float.class;
                case "D" -> double.class;
                case "Z" -> boolean.class;
                case "B" -> byte.class;
                case "S" -> short.class;
                case "C" -> char.class;
                default -> void.class;
            };
        }
        return resolveClass(desc);
    }

    Class<?> resolveClass(ClassDesc desc) {
        String d = desc.descriptorString();
        ArrayKind kind = ArrayKind.ofDescriptor(d);
        if (kind != null) {
            return kind.javaClass();
        }
        if (desc.isArray()) {
            throw error("uses the array type " + desc.displayName() + "; kernels use primitive arrays or Squall arrays");
        }
        String name = d.substring(1, d.length() - 1).replace('/', '.');
        try {
            return Class.forName(name, false, m.owner.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw error("refers to class " + name + ", which cannot be loaded: " + e);
        }
    }

    // ---- instructions --------------------------------------------------------------------------

    /** Translates one instruction; returns true if it also consumed {@code next}. */
    private boolean translateInstruction(Instruction ins, Instruction next) {
        switch (ins) {
            case LoadInstruction load -> push(live(locals[load.slot()], "local variable " + load.slot()));
            case StoreInstruction store -> storeLocal(store.slot(), pop());
            case IncrementInstruction inc -> locals[inc.slot()] = scalar(binary(BinaryOp.ADD,
                    operand(locals[inc.slot()]), Const.i32(inc.constant())));
            case ConstantInstruction c -> push(constant(c.constantValue()));
            case OperatorInstruction op -> {
                return operator(op, next);
            }
            case ConvertInstruction cv -> convert(cv);
            case StackInstruction st -> stackOp(st.opcode());
            case BranchInstruction br -> branch(br);
            case TableSwitchInstruction ts -> switchChain(ts.defaultTarget(), ts.cases());
            case LookupSwitchInstruction ls -> switchChain(ls.defaultTarget(), ls.cases());
            case ReturnInstruction ret -> doReturn(ret);
            case FieldInstruction fi -> field(fi);
            case InvokeInstruction inv -> invoke(inv);
            case InvokeDynamicInstruction indy -> throw error("uses invokedynamic (a lambda, string concatenation or"
                    + " pattern switch), which kernels cannot");
            case NewObjectInstruction nw -> newObject(nw.className().asSymbol());
            case NewPrimitiveArrayInstruction na -> throw error("allocates a Java array (new " + na.typeKind().name()
                    .toLowerCase(java.util.Locale.ROOT) + "[]); use KernelContext.allocate*LocalArray for local memory"
                    + " or pass arrays as parameters");
            case NewReferenceArrayInstruction na -> throw error("allocates an array of objects");
            case NewMultiArrayInstruction na -> throw error("allocates a multi-dimensional array");
            case ArrayLoadInstruction al -> arrayLoad();
            case ArrayStoreInstruction as -> arrayStore();
            case TypeCheckInstruction tc -> typeCheck(tc);
            case ThrowInstruction th -> throw error("throws an exception, which kernels cannot");
            case MonitorInstruction mon -> throw error("synchronizes on a monitor, which kernels cannot");
            case NopInstruction nop -> { }
            default -> throw error("uses the bytecode " + ins.opcode().name().toLowerCase(java.util.Locale.ROOT)
                    + ", which kernels cannot");
        }
        return false;
    }

    private void storeLocal(int slot, AValue value) {
        if (slot > 0 && locals[slot - 1].wide()) {
            locals[slot - 1] = AValue.DEAD;
        }
        locals[slot] = value;
        if (value.wide()) {
            locals[slot + 1] = AValue.DEAD;
        }
    }

    private AValue constant(java.lang.constant.ConstantDesc value) {
        return switch (value) {
            case Integer i -> scalar(Const.i32(i));
            case Long l -> scalar(Const.i64(l));
            case Float f -> scalar(Const.f32(f));
            case Double d -> scalar(Const.f64(d));
            case String s -> throw error("uses the string \"" + s + "\"; kernels cannot use strings");
            default -> throw error("loads the constant " + value + ", which kernels cannot use");
        };
    }

    private boolean operator(OperatorInstruction op, Instruction next) {
        Opcode code = op.opcode();
        switch (code) {
            case IADD, LADD, FADD, DADD -> binaryFromStack(BinaryOp.ADD);
            case ISUB, LSUB, FSUB, DSUB -> binaryFromStack(BinaryOp.SUB);
            case IMUL, LMUL, FMUL, DMUL -> binaryFromStack(BinaryOp.MUL);
            case IDIV, LDIV, FDIV, DDIV -> binaryFromStack(BinaryOp.DIV);
            case IREM, LREM -> binaryFromStack(BinaryOp.REM);
            case FREM, DREM -> {
                Operand right = popOperand();
                Operand left = popOperand();
                Operand soft = Intrinsics.soft(this, code == Opcode.FREM ? "fmodf" : "fmod", left, right);
                push(scalar(soft != null ? soft : binary(BinaryOp.REM, left, right)));
            }
            case IAND, LAND -> binaryFromStack(BinaryOp.AND);
            case IOR, LOR -> binaryFromStack(BinaryOp.OR);
            case IXOR, LXOR -> binaryFromStack(BinaryOp.XOR);
            case ISHL, LSHL -> binaryFromStack(BinaryOp.SHL);
            case ISHR, LSHR -> binaryFromStack(BinaryOp.SHR);
            case IUSHR, LUSHR -> binaryFromStack(BinaryOp.USHR);
            case INEG, LNEG, FNEG, DNEG -> push(scalar(unary(dev.squall.jit.ir.UnaryOp.NEG, popOperand())));
            case ARRAYLENGTH -> {
                AValue a = pop();
                if (!(a instanceof AValue.ArrayRef ref)) {
                    throw error("reads the length of " + SsaBuilder.describe(a));
                }
                push(scalar(ref.length()));
            }
            case LCMP, FCMPL, FCMPG, DCMPL, DCMPG -> {
                Operand right = popOperand();
                Operand left = popOperand();
                int nanResult = code == Opcode.FCMPG || code == Opcode.DCMPG ? 1 : -1;
                if (next instanceof BranchInstruction br && isIfZero(br.opcode())) {
                    CompareOp cmp = fusedCompare(br.opcode(), left.type() == ScalarType.I64, nanResult);
                    branchOn(compare(cmp, left, right), br);
                    return true;
                }
                push(scalar(threeWayCompare(left, right, nanResult)));
            }
            default -> throw error("uses the bytecode " + code.name().toLowerCase(java.util.Locale.ROOT)
                    + ", which kernels cannot");
        }
        return false;
    }

    private static boolean isIfZero(Opcode op) {
        return switch (op) {
            case IFEQ, IFNE, IFLT, IFGE, IFGT, IFLE -> true;
            default -> false;
        };
    }

    /**
     * The comparison {@code (left <=> right) OP 0}, where a NaN operand makes the three-way result
     * {@code nanResult}: ordered where NaN must give false, unordered where it must give true.
     */
    private static CompareOp fusedCompare(Opcode ifOp, boolean integer, int nanResult) {
        CompareOp ordered = switch (ifOp) {
            case IFEQ -> CompareOp.EQ;
            case IFNE -> CompareOp.NE;
            case IFLT -> CompareOp.LT;
            case IFGE -> CompareOp.GE;
            case IFGT -> CompareOp.GT;
            default -> CompareOp.LE;
        };
        if (integer || ordered == CompareOp.EQ || ordered == CompareOp.NE) {
            return ordered;
        }
        boolean nanTaken = switch (ordered) {
            case LT -> nanResult < 0;
            case GE -> nanResult >= 0;
            case GT -> nanResult > 0;
            default -> nanResult <= 0;
        };
        if (!nanTaken) {
            return ordered;
        }
        return switch (ordered) {
            case LT -> CompareOp.ULT;
            case GE -> CompareOp.UGE;
            case GT -> CompareOp.UGT;
            default -> CompareOp.ULE;
        };
    }

    private Operand threeWayCompare(Operand left, Operand right, int nanResult) {
        boolean floating = ((ScalarType) left.type()).isFloating();
        Operand lt = compare(CompareOp.LT, left, right);
        Operand gt = compare(CompareOp.GT, left, right);
        Operand greaterOrOther = select(gt, Const.i32(1), floating
                ? select(compare(CompareOp.EQ, left, right), Const.i32(0), Const.i32(nanResult)) : Const.i32(0));
        return select(lt, Const.i32(-1), greaterOrOther);
    }

    private void binaryFromStack(BinaryOp op) {
        Operand right = popOperand();
        Operand left = popOperand();
        push(scalar(binary(op, left, right)));
    }

    private void convert(ConvertInstruction cv) {
        Operand v = popOperand();
        TypeKind from = cv.fromType();
        TypeKind to = cv.toType();
        ConvertOp op = switch (from) {
            case INT -> switch (to) {
                case LONG -> ConvertOp.I2L;
                case FLOAT -> ConvertOp.I2F;
                case DOUBLE -> ConvertOp.I2D;
                case BYTE -> ConvertOp.I2B;
                case SHORT -> ConvertOp.I2S;
                case CHAR -> ConvertOp.I2C;
                default -> null;
            };
            case LONG -> to == TypeKind.INT ? ConvertOp.L2I : to == TypeKind.FLOAT ? ConvertOp.L2F : ConvertOp.L2D;
            case FLOAT -> to == TypeKind.INT ? ConvertOp.F2I : to == TypeKind.LONG ? ConvertOp.F2L : ConvertOp.F2D;
            case DOUBLE -> to == TypeKind.INT ? ConvertOp.D2I : to == TypeKind.LONG ? ConvertOp.D2L : ConvertOp.D2F;
            default -> null;
        };
        if (op == null) {
            throw error("converts " + from + " to " + to + ", which kernels cannot");
        }
        push(scalar(convert(op, v)));
    }

    private void stackOp(Opcode op) {
        switch (op) {
            case POP -> pop();
            case POP2 -> {
                AValue top = pop();
                if (!top.wide()) {
                    pop();
                }
            }
            case DUP -> {
                AValue a = pop();
                push(a);
                push(a);
            }
            case DUP_X1 -> {
                AValue a = pop();
                AValue b = pop();
                push(a);
                push(b);
                push(a);
            }
            case DUP_X2 -> {
                AValue a = pop();
                AValue b = pop();
                if (b.wide()) {
                    push(a);
                    push(b);
                    push(a);
                } else {
                    AValue c = pop();
                    push(a);
                    push(c);
                    push(b);
                    push(a);
                }
            }
            case DUP2 -> {
                AValue a = pop();
                if (a.wide()) {
                    push(a);
                    push(a);
                } else {
                    AValue b = pop();
                    push(b);
                    push(a);
                    push(b);
                    push(a);
                }
            }
            case DUP2_X1 -> {
                AValue a = pop();
                if (a.wide()) {
                    AValue b = pop();
                    push(a);
                    push(b);
                    push(a);
                } else {
                    AValue b = pop();
                    AValue c = pop();
                    push(b);
                    push(a);
                    push(c);
                    push(b);
                    push(a);
                }
            }
            case DUP2_X2 -> {
                AValue a = pop();
                if (a.wide()) {
                    AValue b = pop();
                    if (b.wide()) {
                        push(a);
                        push(b);
                        push(a);
                    } else {
                        AValue c = pop();
                        push(a);
                        push(c);
                        push(b);
                        push(a);
                    }
                } else {
                    AValue b = pop();
                    AValue c = pop();
                    if (c.wide()) {
                        push(b);
                        push(a);
                        push(c);
                        push(b);
                        push(a);
                    } else {
                        AValue d = pop();
                        push(b);
                        push(a);
                        push(d);
                        push(c);
                        push(b);
                        push(a);
                    }
                }
            }
            case SWAP -> {
                AValue a = pop();
                AValue b = pop();
                push(a);
                push(b);
            }
            default -> throw error("uses the bytecode " + op.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void branch(BranchInstruction br) {
        Opcode op = br.opcode();
        switch (op) {
            case GOTO, GOTO_W -> jump(current, target(br.target()));
            case IFEQ, IFNE, IFLT, IFGE, IFGT, IFLE -> {
                Operand v = popOperand();
                branchOn(compare(fusedCompare(op, true, 0), v, Const.i32(0)), br);
            }
            case IF_ICMPEQ, IF_ICMPNE, IF_ICMPLT, IF_ICMPGE, IF_ICMPGT, IF_ICMPLE -> {
                Operand right = popOperand();
                Operand left = popOperand();
                CompareOp cmp = switch (op) {
                    case IF_ICMPEQ -> CompareOp.EQ;
                    case IF_ICMPNE -> CompareOp.NE;
                    case IF_ICMPLT -> CompareOp.LT;
                    case IF_ICMPGE -> CompareOp.GE;
                    case IF_ICMPGT -> CompareOp.GT;
                    default -> CompareOp.LE;
                };
                branchOn(compare(cmp, left, right), br);
            }
            case IFNULL, IFNONNULL -> throw error("tests a reference for null; kernels have no null references");
            default -> throw error("compares references (" + op.name().toLowerCase(java.util.Locale.ROOT)
                    + "); kernels cannot");
        }
    }

    /** Ends the block with a conditional branch; {@code br} is the current instruction or the one fused after it. */
    private void branchOn(Operand condition, BranchInstruction br) {
        Block taken = target(br.target());
        int branchBci = br == insn.instruction() ? insn.bci() : insn.bci() + insn.instruction().sizeInBytes();
        Block fallthrough = irBlocks[m.blockAt(branchBci + br.sizeInBytes())];
        setTerminator(current, new Terminator.Branch(condition, taken.id(), fallthrough.id(), pos()), taken, fallthrough);
    }

    private void switchChain(java.lang.classfile.Label defaultTarget, List<SwitchCase> cases) {
        Operand key = popOperand();
        flushState(current); // the chain's blocks and the case targets read the state through it
        Block test = current;
        for (SwitchCase c : cases) {
            Operand eq = emitIn(test, new Inst.Compare(newVar(ScalarType.BOOL), CompareOp.EQ, key,
                    Const.i32(c.caseValue()), pos()));
            Block next = cx.newBlock(insn.bci(), pos());
            Block t = target(c.target());
            setTerminator(test, new Terminator.Branch(eq, t.id(), next.id(), pos()), t, next);
            ssa.seal(next.id());
            test = next;
        }
        jump(test, target(defaultTarget));
        current = test;
    }

    private void doReturn(ReturnInstruction ret) {
        if (continuation == null) {
            if (ret.typeKind() != TypeKind.VOID) {
                throw error("returns a value; kernels return void");
            }
            setTerminator(current, new Terminator.Return(pos()));
            return;
        }
        AValue value = isConstructor ? locals[0] : ret.typeKind() == TypeKind.VOID ? null : pop();
        if (value != null) {
            ssa.write(SsaBuilder.VarKey.returned(frame), current.id(), value);
        }
        jump(current, continuation);
    }

    private void field(FieldInstruction fi) {
        String name = fi.name().stringValue();
        switch (fi.opcode()) {
            case GETFIELD -> {
                AValue receiver = pop();
                switch (receiver) {
                    case AValue.Context c -> push(scalar(Intrinsics.contextField(this, name)));
                    case AValue.Obj o -> {
                        AValue v = o.fields().get(o.info().fieldIndex(name));
                        push(live(v, "field " + name + " of " + o.info().simpleName() + " before it is set"));
                    }
                    default -> throw error("reads field " + name + " of " + SsaBuilder.describe(receiver)
                            + "; kernels read fields only of records and the KernelContext");
                }
            }
            case PUTFIELD -> {
                AValue value = pop();
                AValue receiver = pop();
                if (!(receiver instanceof AValue.Obj o) || !isConstructor || o.allocation() != allocationOfThis) {
                    throw error("writes field " + name + "; kernels cannot change objects (records are immutable)");
                }
                replaceObject(o, o.withField(o.info().fieldIndex(name), value));
            }
            case GETSTATIC -> push(Intrinsics.staticConstant(this, fi));
            default -> throw error("writes static field " + fi.owner().asInternalName().replace('/', '.') + "."
                    + name + "; kernels cannot change static state");
        }
    }

    /** Replaces every copy of an object under construction with its updated value. */
    void replaceObject(AValue.Obj old, AValue.Obj fresh) {
        for (int i = 0; i < locals.length; i++) {
            if (locals[i] instanceof AValue.Obj o && o.allocation() == old.allocation() && old.allocation() >= 0) {
                locals[i] = fresh;
            }
        }
        for (int i = 0; i < stack.size(); i++) {
            if (stack.get(i) instanceof AValue.Obj o && o.allocation() == old.allocation() && old.allocation() >= 0) {
                stack.set(i, fresh);
            }
        }
    }

    private void newObject(ClassDesc desc) {
        Class<?> type = resolveClass(desc);
        if (Throwable.class.isAssignableFrom(type)) {
            throw error("throws an exception (new " + type.getSimpleName() + "), which kernels cannot");
        }
        if (!type.isRecord()) {
            throw error("allocates a " + type.getSimpleName() + "; kernels can create records only (scalar replaced)");
        }
        RecordInfo info = RecordInfo.of(type);
        List<AValue> fields = new ArrayList<>();
        for (int i = 0; i < info.fieldNames().size(); i++) {
            fields.add(AValue.DEAD);
        }
        push(new AValue.Obj(cx.newAllocation(), info, fields));
    }

    private void invoke(InvokeInstruction inv) {
        Intrinsics.invoke(this, inv);
    }

    /** Inlines {@code target} with {@code args} (receiver first for instance methods); returns its result or null. */
    AValue inline(Executable target, AValue[] args) {
        if (cx.inlineStack.contains(target)) {
            throw error("calls " + target.getDeclaringClass().getSimpleName() + "." + target.getName()
                    + " recursively; kernels cannot recurse");
        }
        if (cx.inlineStack.size() >= TranslationContext.MAX_INLINE_DEPTH) {
            throw error("inlines helpers more than " + TranslationContext.MAX_INLINE_DEPTH + " levels deep");
        }
        MethodInfo callee = cx.methodInfo(target);
        Block cont = cx.newBlock(insn.bci(), pos());
        boolean isConstructorCall = target instanceof java.lang.reflect.Constructor<?>;
        int allocation = isConstructorCall ? ((AValue.Obj) args[0]).allocation() : -1;
        MethodTranslator t = new MethodTranslator(cx, callee, cont, allocation);
        Class<?> returnType = isConstructorCall ? target.getDeclaringClass()
                : ((java.lang.reflect.Method) target).getReturnType();
        if (returnType != void.class) {
            Shape shape = Shape.ofClass(returnType);
            if (shape == null) {
                throw error("calls " + target.getName() + ", which returns a " + returnType.getSimpleName()
                        + "; kernels cannot hold that type");
            }
            ssa.setShapes(cont.id(), Map.of(SsaBuilder.VarKey.returned(t.frame()), shape));
        }
        cx.inlineStack.push(target);
        try {
            t.translate(args, current);
        } finally {
            cx.inlineStack.pop();
        }
        ssa.seal(cont.id());
        current = cont;
        return returnType == void.class ? null : ssa.read(SsaBuilder.VarKey.returned(t.frame()), cont.id());
    }

    private void arrayLoad() {
        Operand index = popOperand();
        AValue array = pop();
        if (!(array instanceof AValue.ArrayRef ref)) {
            throw error("indexes " + SsaBuilder.describe(array));
        }
        push(scalar(Intrinsics.loadElement(this, ref, index)));
    }

    private void arrayStore() {
        AValue value = pop();
        Operand index = popOperand();
        AValue array = pop();
        if (!(array instanceof AValue.ArrayRef ref)) {
            throw error("indexes " + SsaBuilder.describe(array));
        }
        Intrinsics.storeElement(this, ref, index, operand(value));
    }

    private void typeCheck(TypeCheckInstruction tc) {
        if (tc.opcode() == Opcode.CHECKCAST) {
            AValue v = pop();
            Class<?> target = resolveClass(tc.type().asSymbol());
            boolean ok = switch (v) {
                case AValue.ArrayRef a -> target.isAssignableFrom(a.kind().javaClass());
                case AValue.Obj o -> target.isAssignableFrom(o.info().type());
                case AValue.Context c -> target == KernelContext.class || target == Object.class;
                default -> false;
            };
            if (!ok) {
                throw error("casts " + SsaBuilder.describe(v) + " to " + target.getSimpleName());
            }
            push(v);
            return;
        }
        throw error("uses instanceof; kernels know every type statically");
    }

    // ---- helpers used by Intrinsics --------------------------------------------------------------

    void push(AValue v) {
        stack.add(v);
    }

    AValue pop() {
        if (stack.isEmpty()) {
            throw new IllegalStateException("operand stack underflow at bytecode " + insn.bci());
        }
        return stack.removeLast();
    }

    Operand popOperand() {
        return operand(pop());
    }

    Operand operand(AValue v) {
        if (v instanceof AValue.Scalar s) {
            return s.operand();
        }
        throw error("uses " + SsaBuilder.describe(v) + " where a number is expected");
    }

    private AValue live(AValue v, String what) {
        if (v instanceof AValue.Dead) {
            throw error("reads " + what + " with no value (uninitialised or of an unsupported type)");
        }
        return v;
    }

    static AValue.Scalar scalar(Operand op) {
        return new AValue.Scalar(op);
    }

    Var newVar(Type type) {
        return cx.function.newVar(type, "");
    }

    Var newVar(Type type, String name) {
        return cx.function.newVar(type, name);
    }

    Operand emit(Inst inst) {
        return emitIn(current, inst);
    }

    private Operand emitIn(Block block, Inst inst) {
        block.body().add(inst);
        return inst.result();
    }

    Operand binary(BinaryOp op, Operand left, Operand right) {
        Type type = left.type();
        if (!(op == BinaryOp.SHL || op == BinaryOp.SHR || op == BinaryOp.USHR) && !left.type().equals(right.type())) {
            throw new IllegalStateException("binary " + op + " on " + left.type().text() + " and " + right.type().text());
        }
        // integer constants fold here already, so a helper's arithmetic on constant arguments can size local
        // arrays or count copy groups, which must be constants when the kernel is translated
        if (left instanceof Const l && right instanceof Const r && type instanceof ScalarType s && s.isInteger()
                && !((op == BinaryOp.DIV || op == BinaryOp.REM) && r.bits() == 0)) {
            return Const.of(s, Semantics.binary(op, s, l.bits(), r.bits()));
        }
        return emit(new Inst.Binary(newVar(type), op, left, right, pos()));
    }

    Operand unary(dev.squall.jit.ir.UnaryOp op, Operand value) {
        Type type = op == dev.squall.jit.ir.UnaryOp.IS_NAN || op == dev.squall.jit.ir.UnaryOp.IS_INFINITE
                ? ScalarType.BOOL : op == dev.squall.jit.ir.UnaryOp.BIT_COUNT || op == dev.squall.jit.ir.UnaryOp.CLZ
                || op == dev.squall.jit.ir.UnaryOp.CTZ ? ScalarType.I32 : value.type();
        return emit(new Inst.Unary(newVar(type), op, value, pos()));
    }

    Operand compare(CompareOp op, Operand left, Operand right) {
        return emit(new Inst.Compare(newVar(ScalarType.BOOL), op, left, right, pos()));
    }

    Operand select(Operand condition, Operand ifTrue, Operand ifFalse) {
        return emit(new Inst.Select(newVar(ifTrue.type()), condition, ifTrue, ifFalse, pos()));
    }

    Operand convert(ConvertOp op, Operand value) {
        return emit(new Inst.Convert(newVar(op.to()), op, value, pos()));
    }

    private Block target(java.lang.classfile.Label label) {
        return irBlocks[m.blockAt(m.code.labelToBci(label))];
    }

    void jump(Block from, Block to) {
        setTerminator(from, new Terminator.Jump(to.id(), pos()), to);
    }

    private void setTerminator(Block from, Terminator t, Block... targets) {
        if (from.terminator() != null) {
            throw new IllegalStateException("block " + from.id() + " already ends");
        }
        from.setTerminator(t);
        for (Block target : targets) {
            ssa.addEdge(from.id(), target.id());
        }
    }

    Block current() {
        return current;
    }

    TranslationContext context() {
        return cx;
    }

    MethodInfo method() {
        return m;
    }

    SourcePos pos() {
        return insn == null ? pos(0, -1) : pos(insn.bci(), insn.line());
    }

    private SourcePos pos(int bci, int line) {
        return new SourcePos(m.ownerName(), m.name, line, bci);
    }

    private int lineOf(MethodInfo.BBlock bb) {
        return bb.start() < m.insns.size() ? m.insns.get(bb.start()).line() : -1;
    }

    KernelCompilationException error(String construct) {
        int bci = insn == null ? 0 : insn.bci();
        int line = insn == null ? -1 : insn.line();
        return new KernelCompilationException(m.ownerName(), m.name, line, bci, construct);
    }
}
