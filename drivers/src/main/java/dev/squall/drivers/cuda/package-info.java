/**
 * The CUDA backend: hand-written FFM bindings to the CUDA driver API ({@code libcuda.so.1}) and a
 * small runtime on top, shaped like the OpenCL one so the task-graph layer treats both alike.
 *
 * <h2>Discovery</h2>
 * {@link dev.squall.drivers.cuda.CudaRuntime#system()} loads {@code libcuda.so.1} (or the library
 * named by {@code -Dsquall.cuda.library}, a file name or a path) once, calls {@code cuInit(0)} and
 * reads every device's attributes; {@link dev.squall.drivers.cuda.CudaDeviceProvider} publishes them
 * to {@link dev.squall.api.Devices} as {@code cuda:N}. A missing library
 * ({@code "libcuda.so.1 not found: ..."}), a failing {@code cuInit}
 * ({@code "cuInit failed: CUDA_ERROR_NO_DEVICE (100); ..."}) or zero devices makes the backend
 * unavailable with the reason; discovery never throws. A device reports its compute capability,
 * PTX target ({@code sm_90}), the newest PTX ISA its driver takes
 * ({@link dev.squall.drivers.cuda.PtxIsaVersion#forDriver(int)}: CUDA 13.0 takes 9.0) and its
 * theoretical peak DRAM bandwidth.
 *
 * <h2>Running kernels</h2>
 * <pre>{@code
 * CudaDevice device = (CudaDevice) Devices.get("cuda:0");
 * try (CudaContext cuda = CudaContext.create(device);             // primary context + non-blocking stream
 *      Arena arena = Arena.ofConfined()) {
 *     CudaBuffer a = cuda.allocate(bytes);                         // cuMemAlloc_v2
 *     a.write(array.segment());                                    // blocking; heap segments staged through pinned memory
 *     CudaModule m = cuda.load(ptx);                               // JIT log in the exception on failure
 *     CudaFunction f = m.function("scale").setMaxDynamicShared(96 << 10);
 *     cuda.launch(f, new int[] {blocks}, new int[] {256}, 96 << 10,
 *             KernelArgs.in(arena).pointer(a).f32(2f).i32(n));   // cuLaunchKernel, returns at once
 *     try (CudaEvent start = cuda.recordEvent()) { ... }           // events time the stream
 *     CudaGraphExec g = cuda.capture(() -> cuda.launch(...));       // stream capture; g.launch() replays
 *     a.read(array.segment());                                     // in stream order: after the kernel
 * }                                                                // releases whatever is still open
 * }</pre>
 * Every public method makes the context current on the calling thread ({@code cuCtxSetCurrent}),
 * so contexts may be used from any thread. Commands run in order on the context's one stream.
 *
 * <h2>Errors</h2>
 * Every return code is checked; a failure is a {@link dev.squall.api.DeviceException} naming the
 * exported entry point and the error ({@code cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)}),
 * then the driver's description and what was asked. Names come from {@code cuGetErrorName}, or from
 * {@link dev.squall.drivers.cuda.CudaErrors}, a table of every {@code CUresult} of {@code cuda.h}
 * 13.0, when the driver cannot name a code. PTX the JIT compiler refuses raises a
 * {@link dev.squall.drivers.cuda.PtxJitException} carrying the compiler's error log.
 *
 * <h2>Cubin cache</h2>
 * With the context's {@link dev.squall.drivers.cuda.CubinCache} enabled (the default, in
 * {@code ${squall.cache.dir}/cuda}, {@code squall.cache.dir} defaulting to {@code ~/.cache/squall}),
 * PTX is compiled by the driver's linker ({@code cuLink*}) and the cubin kept, keyed by PTX, JIT
 * options, compute capability and driver version; {@link dev.squall.drivers.cuda.CubinCache#disabled()}
 * sends PTX to {@code cuModuleLoadDataEx} directly.
 *
 * <h2>GPU tests and the bench on a machine with only a JDK 25</h2>
 * Build here with {@code mvn -q -B -pl drivers -am verify}; copy {@code drivers/target/classes},
 * {@code drivers/target/test-classes}, {@code api/target/classes},
 * {@code slf4j-api-2.0.17.jar} and {@code junit-platform-console-standalone-1.13.4.jar} (both from
 * Maven Central); then, with {@code CP} those five joined by {@code :},
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar junit-platform-console-standalone-1.13.4.jar execute \
 *     --class-path "$CP" --include-tag gpu --select-class dev.squall.drivers.cuda.CudaGpuTest --details=tree
 * java --enable-native-access=ALL-UNNAMED -cp "$CP" dev.squall.drivers.cuda.bench.CudaBench [cuda:N] [MiB] [reps] [launches per batch] [batches]
 * </pre>
 * Without a GPU, the tests are reported as skipped with the reason. The rest of the suite runs on
 * any machine against a fake {@code libcuda} the tests build with gcc
 * ({@code src/test/resources/fake-cuda/fake_cuda.c}).
 */
package dev.squall.drivers.cuda;
