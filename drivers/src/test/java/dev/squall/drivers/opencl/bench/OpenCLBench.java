package dev.squall.drivers.opencl.bench;

import dev.squall.drivers.opencl.OpenCLBuffer;
import dev.squall.drivers.opencl.OpenCLContext;
import dev.squall.drivers.opencl.OpenCLDevice;
import dev.squall.drivers.opencl.OpenCLEvent;
import dev.squall.drivers.opencl.OpenCLKernel;
import dev.squall.drivers.opencl.OpenCLProgram;
import dev.squall.drivers.opencl.OpenCLRuntime;
import java.util.Arrays;
import java.util.Locale;

/**
 * Driver-level numbers for one OpenCL device: the cost of an empty launch, and the bandwidth of a
 * device-side copy by kernel and by {@code clEnqueueCopyBuffer}. Plain main, no JUnit, not run by
 * the test suite.
 *
 * <pre>
 * mvn -q -B -pl drivers -am test-compile
 * M2=~/.m2/repository
 * java --enable-native-access=ALL-UNNAMED \
 *   -cp drivers/target/classes:drivers/target/test-classes:api/target/classes:$M2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   dev.squall.drivers.opencl.bench.OpenCLBench [device-id] [MiB per buffer] [copy repetitions] [launches]
 * </pre>
 *
 * Bandwidth counts the bytes read plus the bytes written (2 x buffer size per copy) over the
 * device's own profiling time of each command. Launch overhead is host wall time of
 * {@code launch + finish} for a one-work-item kernel that does nothing.
 */
public final class OpenCLBench {

    private static final String SOURCE = """
            __kernel void empty(void) {
            }
            __kernel void copy(__global const float* src, __global float* dst) {
                size_t i = get_global_id(0);
                dst[i] = src[i];
            }
            """;

    private OpenCLBench() {
    }

    public static void main(String[] args) {
        OpenCLRuntime runtime = OpenCLRuntime.system();
        OpenCLDevice device = args.length > 0 && !args[0].equals("first")
                ? runtime.device(args[0]).orElseThrow(() -> new IllegalArgumentException("no device " + args[0]
                        + "; devices: " + runtime.devices()))
                : runtime.devices().getFirst();
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 256;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int launches = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
        long bytes = Math.min(mib << 20, device.maxAllocationBytes()) / 4096 * 4096;

        System.out.println("device   " + device);
        System.out.println("details  " + device.details());
        try (OpenCLContext cl = OpenCLContext.create(device)) {
            long start = System.nanoTime();
            OpenCLProgram program = cl.build(SOURCE, "");
            System.out.printf(Locale.ROOT, "build    %.1f ms (%s)%n", (System.nanoTime() - start) / 1e6,
                    program.fromCache() ? "binary from the program cache" : "from source");

            launchOverhead(cl, program.kernel("empty"), launches);
            copyBandwidth(cl, program.kernel("copy"), bytes, reps);
        }
    }

    private static void launchOverhead(OpenCLContext cl, OpenCLKernel empty, int launches) {
        long[] one = {1};
        int warmup = Math.max(100, launches / 10);
        long[] wall = new long[launches];
        long[] device = new long[launches];
        for (int i = -warmup; i < launches; i++) {
            long t0 = System.nanoTime();
            try (OpenCLEvent e = cl.launch(empty, one, one)) {
                cl.finish();
                long t1 = System.nanoTime();
                if (i >= 0) {
                    wall[i] = t1 - t0;
                    device[i] = e.durationNanos();
                }
            }
        }
        System.out.printf(Locale.ROOT, "empty kernel launch + finish, %d launches: host %s us; device time %s us%n",
                launches, summary(wall, 1e-3), summary(device, 1e-3));
    }

    private static void copyBandwidth(OpenCLContext cl, OpenCLKernel copy, long bytes, int reps) {
        try (OpenCLBuffer src = cl.allocate(bytes); OpenCLBuffer dst = cl.allocate(bytes)) {
            src.fill(1.25f).close();
            dst.fill(0f).close();
            cl.finish();
            long floats = bytes / 4;
            long local = Math.min(256, copy.workGroupInfo().maxWorkGroupSize());
            copy.setBuffer(0, src).setBuffer(1, dst);
            double moved = 2.0 * bytes; // read + write
            double[] kernel = new double[reps];
            double[] enqueueCopy = new double[reps];
            for (int i = -2; i < reps; i++) { // two warm-up runs each
                try (OpenCLEvent e = cl.launch(copy, new long[] {floats}, new long[] {local})) {
                    double gbs = moved / e.durationNanos();
                    if (i >= 0) {
                        kernel[i] = gbs;
                    }
                }
                try (OpenCLEvent e = src.copyTo(dst)) {
                    double gbs = moved / e.durationNanos();
                    if (i >= 0) {
                        enqueueCopy[i] = gbs;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "copy kernel dst[i]=src[i], %d MiB, %d runs: %s GB/s (read+write)%n",
                    bytes >> 20, reps, summary(kernel));
            System.out.printf(Locale.ROOT, "clEnqueueCopyBuffer,       %d MiB, %d runs: %s GB/s (read+write)%n",
                    bytes >> 20, reps, summary(enqueueCopy));
        }
    }

    /** Median with min, 10th and 90th percentile and max. */
    private static String summary(long[] nanos, double scale) {
        double[] values = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            values[i] = nanos[i] * scale;
        }
        return summary(values);
    }

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
