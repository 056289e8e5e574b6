package dev.squall.drivers.cuda.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.squall.drivers.cuda.CubinCache;
import dev.squall.drivers.cuda.CudaBuffer;
import dev.squall.drivers.cuda.CudaContext;
import dev.squall.drivers.cuda.CudaDevice;
import dev.squall.drivers.cuda.CudaEvent;
import dev.squall.drivers.cuda.CudaFunction;
import dev.squall.drivers.cuda.CudaGraphExec;
import dev.squall.drivers.cuda.CudaModule;
import dev.squall.drivers.cuda.CudaRuntime;
import dev.squall.drivers.cuda.KernelArgs;
import dev.squall.drivers.cuda.TestPtx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * Driver-level numbers for one CUDA device: the cost of a kernel launch on a stream and inside a
 * replayed CUDA graph, and device-memory bandwidth by {@code cuMemcpyDtoDAsync} and by a PTX copy
 * kernel (grid-stride, 16-byte {@code ld/st.global.v4.f32}). Plain main, no JUnit, not run by the
 * test suite; see the package's README for the command line.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp CLASSPATH dev.squall.drivers.cuda.bench.CudaBench \
 *     [device-id|first] [MiB per buffer, default 1024] [copy repetitions, default 30] [launches per batch, default 100] [batches, default 200]
 * </pre>
 *
 * Launch overhead is host wall time per launch for batches of empty-kernel launches followed by one
 * {@code cuStreamSynchronize}, against the same launches captured once into a graph and replayed;
 * the device's own time per batch (events) is printed beside it. Bandwidth counts bytes read plus
 * bytes written (2 x buffer size per copy) over the device time between two events around each copy.
 */
public final class CudaBench {

    private CudaBench() {
    }

    public static void main(String[] args) {
        CudaRuntime runtime = CudaRuntime.system();
        if (runtime.devices().isEmpty()) {
            throw new IllegalStateException("no usable CUDA device: " + runtime.problems());
        }
        CudaDevice device = args.length > 0 && !args[0].equals("first")
                ? runtime.device(args[0]).orElseThrow(() -> new IllegalArgumentException("no device " + args[0]
                        + "; devices: " + runtime.devices()))
                : runtime.devices().getFirst();
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int perBatch = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int batches = args.length > 4 ? Integer.parseInt(args[4]) : 200;

        System.out.println("device   " + device);
        System.out.println("details  " + device.details());
        System.out.println("java     " + Runtime.version() + ", driver library " + runtime.library());
        try (CudaContext cuda = CudaContext.create(device, CubinCache.disabled()); Arena arena = Arena.ofConfined()) {
            long bytes = Math.min(mib << 20, cuda.memoryInfo().freeBytes() / 3) / (1 << 20) * (1 << 20);
            CudaModule empty = cuda.load(TestPtx.EMPTY);
            CudaModule copy = cuda.load(TestPtx.COPY_V4);
            System.out.printf(Locale.ROOT, "JIT      empty %.1f ms, copy_v4 %.1f ms (driver's wall time)%n",
                    empty.jitMillis(), copy.jitMillis());
            launchOverhead(cuda, empty.function("empty"), perBatch, batches);
            bandwidth(cuda, copy.function("copy_v4"), bytes, reps, arena);
        }
    }

    private static void launchOverhead(CudaContext cuda, CudaFunction empty, int perBatch, int batches) {
        int[] one = {1};
        double[] single = new double[Math.min(batches * 5, 2000)];
        for (int i = -200; i < single.length; i++) {
            long t0 = System.nanoTime();
            cuda.launch(empty, one, one, 0, null);
            cuda.synchronize();
            if (i >= 0) {
                single[i] = (System.nanoTime() - t0) / 1e3;
            }
        }
        System.out.printf(Locale.ROOT, "one launch + synchronize:           %s us%n", summary(single));

        double[] streamHost = new double[batches];
        double[] streamDevice = new double[batches];
        double[] graphHost = new double[batches];
        double[] graphDevice = new double[batches];
        try (CudaEvent start = cuda.createEvent(); CudaEvent end = cuda.createEvent();
                CudaGraphExec graph = cuda.capture(() -> {
                    for (int i = 0; i < perBatch; i++) {
                        cuda.launch(empty, one, one, 0, null);
                    }
                })) {
            for (int b = -10; b < batches; b++) { // ten warm-up batches of each
                long t0 = System.nanoTime();
                start.record();
                for (int i = 0; i < perBatch; i++) {
                    cuda.launch(empty, one, one, 0, null);
                }
                end.record();
                cuda.synchronize();
                long t1 = System.nanoTime();
                float streamMillis = start.elapsedMillisTo(end);

                long t2 = System.nanoTime();
                start.record();
                graph.launch();
                end.record();
                cuda.synchronize();
                long t3 = System.nanoTime();
                float graphMillis = start.elapsedMillisTo(end);
                if (b >= 0) {
                    streamHost[b] = (t1 - t0) / 1e3 / perBatch;
                    streamDevice[b] = streamMillis * 1e3 / perBatch;
                    graphHost[b] = (t3 - t2) / 1e3 / perBatch;
                    graphDevice[b] = graphMillis * 1e3 / perBatch;
                }
            }
        }
        System.out.printf(Locale.ROOT, "stream launches, batches of %d, per launch: host %s us; device %s us%n",
                perBatch, summary(streamHost), summary(streamDevice));
        System.out.printf(Locale.ROOT, "graph replay,    batches of %d, per launch: host %s us; device %s us%n",
                perBatch, summary(graphHost), summary(graphDevice));
    }

    private static void bandwidth(CudaContext cuda, CudaFunction copy, long bytes, int reps, Arena arena) {
        CudaDevice device = cuda.device();
        try (CudaBuffer src = cuda.allocate(bytes); CudaBuffer dst = cuda.allocate(bytes);
                CudaEvent start = cuda.createEvent(); CudaEvent end = cuda.createEvent()) {
            src.fill(1.25f);
            dst.fill(0f);
            double moved = 2.0 * bytes; // read + write
            double[] memcpy = new double[reps];
            double[] kernel = new double[reps];
            int threadsPerSm = device.info().maxThreadsPerMultiprocessor();
            int[] grid = {device.computeUnits() * Math.max(1, threadsPerSm / 256)};
            int[] block = {256};
            KernelArgs args = KernelArgs.in(arena).pointer(src).pointer(dst).i64(bytes / 16);
            for (int i = -3; i < reps; i++) { // three warm-up runs of each
                start.record();
                src.copyTo(dst);
                end.record();
                double memcpyGbs = moved / (start.elapsedMillisTo(end) * 1e6);
                src.fill(i + 0.5f, 0, 4096);
                start.record();
                cuda.launch(copy, grid, block, 0, args);
                end.record();
                double kernelGbs = moved / (start.elapsedMillisTo(end) * 1e6);
                if (i >= 0) {
                    memcpy[i] = memcpyGbs;
                    kernel[i] = kernelGbs;
                }
            }
            MemorySegment check = arena.allocate(4096);
            dst.read(check);
            if (check.get(JAVA_FLOAT, 4092) != reps - 1 + 0.5f) {
                throw new IllegalStateException("the copy kernel did not copy: " + check.get(JAVA_FLOAT, 4092));
            }
            double peak = device.peakBandwidthBytesPerSecond() / 1e9;
            System.out.printf(Locale.ROOT, "cuMemcpyDtoDAsync, %d MiB, %d runs: %s GB/s (read+write; median %.0f%% of"
                    + " the %.0f GB/s theoretical peak)%n", bytes >> 20, reps, summary(memcpy),
                    100 * median(memcpy) / peak, peak);
            System.out.printf(Locale.ROOT, "copy_v4 kernel,    %d MiB, %d runs: %s GB/s (read+write; median %.0f%% of"
                    + " peak; grid %d x 256)%n", bytes >> 20, reps, summary(kernel), 100 * median(kernel) / peak,
                    grid[0]);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return percentile(v, 50);
    }

    /** Median with min, 10th and 90th percentile and max. */
    private static String summary(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return String.format(Locale.ROOT, "median %.2f (min %.2f, p10 %.2f, p90 %.2f, max %.2f)", percentile(v, 50),
                v[0], percentile(v, 10), percentile(v, 90), v[v.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
