package dev.squall.drivers.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PTX compiled and loaded for the context's device. With the context's {@link CubinCache} enabled,
 * the PTX is compiled to a cubin by the driver's linker ({@code cuLink*}), stored, and the cubin is
 * loaded ({@code cuModuleLoadDataEx}); a later load of the same PTX, options, device and driver
 * skips the compiler. With the cache disabled the PTX goes to {@code cuModuleLoadDataEx} directly.
 * Either way a compile error raises a {@link PtxJitException} holding the JIT error log.
 */
public final class CudaModule extends CudaResource {

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$%][A-Za-z0-9_$]*)");

    private final MemorySegment handle;
    private final String label;
    private final JitOptions options;
    private final boolean fromCache;
    private final String infoLog;
    private final float jitMillis;
    private final long loadNanos;
    private final Map<String, CudaFunction> functions = new ConcurrentHashMap<>();

    private CudaModule(CudaContext context, MemorySegment handle, String label, JitOptions options,
            boolean fromCache, String infoLog, float jitMillis, long loadNanos) {
        super(context);
        this.handle = handle;
        this.label = label;
        this.options = options;
        this.fromCache = fromCache;
        this.infoLog = infoLog;
        this.jitMillis = jitMillis;
        this.loadNanos = loadNanos;
    }

    /**
     * Compiles and loads {@code ptx} for the context's device, through the context's cubin cache.
     *
     * @param ptx     PTX text with {@code .version} and {@code .target} directives
     * @param options JIT options
     * @throws PtxJitException when the driver's compiler refuses the PTX, with its error log
     * @throws DeviceException another named driver error
     */
    public static CudaModule load(CudaContext context, String ptx, JitOptions options) {
        Objects.requireNonNull(ptx, "ptx");
        Objects.requireNonNull(options, "options");
        long start = System.nanoTime();
        String label = label(ptx);
        context.enter();
        CubinCache cache = context.cubinCache();
        if (cache.directory().isEmpty()) {
            Loaded loaded = loadImage(context, ptxImage(ptx), options, true, label);
            return new CudaModule(context, loaded.module(), label, options, false, loaded.infoLog(),
                    loaded.wallMillis(), System.nanoTime() - start);
        }
        CubinCacheKey key = CubinCacheKey.of(ptx, options, context.device());
        Optional<byte[]> cached = cache.load(key);
        if (cached.isPresent()) {
            try {
                Loaded loaded = loadImage(context, cached.get(), options, false, label);
                return new CudaModule(context, loaded.module(), label, options, true, loaded.infoLog(),
                        loaded.wallMillis(), System.nanoTime() - start);
            } catch (dev.squall.api.DeviceException e) {
                cache.reject(key, "the driver refused the cached cubin: " + e.getMessage());
            }
        }
        CubinLinker.Linked linked = CubinLinker.link(context, ptx, options);
        cache.store(key, linked.cubin());
        Loaded loaded = loadImage(context, linked.cubin(), options, false, label);
        String log = loaded.infoLog().isEmpty() ? linked.infoLog()
                : linked.infoLog().isEmpty() ? loaded.infoLog() : linked.infoLog() + "\n" + loaded.infoLog();
        return new CudaModule(context, loaded.module(), label, options, false, log, linked.wallMillis(),
                System.nanoTime() - start);
    }

    private record Loaded(MemorySegment module, String infoLog, float wallMillis) {
    }

    /** The PTX as the driver takes it: UTF-8 with a terminating NUL. */
    private static byte[] ptxImage(String ptx) {
        byte[] text = ptx.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(text, text.length + 1);
    }

    private static Loaded loadImage(CudaContext context, byte[] image, JitOptions options, boolean isPtx,
            String label) {
        CudaLibrary cu = context.library();
        try (Arena arena = Arena.ofConfined()) {
            JitCall call = JitCall.of(arena, options, isPtx);
            MemorySegment data = arena.allocate(image.length, 16);
            MemorySegment.copy(image, 0, data, JAVA_BYTE, 0, image.length);
            MemorySegment out = arena.allocate(ADDRESS);
            int code = cu.moduleLoadDataEx(out, data, call.count(), call.keys(), call.values());
            if (code != CU.SUCCESS) {
                String where = (isPtx ? "PTX" : "cubin") + " of " + label + " (" + image.length + " bytes) on "
                        + context.device() + " (" + context.device().ptxTarget() + "), options " + options;
                throw CubinLinker.jitFailure(cu, "cuModuleLoadDataEx", code, where, call);
            }
            return new Loaded(out.get(ADDRESS, 0), call.infoLog(), call.wallMillis());
        }
    }

    /** The first {@code .entry}'s name, to tell modules apart in messages. */
    private static String label(String ptx) {
        Matcher m = ENTRY.matcher(ptx);
        return m.find() ? "module with ." + "entry " + m.group(1) : "module without entries";
    }

    /**
     * The kernel {@code name} ({@code cuModuleGetFunction}), looked up once and then remembered.
     *
     * @throws DeviceException {@code CUDA_ERROR_NOT_FOUND} naming the module's entries
     */
    public CudaFunction function(String name) {
        Objects.requireNonNull(name, "name");
        CudaFunction known = functions.get(name);
        if (known != null) {
            checkOpen();
            return known;
        }
        enter();
        CudaLibrary cu = context.library();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            cu.check(cu.moduleGetFunction(out, handle, arena.allocateFrom(name)), "cuModuleGetFunction",
                    "kernel '" + name + "' in " + describe());
            return functions.computeIfAbsent(name, n -> new CudaFunction(this, n, out.get(ADDRESS, 0)));
        }
    }

    /** Whether the code came from the cubin cache rather than the JIT compiler. */
    public boolean fromCache() {
        return fromCache;
    }

    /**
     * What the JIT compiler said beyond errors ({@code CU_JIT_INFO_LOG_BUFFER}): with verbose logging,
     * each function's registers, spills and shared memory. Empty when loaded from the cache.
     */
    public String infoLog() {
        return infoLog;
    }

    /** Compile time the driver reported ({@code CU_JIT_WALL_TIME}), in milliseconds. */
    public float jitMillis() {
        return jitMillis;
    }

    /** Wall time of the whole load, cache lookup included. */
    public long loadNanos() {
        return loadNanos;
    }

    public JitOptions options() {
        return options;
    }

    @Override
    int release(CudaLibrary cu) {
        return cu.moduleUnload(handle);
    }

    @Override
    String releaseCall() {
        return "cuModuleUnload";
    }

    @Override
    int releaseOrder() {
        return 2;
    }

    @Override
    String describe() {
        return "CudaModule (" + label + ") on " + context.device().id();
    }
}
