package dev.squall.jit.jvm;

import dev.squall.jit.frontend.ClassBytes;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.RuntimeInvisibleTypeAnnotationsAttribute;
import java.lang.classfile.attribute.RuntimeVisibleTypeAnnotationsAttribute;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LocalVariableType;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Makes a copy of a loop kernel whose outermost {@code @Parallel} loop runs in chunks handed out at
 * run time, so the JVM device can run one copy per thread. The copy takes two more parameters, an
 * {@link IntUnaryOperator} {@code claims} and an int {@code chunk}: the loop starts at
 * {@code claims.applyAsInt(init)} instead of {@code init}, and after every {@code chunk} iterations
 * it jumps to the start {@code claims} gives next. Threads that share one {@code claims} share the
 * iterations out between them; the loop's own condition ends a thread's run once its claim is past
 * the bound. Only the loop variable's first store and its increment change. Code before and after
 * the loop runs in every thread, as it runs in every work-item of a GPU launch.
 *
 * <p>The caller checks first that the JIT accepts the kernel: that the variable is a loop's
 * induction variable with a positive constant stride, a loop-invariant bound and no {@code break}.
 * A shape this class does not recognise gives {@link LoopSplit.Sequential} with the reason, and so do a
 * loop inside another loop (entered again, it would find the claims used up) and code that reaches a
 * protected member of another package (the copy is no subclass).
 */
public final class ChunkedLoopRewriter {

    private static final String PARALLEL = "Ldev/squall/api/Parallel;";
    private static final ClassDesc CD_INT_UNARY_OPERATOR = ClassDesc.of(IntUnaryOperator.class.getName());
    private static final MethodTypeDesc APPLY_AS_INT = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);
    /** The extra parameters' slots: claims, then chunk. */
    private static final int EXTRA_SLOTS = 2;

    private ChunkedLoopRewriter() {
    }

    /** The outermost {@code @Parallel} variable's slot and live range, [startBci, endBci). */
    private record Range(int slot, int startBci, int endBci) {
    }

    /** Where the copy's own locals are. */
    private record Slots(int parameters, int claims, int chunk, int base, int count) {

        int moved(int slot) {
            return slot < parameters ? slot : slot + EXTRA_SLOTS;
        }
    }

    public static LoopSplit rewrite(Method kernel) {
        Class<?> owner = kernel.getDeclaringClass();
        ClassModel model;
        try {
            model = ClassBytes.model(owner);
        } catch (IllegalStateException e) {
            return new LoopSplit.Sequential(e.getMessage());
        }
        MethodType type = MethodType.methodType(kernel.getReturnType(), kernel.getParameterTypes());
        MethodModel method = model.methods().stream()
                .filter(m -> m.methodName().equalsString(kernel.getName())
                        && m.methodType().equalsString(type.toMethodDescriptorString()))
                .findFirst().orElse(null);
        CodeAttribute code = method == null ? null : method.findAttribute(Attributes.code()).orElse(null);
        if (code == null) {
            return new LoopSplit.Sequential("no code for " + kernel.getName() + " in the class file");
        }
        Range range = outermostParallel(code);
        if (range == null) {
            return new LoopSplit.Sequential("no @Parallel variable");
        }
        int step = increment(code, range);
        if (step <= 0) {
            return new LoopSplit.Sequential("the @Parallel variable (slot " + range.slot() + ") is not stored once before"
                    + " the loop and raised by one positive constant increment in it");
        }
        if (insideALoop(code, range)) {
            return new LoopSplit.Sequential("the @Parallel loop is inside another loop, so it would be entered"
                    + " more than once with one set of claims");
        }
        String protectedMember = protectedElsewhere(code, owner);
        if (protectedMember != null) {
            return new LoopSplit.Sequential("it uses " + protectedMember + ", protected in another package, which a"
                    + " copy beside " + owner.getName() + " cannot reach");
        }
        int parameterSlots = 0;
        for (Class<?> p : kernel.getParameterTypes()) {
            parameterSlots += TypeKind.from(p).slotSize();
        }
        int top = code.maxLocals() + EXTRA_SLOTS;
        Slots slots = new Slots(parameterSlots, parameterSlots, parameterSlots + 1, top, top + 1);
        MethodTypeDesc copyType = method.methodTypeSymbol()
                .insertParameterTypes(kernel.getParameterCount(), CD_INT_UNARY_OPERATOR, ConstantDescs.CD_int);
        ClassLoader loader = owner.getClassLoader() != null ? owner.getClassLoader() : ClassLoader.getSystemClassLoader();
        byte[] bytes;
        try {
            bytes = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofClassLoading(loader)))
                    .build(ClassDesc.of(owner.getName() + "$ChunkedLoop"), cb -> cb
                            .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC)
                            .withMethodBody(kernel.getName(), copyType, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                                    b -> copy(code, range, step, slots, b)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new LoopSplit.Sequential("its bytecode could not be rewritten: " + e.getMessage());
        }
        try {
            MethodHandles.Lookup host = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            MethodHandles.Lookup copy = host.defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE);
            MethodType handleType = type.appendParameterTypes(IntUnaryOperator.class, int.class);
            return new LoopSplit.Chunked(copy.findStatic(copy.lookupClass(), kernel.getName(), handleType), step);
        } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError | SecurityException e) {
            return new LoopSplit.Sequential("its rewritten copy could not be defined beside " + owner.getName() + ": " + e);
        }
    }

    private static Range outermostParallel(CodeAttribute code) {
        Range outer = null;
        for (var attribute : code.findAttributes(Attributes.runtimeVisibleTypeAnnotations())) {
            for (TypeAnnotation ta : attribute.annotations()) {
                if (!ta.annotation().classSymbol().descriptorString().equals(PARALLEL)
                        || !(ta.targetInfo() instanceof TypeAnnotation.LocalVarTarget target)) {
                    continue;
                }
                for (TypeAnnotation.LocalVarTargetInfo info : target.table()) {
                    int start = code.labelToBci(info.startLabel());
                    if (outer == null || start < outer.startBci()) {
                        outer = new Range(info.index(), start, code.labelToBci(info.endLabel()));
                    }
                }
            }
        }
        return outer;
    }

    /** An instruction of the method with its bytecode index; {@code end} is where the next one starts. */
    private record Placed(Instruction instruction, int bci, int end) {
    }

    private static List<Placed> instructions(CodeAttribute code) {
        List<Placed> placed = new ArrayList<>();
        int bci = 0;
        for (CodeElement e : code) {
            if (e instanceof Instruction ins) {
                placed.add(new Placed(ins, bci, bci + ins.sizeInBytes()));
                bci += ins.sizeInBytes();
            }
        }
        return placed;
    }

    /**
     * The loop variable's increment, or 0 unless: an int store to its slot ends right where its live
     * range starts, and inside the range the slot changes only through one positive {@code iinc}.
     */
    private static int increment(CodeAttribute code, Range range) {
        boolean firstStore = false;
        List<Integer> increments = new ArrayList<>();
        for (Placed p : instructions(code)) {
            boolean inside = p.bci() >= range.startBci() && p.bci() < range.endBci();
            switch (p.instruction()) {
                case StoreInstruction s when s.slot() == range.slot() -> {
                    if (p.end() == range.startBci() && s.typeKind() == TypeKind.INT) {
                        firstStore = true;
                    } else if (inside) {
                        return 0;
                    }
                }
                case IncrementInstruction i when i.slot() == range.slot() && inside -> increments.add(i.constant());
                case DiscontinuedInstruction d -> {
                    return 0;
                }
                default -> {
                }
            }
        }
        return firstStore && increments.size() == 1 ? Math.max(0, increments.getFirst()) : 0;
    }

    /** True if a branch from the loop's start or later jumps back before it: the loop is in another loop. */
    private static boolean insideALoop(CodeAttribute code, Range range) {
        for (Placed p : instructions(code)) {
            if (p.bci() < range.startBci()) {
                continue;
            }
            List<Label> targets = switch (p.instruction()) {
                case BranchInstruction b -> List.of(b.target());
                case TableSwitchInstruction t -> t.cases().stream().map(SwitchCase::target).toList();
                case LookupSwitchInstruction l -> l.cases().stream().map(SwitchCase::target).toList();
                default -> List.of();
            };
            for (Label target : targets) {
                if (code.labelToBci(target) < range.startBci()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A member the code reaches that is protected and declared in another package than
     * {@code owner}'s (an inherited helper): {@code owner} may use it as a subclass, the hidden copy
     * (a subclass of Object) may not. Null if there is none.
     */
    private static String protectedElsewhere(CodeAttribute code, Class<?> owner) {
        for (CodeElement e : code) {
            MemberRefEntry ref = switch (e) {
                case InvokeInstruction i -> i.method();
                case FieldInstruction f -> f.field();
                default -> null;
            };
            if (ref == null) {
                continue;
            }
            Class<?> c;
            try {
                c = Class.forName(ref.owner().asInternalName().replace('/', '.'), false, owner.getClassLoader());
            } catch (ClassNotFoundException | LinkageError ex) {
                return ref.owner().asInternalName() + "." + ref.name().stringValue();
            }
            String name = ref.name().stringValue();
            String type = ref.type().stringValue();
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                Integer modifiers = null;
                for (var m : k.getDeclaredMethods()) {
                    if (m.getName().equals(name) && MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                            .toMethodDescriptorString().equals(type)) {
                        modifiers = m.getModifiers();
                    }
                }
                for (var f : k.getDeclaredFields()) {
                    if (f.getName().equals(name) && f.getType().descriptorString().equals(type)) {
                        modifiers = f.getModifiers();
                    }
                }
                if (modifiers != null) {
                    if (java.lang.reflect.Modifier.isProtected(modifiers)
                            && !k.getPackageName().equals(owner.getPackageName())) {
                        return k.getName() + "." + name;
                    }
                    break;
                }
            }
        }
        return null;
    }

    private static void copy(CodeAttribute code, Range range, int step, Slots slots, CodeBuilder b) {
        int bci = 0;
        for (CodeElement e : code) {
            switch (e) {
                case Instruction ins -> {
                    int at = bci;
                    int end = at + ins.sizeInBytes();
                    bci = end;
                    boolean inside = at >= range.startBci() && at < range.endBci();
                    switch (ins) {
                        case StoreInstruction s when s.slot() == range.slot() && end == range.startBci() ->
                                firstClaim(b, slots, slots.moved(s.slot()));
                        case StoreInstruction s -> b.storeLocal(s.typeKind(), slots.moved(s.slot()));
                        case LoadInstruction l -> b.loadLocal(l.typeKind(), slots.moved(l.slot()));
                        case IncrementInstruction i when i.slot() == range.slot() && inside ->
                                nextIteration(b, slots, slots.moved(i.slot()), step);
                        case IncrementInstruction i -> b.iinc(slots.moved(i.slot()), i.constant());
                        default -> b.with(ins);
                    }
                }
                // the slots moved, so the debug tables and the @Parallel ranges would be wrong; stack maps are recomputed
                case LocalVariable lv -> {
                }
                case LocalVariableType lvt -> {
                }
                case RuntimeVisibleTypeAnnotationsAttribute a -> {
                }
                case RuntimeInvisibleTypeAnnotationsAttribute a -> {
                }
                case StackMapTableAttribute a -> {
                }
                default -> b.with(e);
            }
        }
    }

    /** On the stack: the loop's first value. {@code base = init; count = 0; i = claims.applyAsInt(base)}. */
    private static void firstClaim(CodeBuilder b, Slots slots, int variable) {
        b.istore(slots.base());
        b.iconst_0();
        b.istore(slots.count());
        claim(b, slots, variable);
    }

    /** {@code i += step; if (++count == chunk) { count = 0; i = claims.applyAsInt(base); }} */
    private static void nextIteration(CodeBuilder b, Slots slots, int variable, int step) {
        b.iinc(variable, step);
        b.iinc(slots.count(), 1);
        Label sameChunk = b.newLabel();
        b.iload(slots.count());
        b.iload(slots.chunk());
        b.if_icmplt(sameChunk);
        b.iconst_0();
        b.istore(slots.count());
        claim(b, slots, variable);
        b.labelBinding(sameChunk);
    }

    private static void claim(CodeBuilder b, Slots slots, int variable) {
        b.aload(slots.claims());
        b.iload(slots.base());
        b.invokeinterface(CD_INT_UNARY_OPERATOR, "applyAsInt", APPLY_AS_INT);
        b.istore(variable);
    }
}
