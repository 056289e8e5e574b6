package dev.squall.jit.frontend;

import dev.squall.api.KernelCompilationException;
import dev.squall.api.KernelContext;
import dev.squall.api.LaunchBounds;
import dev.squall.api.Reduce;
import dev.squall.jit.KnownDivisor;
import dev.squall.jit.analysis.Cfg;
import dev.squall.jit.analysis.Dominators;
import dev.squall.jit.analysis.Loops;
import dev.squall.jit.ir.Block;
import dev.squall.jit.ir.BlockId;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.LaunchBound;
import dev.squall.jit.ir.KernelKind;
import dev.squall.jit.ir.Param;
import dev.squall.jit.ir.PointerType;
import dev.squall.jit.ir.ScalarType;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.ir.Var;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Java bytecode of a kernel method to SSA IR: parameters, translation with inlining, clean-up. */
public final class KernelFrontEnd {

    private KernelFrontEnd() {
    }

    /** The kernel's {@code @LaunchBounds}, checked, or null. */
    private static LaunchBound launchBound(Method kernel, String owner) {
        LaunchBounds bounds = kernel.getAnnotation(LaunchBounds.class);
        if (bounds == null) {
            return null;
        }
        if (bounds.maxGroupSize() < 1 || bounds.maxGroupSize() > 1024) {
            throw new KernelCompilationException(owner, kernel.getName(), -1, 0, "@LaunchBounds(maxGroupSize = "
                    + bounds.maxGroupSize() + ") must be from 1 to 1024");
        }
        if (bounds.minGroupsPerComputeUnit() < 1 || bounds.minGroupsPerComputeUnit() > 32) {
            throw new KernelCompilationException(owner, kernel.getName(), -1, 0, "@LaunchBounds(minGroupsPerComputeUnit = "
                    + bounds.minGroupsPerComputeUnit() + ") must be from 1 to 32");
        }
        return new LaunchBound(bounds.maxGroupSize(), bounds.minGroupsPerComputeUnit());
    }

    /**
     * Translates {@code kernel}. Scalar parameters named in {@code specialization} (by Java index)
     * are bound to those constants.
     */
    public static FrontEndResult translate(Method kernel, Map<Integer, Object> specialization) {
        return translate(kernel, specialization, false);
    }

    /** As {@link #translate(Method, Map)}; with {@code softMath}, math functions become inlined {@code SoftMath} code. */
    public static FrontEndResult translate(Method kernel, Map<Integer, Object> specialization, boolean softMath) {
        String owner = kernel.getDeclaringClass().getName();
        if (!java.lang.reflect.Modifier.isStatic(kernel.getModifiers())) {
            throw new KernelCompilationException(owner, kernel.getName(), -1, 0, "kernels must be static methods");
        }
        if (kernel.getReturnType() != void.class) {
            throw new KernelCompilationException(owner, kernel.getName(), -1, 0,
                    "kernels return void and write their results to arrays");
        }
        Parameter[] params = kernel.getParameters();
        boolean spmd = java.util.Arrays.stream(params).anyMatch(p -> p.getType() == KernelContext.class);
        KernelFunction fn = new KernelFunction(owner, kernel.getName(), MethodInfo.descriptorOf(kernel),
                spmd ? KernelKind.SPMD : KernelKind.SERIAL);
        fn.setLaunchBound(launchBound(kernel, owner));
        TranslationContext cx = new TranslationContext(fn, softMath);
        MethodInfo info = cx.methodInfo(kernel);
        cx.kernelMethod = info;
        fn.newBlock(0, new SourcePos(owner, kernel.getName(), info.insns.isEmpty() ? -1 : info.insns.get(0).line(), 0));

        AValue[] args = new AValue[params.length];
        Set<Integer> reduce = new LinkedHashSet<>();
        for (int j = 0; j < params.length; j++) {
            Class<?> type = params[j].getType();
            String name = params[j].getName();
            if (params[j].isAnnotationPresent(Reduce.class)) {
                reduce.add(j);
            }
            args[j] = parameter(fn, j, name, type, specialization, owner, kernel.getName());
        }

        MethodTranslator translator = new MethodTranslator(cx, info, null, -1);
        cx.inlineStack.push(kernel);
        translator.translate(args, null);
        cx.builder.finish();

        Block entry = fn.entry();
        List<Inst> body = new ArrayList<>(cx.localAllocs);
        body.addAll(entry.body());
        entry.setBody(body);
        removeUnreachable(fn);
        checkLocalAllocations(cx, fn);

        Map<Var, Integer> slots = new HashMap<>();
        for (var e : cx.builder.phiOrigins().entrySet()) {
            if (e.getValue().frame() == translator.frame() && e.getValue().slot() >= 0) {
                slots.put(e.getKey(), e.getValue().slot());
            }
        }
        List<FrontEndResult.ParallelRange> ranges = info.parallelRanges.stream()
                .map(r -> new FrontEndResult.ParallelRange(r.slot(), r.startBci(), r.endBci())).toList();
        if (!ranges.isEmpty()) {
            if (spmd) {
                throw new KernelCompilationException(owner, kernel.getName(), -1, 0,
                        "mixes @Parallel loops with a KernelContext; a kernel is one or the other");
            }
            fn.setKind(KernelKind.PARALLEL_LOOPS);
        }
        if (!reduce.isEmpty() && ranges.isEmpty()) {
            throw new KernelCompilationException(owner, kernel.getName(), -1, 0,
                    "has a @Reduce parameter but no @Parallel loop to reduce over");
        }
        Set<BlockId> kernelBlocks = new HashSet<>(cx.kernelBlocks);
        kernelBlocks.retainAll(fn.blocks().stream().map(Block::id).toList());
        return new FrontEndResult(fn, slots, ranges, kernelBlocks, reduce);
    }

    private static AValue parameter(KernelFunction fn, int j, String name, Class<?> type, Map<Integer, Object> spec,
                                    String owner, String method) {
        if (type == KernelContext.class) {
            return AValue.CONTEXT;
        }
        ArrayKind kind = ArrayKind.of(type);
        if (kind != null) {
            Var data = fn.newVar(PointerType.global(kind.storage()), name);
            Var length = fn.newVar(ScalarType.I32, name + "_length");
            fn.addParam(data, Param.Role.DATA, j, name, type);
            fn.addParam(length, Param.Role.LENGTH, j, name, type);
            return new AValue.ArrayRef(data, length, kind);
        }
        ScalarType scalar = type == long.class ? ScalarType.I64 : type == float.class ? ScalarType.F32
                : type == double.class ? ScalarType.F64
                : type == int.class || type == boolean.class || type == short.class || type == byte.class
                || type == char.class ? ScalarType.I32 : null;
        if (scalar == null) {
            throw new KernelCompilationException(owner, method, -1, 0, "parameter '" + name + "' has type "
                    + type.getSimpleName() + "; kernels take primitives, Squall arrays, primitive arrays and a"
                    + " KernelContext");
        }
        Var v = fn.newVar(scalar, name);
        fn.addParam(v, Param.Role.VALUE, j, name, type);
        Object bound = spec.get(j);
        if (bound == null) {
            return new AValue.Scalar(v);
        }
        if (bound instanceof KnownDivisor d) {
            if (scalar != ScalarType.I32 && scalar != ScalarType.I64) {
                throw new KernelCompilationException(owner, method, -1, 0, "parameter '" + name + "' ("
                        + type.getSimpleName() + ") cannot be known to be a multiple of " + d.divisor()
                        + "; only integer parameters can");
            }
            fn.knownDivisors().put(v, d.divisor());
            return new AValue.Scalar(v);
        }
        Const c = switch (bound) {
            case Integer i when scalar == ScalarType.I32 -> Const.i32(i);
            case Boolean b when scalar == ScalarType.I32 -> Const.i32(b ? 1 : 0);
            case Long l when scalar == ScalarType.I64 -> Const.i64(l);
            case Float f when scalar == ScalarType.F32 -> Const.f32(f);
            case Double d when scalar == ScalarType.F64 -> Const.f64(d);
            default -> throw new KernelCompilationException(owner, method, -1, 0, "specialisation binds parameter '"
                    + name + "' (" + type.getSimpleName() + ") to " + bound.getClass().getSimpleName() + " " + bound);
        };
        fn.specialization().put(j, c);
        return new AValue.Scalar(c);
    }

    /** Drops blocks control never reaches and puts the rest in reverse postorder. */
    static void removeUnreachable(KernelFunction fn) {
        for (Block b : List.copyOf(fn.blocks())) {
            if (b.terminator() == null) {
                // a block the translator created but never filled: unreachable bytecode
                fn.retainBlocks(new HashSet<>(fn.blocks().stream().map(Block::id).filter(id -> !id.equals(b.id())).toList()));
            }
        }
        Cfg cfg = new Cfg(fn);
        Set<BlockId> reachable = new HashSet<>(cfg.reversePostorder());
        fn.retainBlocks(reachable);
        for (Block b : fn.blocks()) {
            List<Inst.Phi> phis = new ArrayList<>();
            for (Inst.Phi phi : b.phis()) {
                phis.add(new Inst.Phi(phi.result(), phi.inputs().stream()
                        .filter(in -> reachable.contains(in.predecessor())).toList(), phi.pos()));
            }
            b.setPhis(phis);
        }
        fn.reorderBlocks(cfg.reversePostorder());
    }

    private static void checkLocalAllocations(TranslationContext cx, KernelFunction fn) {
        if (cx.localAllocs.isEmpty()) {
            return;
        }
        Loops loops = new Loops(new Dominators(new Cfg(fn)));
        for (Inst.LocalAlloc alloc : cx.localAllocs) {
            BlockId site = cx.localAllocSites.get(alloc);
            if (fn.blocks().stream().anyMatch(b -> b.id().equals(site)) && loops.depth(site) > 0) {
                throw new KernelCompilationException(alloc.pos().className(), alloc.pos().methodName(),
                        alloc.pos().line(), alloc.pos().bci(), "allocates local memory inside a loop; allocate local"
                        + " arrays once, before any loop");
            }
        }
    }
}
