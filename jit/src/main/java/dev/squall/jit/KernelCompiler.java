package dev.squall.jit;

import dev.squall.api.KernelCompilationException;
import dev.squall.jit.frontend.FrontEndResult;
import dev.squall.jit.frontend.KernelFrontEnd;
import dev.squall.jit.ir.Const;
import dev.squall.jit.ir.Inst;
import dev.squall.jit.ir.IrPrinter;
import dev.squall.jit.ir.IrVerifier;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.ir.ReductionPlan;
import dev.squall.jit.ir.SourcePos;
import dev.squall.jit.passes.AddressSpaceInference;
import dev.squall.jit.passes.AdjacentBarrierMerging;
import dev.squall.jit.passes.CommonSubexpressions;
import dev.squall.jit.passes.ConstantFolding;
import dev.squall.jit.passes.DeadCodeElimination;
import dev.squall.jit.passes.LoadCombining;
import dev.squall.jit.passes.LoopInvariantCodeMotion;
import dev.squall.jit.passes.ParallelLoopLowering;
import dev.squall.jit.passes.ParallelLoopVectorizer;
import dev.squall.jit.passes.Pass;
import dev.squall.jit.passes.ReductionLowering;
import dev.squall.jit.passes.SimplifyCfg;
import dev.squall.jit.passes.StoreCombining;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles kernel methods to optimised IR, caching by method and specialisation. The pipeline:
 * front end (bytecode to SSA, inlining, scalar replacement), parallel-loop and reduction lowering,
 * address spaces, then folding, CFG clean-up, dead-code elimination and loop-invariant code motion.
 */
public final class KernelCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(KernelCompiler.class);
    private static final Map<String, CompiledKernel> CACHE = new ConcurrentHashMap<>();

    private KernelCompiler() {
    }

    public static CompiledKernel compile(Method kernel) {
        return compile(kernel, Map.of(), CompileOptions.DEFAULT);
    }

    /**
     * Compiles {@code kernel} with scalar parameters bound to constants ({@code specialization},
     * by Java parameter index: Integer, Long, Float, Double or Boolean).
     */
    public static CompiledKernel compile(Method kernel, Map<Integer, Object> specialization, CompileOptions options) {
        String key = kernel.toGenericString() + new TreeMap<>(specialization) + options;
        CompiledKernel cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        CompiledKernel compiled = compileUncached(kernel, specialization, options);
        CACHE.putIfAbsent(key, compiled);
        return compiled;
    }

    /**
     * Compiles {@code kernel} as {@link #compile(Method, Map, CompileOptions)} does, but neither looks
     * in nor adds to the cache: every call runs the whole pipeline. For compile-time benchmarks and for
     * tools that must see a fresh compilation (the cache key is the method's generic signature, which
     * does not tell apart two same-named classes from different class loaders).
     */
    public static CompiledKernel compileUncached(Method kernel, Map<Integer, Object> specialization,
                                                 CompileOptions options) {
        long start = System.nanoTime();
        KernelFunction f = lower(kernel, specialization, options);
        String hash = sha256(IrPrinter.print(f) + f.reductions().stream()
                .map(r -> IrPrinter.print(r.finisher())).reduce("", String::concat));
        CompiledKernel compiled = new CompiledKernel(kernel, Map.copyOf(specialization), f, hash, System.nanoTime() - start);
        LOG.debug("compiled {} in {} ms", f.displayName(), compiled.compileNanos() / 1e6);
        return compiled;
    }

    /** A reduction fixes the work-group size; a launch bound below it could never be launched. */
    private static void checkLaunchBound(KernelFunction f) {
        int[] required = f.requiredLocalSize();
        if (f.launchBound() != null && required != null
                && (long) required[0] * required[1] * required[2] > f.launchBound().maxGroupSize()) {
            throw new KernelCompilationException(f.className(), f.methodName(), -1, 0, "@LaunchBounds(maxGroupSize = "
                    + f.launchBound().maxGroupSize() + ") is below the work-group of " + required[0] * required[1] * required[2]
                    + " that its reduction needs");
        }
    }

    private static KernelFunction lower(Method kernel, Map<Integer, Object> specialization, CompileOptions options) {
        FrontEndResult fe = KernelFrontEnd.translate(kernel, specialization, options.softMath());
        KernelFunction f = fe.function();
        check(f, "front end", options);
        ParallelLoopLowering.run(fe);
        check(f, "parallel loops", options);
        ReductionLowering.run(fe);
        check(f, "reductions", options);
        checkLaunchBound(f);
        run(new AddressSpaceInference(), f, options);
        if (options.optimize()) {
            optimize(f, options);
            if (run(new ParallelLoopVectorizer(), f, options)) {
                optimize(f, options);
            }
            if (run(new LoadCombining(), f, options)) {
                optimize(f, options);
            }
            if (run(new StoreCombining(), f, options)) {
                optimize(f, options);
            }
            for (ReductionPlan r : f.reductions()) {
                check(r.finisher(), "finisher", options);
                optimize(r.finisher(), options);
            }
            checkCopyWaits(f);
        }
        return f;
    }

    /** {@code KernelContext.waitCopies} counts must be constants (PTX's {@code cp.async.wait_group N}) and not negative. */
    private static void checkCopyWaits(KernelFunction f) {
        for (var b : f.blocks()) {
            for (Inst inst : b.body()) {
                if (inst instanceof Inst.CopyWait w && (!(w.pending() instanceof Const c) || c.asInt() < 0)) {
                    SourcePos p = w.pos();
                    throw new KernelCompilationException(p.className(), p.methodName(), p.line(), p.bci(),
                            "calls KernelContext.waitCopies with " + (w.pending() instanceof Const c ? c.asInt()
                            + " groups, which is negative" : "a count that is not a compile-time constant (a"
                            + " constant, or a helper's parameter that callers pass constants to)")
                            + "; the groups left in flight are part of the instruction (cp.async.wait_group N)");
                }
            }
        }
    }

    /** The clean-up pipeline, to a fixed point (bounded). */
    public static void optimize(KernelFunction f, CompileOptions options) {
        List<Pass> passes = List.of(new ConstantFolding(), new SimplifyCfg(), new CommonSubexpressions(),
                new DeadCodeElimination(), new LoopInvariantCodeMotion(), new AdjacentBarrierMerging());
        for (int round = 0; round < 4; round++) {
            boolean changed = false;
            for (Pass p : passes) {
                changed |= run(p, f, options);
            }
            if (!changed) {
                break;
            }
        }
    }

    private static boolean run(Pass pass, KernelFunction f, CompileOptions options) {
        boolean changed = pass.run(f);
        check(f, pass.name(), options);
        return changed;
    }

    private static void check(KernelFunction f, String after, CompileOptions options) {
        if (options.verifyEachPass()) {
            try {
                IrVerifier.verify(f);
            } catch (RuntimeException e) {
                throw new IllegalStateException("IR invalid after " + after + ": " + e.getMessage(), e);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
