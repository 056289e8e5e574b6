package dev.squall.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.Devices;
import dev.squall.api.types.FloatArray;
import dev.squall.drivers.cuda.CudaBuffer;
import dev.squall.drivers.cuda.CudaContext;
import dev.squall.drivers.cuda.CudaDevice;
import dev.squall.drivers.cuda.CudaEvent;
import dev.squall.drivers.opencl.OpenCLBuffer;
import dev.squall.drivers.opencl.OpenCLContext;
import dev.squall.drivers.opencl.OpenCLDevice;
import dev.squall.drivers.opencl.OpenCLEvent;
import dev.squall.graph.DataTransferMode;
import dev.squall.graph.ExecutionPlan;
import dev.squall.graph.TaskGraph;
import dev.squall.jit.CompileOptions;
import dev.squall.jit.CompiledKernel;
import dev.squall.jit.KernelCompiler;
import dev.squall.jit.opencl.OpenCLEmitter;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per device: the overhead of executing a one-kernel task graph (plain, and replayed as a CUDA
 * graph), the bandwidth of a copy kernel written in Java against the driver's own device-to-device
 * copy measured in the same run, and the JIT time from Java method to loaded module. Prints a
 * table; writes JSON to the path given by {@code -Dsquall.bench.out} if set.
 *
 * <p>Usage: {@code DeviceBench [deviceId] [copyMiB]}.
 */
public final class DeviceBench {

    private DeviceBench() {
    }

    public static void main(String[] args) throws Exception {
        String only = args.length > 0 && !args[0].equals("all") ? args[0] : null;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        List<Map<String, Object>> results = new ArrayList<>();
        for (Device d : Devices.list()) {
            if (d.type() == DeviceType.JVM || (only != null && !d.id().equals(only))) {
                continue;
            }
            System.out.println("== " + d.id() + " " + d.name());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("device", d.id());
            r.put("name", d.name());
            r.put("overheadMicros", overhead(d, false));
            if (d instanceof CudaDevice) {
                r.put("overheadGraphMicros", overhead(d, true));
            }
            int elements = (int) Math.min((long) mib * 1024 * 1024 / 4, Integer.MAX_VALUE - 64);
            if (d instanceof CudaDevice cuda) {
                r.put("peakBandwidthGBs", cuda.peakBandwidthBytesPerSecond() / 1e9);
            }
            r.put("copyKernelGBs", copyKernel(d, elements));
            r.put("driverCopyGBs", driverCopy(d, (long) elements * 4));
            r.put("jitMillis", jit(d));
            results.add(r);
            print(r);
        }
        String out = System.getProperty("squall.bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(results));
        }
    }

    private static void print(Map<String, Object> r) {
        for (var e : r.entrySet()) {
            System.out.printf("  %-22s %s%n", e.getKey(), e.getValue());
        }
        if (r.get("copyKernelGBs") instanceof Stats k && r.get("driverCopyGBs") instanceof Stats c) {
            System.out.printf("  copy kernel / driver copy = %.1f%%%n", 100 * k.median() / c.median());
        }
    }

    /** Median host time of one plan execution running one tiny kernel. */
    private static Stats overhead(Device d, boolean graph) {
        FloatArray x = new FloatArray(1);
        TaskGraph g = new TaskGraph("o").transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .task("t", BenchKernels::touch, x);
        try (ExecutionPlan plan = new ExecutionPlan(g.snapshot()).withDevice(d)) {
            if (graph) {
                plan.withCudaGraph();
            }
            for (int i = 0; i < 200; i++) {
                plan.execute();
            }
            double[] micros = new double[2000];
            for (int i = 0; i < micros.length; i++) {
                long t = System.nanoTime();
                plan.execute();
                micros[i] = (System.nanoTime() - t) / 1e3;
            }
            return Stats.of(micros);
        }
    }

    /** Bandwidth (bytes read + written per second, GB/s) of the Java copy kernel, from device timings. */
    private static Stats copyKernel(Device d, int elements) {
        FloatArray src = new FloatArray(elements);
        FloatArray dst = new FloatArray(elements);
        for (int i = 0; i < elements; i += 4096) {
            src.set(i, i);
        }
        TaskGraph g = new TaskGraph("c").transferToDevice(DataTransferMode.FIRST_EXECUTION, src)
                .task("copy", BenchKernels::copy, src, dst)
                .transferToHost(DataTransferMode.UNDER_DEMAND, dst);
        try (ExecutionPlan plan = new ExecutionPlan(g.snapshot()).withDevice(d)) {
            plan.execute();
            double[] gbs = new double[30];
            for (int i = 0; i < gbs.length; i++) {
                long ns = plan.execute().profile().kernelNanos();
                gbs[i] = 2.0 * 4 * elements / ns;
            }
            var result = plan.execute();
            result.transferToHost(dst);
            for (int i = 0; i < elements; i += 4096) {
                if (dst.get(i) != src.get(i)) {
                    throw new IllegalStateException("copy kernel wrong at " + i + " on " + d.id());
                }
            }
            return Stats.of(gbs);
        } finally {
            src.free();
            dst.free();
        }
    }

    /** The driver's device-to-device copy of the same size, timed with device events. */
    static Stats driverCopy(Device d, long bytes) {
        double[] gbs = new double[30];
        if (d instanceof CudaDevice cuda) {
            try (CudaContext ctx = CudaContext.create(cuda); CudaBuffer a = ctx.allocate(bytes);
                 CudaBuffer b = ctx.allocate(bytes)) {
                a.fill((byte) 1);
                for (int i = -3; i < gbs.length; i++) {
                    CudaEvent start = ctx.recordEvent();
                    a.copyTo(b);
                    CudaEvent end = ctx.recordEvent();
                    end.synchronize();
                    if (i >= 0) {
                        gbs[i] = 2.0 * bytes / (start.elapsedMillisTo(end) * 1e6);
                    }
                    start.close();
                    end.close();
                }
            }
        } else if (d instanceof OpenCLDevice opencl) {
            try (OpenCLContext ctx = OpenCLContext.create(opencl)) {
                OpenCLBuffer a = ctx.allocate(bytes);
                OpenCLBuffer b = ctx.allocate(bytes);
                a.fill((byte) 1).close();
                for (int i = -3; i < gbs.length; i++) {
                    OpenCLEvent e = a.copyTo(b);
                    long ns = e.durationNanos();
                    e.close();
                    if (i >= 0) {
                        gbs[i] = 2.0 * bytes / ns;
                    }
                }
            }
        }
        return Stats.of(gbs);
    }

    /** Java method to loaded module: compile (uncached), emit, and build or load, in milliseconds. */
    private static Stats jit(Device d) throws Exception {
        Method kernel = BenchKernels.class.getMethod("copy", FloatArray.class, FloatArray.class);
        double[] ms = new double[10];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            if (d instanceof CudaDevice cuda) {
                CompiledKernel k = KernelCompiler.compileUncached(kernel, Map.of(), CompileOptions.PTX);
                PtxTarget target = new PtxTarget(cuda.computeCapability().major() * 10 + cuda.computeCapability().minor(),
                        cuda.ptxIsaVersion().toString());
                try (CudaContext ctx = CudaContext.create(cuda, dev.squall.drivers.cuda.CubinCache.disabled())) {
                    ctx.load(PtxEmitter.emit(k, target) + "\n// " + i).function(PtxEmitter.entryName(k.function()));
                }
            } else if (d instanceof OpenCLDevice opencl) {
                CompiledKernel k = KernelCompiler.compileUncached(kernel, Map.of(), CompileOptions.DEFAULT);
                try (OpenCLContext ctx = OpenCLContext.create(opencl, dev.squall.drivers.opencl.ProgramCache.disabled())) {
                    ctx.build(OpenCLEmitter.emit(k) + "\n// " + i, OpenCLEmitter.BUILD_OPTIONS);
                }
            }
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return Stats.of(ms);
    }
}
