package dev.squall.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.squall.api.Device;
import dev.squall.api.DeviceType;
import dev.squall.api.Devices;
import dev.squall.drivers.cuda.CudaDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The IO-aware kernel benchmark on one device: flat GEMM and GEMV over decode shapes, GEMM 4096³,
 * FlashAttention-2 prefill and decode attention (Flash-Decoding and FlashDecoding++), each the
 * median of many event-timed runs after warm-up, with inputs rotated over enough copies that
 * they do not sit in L2, and a spot check of the output against float64. With the peers' JSON
 * ({@code bench/peers/peers.py}) it prints one table, Squall beside PyTorch on the same shapes, and
 * writes it as Markdown and JSON.
 *
 * <p>Usage: {@code KernelBench [--device ID] [--peers peers.json] [--out DIR] [--only GROUPS] [--quick]
 * [--decode-lengths L1,L2,…] [--decode-batches B1,…] [--decode-splits S1,…] [--flat-ms M1,M2,…]
 * [--kernels NAME1,NAME2,…]}: the shape options replace the shapes ({@code --decode-splits}: the
 * split counts of the decode sweep rows, {@code UnifiedMaxDecoding (S=…, sweep)} and
 * {@code UnifiedMaxDecoding.stepF16Mma (S=…, sweep)}); {@code --kernels} keeps the cases
 * whose kernel name is one of the given names (separated by commas not followed by a space), or starts with one given with a trailing {@code *},
 * or matches one whose other {@code *}s stand for text without a comma (a device call can time a few variants only).
 */
public final class KernelBench {

    private KernelBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Device device = device(options.get("device"));
        boolean quick = options.containsKey("quick");
        String only = options.getOrDefault("only", "flat_gemm,gemm,prefill,decode");
        Path out = Path.of(options.getOrDefault("out", "."));
        Files.createDirectories(out);

        Ceilings ceilings = Ceilings.measure(device);
        System.out.printf(Locale.ROOT, "== %s (%s): copy %.0f GB/s (read+write, driver copy), FP32 FMA peak %.1f TFLOP/s,"
                + " L2 %d MiB%n", device.id(), device.name(), ceilings.copyGBs(), ceilings.fp32Tflops(),
                ceilings.l2Bytes() >> 20);
        List<BenchResult> results = new ArrayList<>();
        BenchSelection selection = new BenchSelection(integers(options.get("decode-lengths")),
                integers(options.get("decode-batches")), integers(options.get("decode-splits")),
                integers(options.get("flat-ms")));
        // names hold ", " (e.g. "UnifiedMaxDecoding (S=33, sweep)"): only a comma without a space separates
        List<String> kernels = options.containsKey("kernels") ? List.of(options.get("kernels").split(",(?! )")) : List.of("*");
        BenchCases cases = new BenchCases(device, ceilings, quick, selection);
        for (String group : only.split(",")) {
            List<Double> floors = new ArrayList<>();
            for (BenchCase c : cases.group(group)) {
                if (kernels.stream().noneMatch(p -> selects(p, c.kernel()))) {
                    continue;
                }
                BenchResult r = c.run();
                results.add(r);
                System.out.println(r.line());
                System.out.flush();
                if (r.ok() && BenchTable.memoryBound(group) && BenchTable.floorNear(floors, r.bytes()) == null) {
                    floors.add(r.bytes());
                }
            }
            // the read floor at each size the group's rows read (one per size within FLOOR_MATCH)
            for (double bytes : floors) {
                BenchResult r = cases.readFloor(bytes).run();
                results.add(r);
                System.out.println(r.line());
                System.out.flush();
            }
        }
        JsonNode peers = options.containsKey("peers") && Files.exists(Path.of(options.get("peers")))
                ? new ObjectMapper().readTree(Path.of(options.get("peers")).toFile()) : null;
        BenchTable table = new BenchTable(device, ceilings, results, peers);
        String markdown = table.markdown();
        System.out.println();
        System.out.println(markdown);
        Files.writeString(out.resolve("kernel-bench.md"), markdown);
        Files.writeString(out.resolve("kernel-bench.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(table.json()));
        Map<String, Object> dataflow = DataflowTable.derive(results);
        if (!dataflow.isEmpty()) {
            Files.writeString(out.resolve("dataflow-" + device.id().replace(':', '_') + ".json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(dataflow));
            System.out.println("dataflow thresholds per (N, K): " + dataflow);
        }
        String splits = DecodeSplitTable.derive(results);
        if (!splits.isEmpty()) {
            Files.writeString(out.resolve("decode-splits-" + device.id().replace(':', '_') + ".txt"), "# " + device.name()
                    + ": rows group headDim length splits (the fastest one-launch FlashDecoding++ row per shape)\n" + splits);
            System.out.print("decode split counts measured best:\n" + splits);
        }
    }

    /** "1,2,3" as integers; null for null. */
    private static int[] integers(String list) {
        return list == null ? null : java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; usage: KernelBench [--device ID]"
                        + " [--peers peers.json] [--out DIR] [--only GROUPS] [--quick] [--decode-lengths L1,L2,...] [--decode-batches B1,...] [--decode-splits S1,...] [--flat-ms M1,M2,...] [--kernels NAME1,NAME2,...]");
            }
            String name = args[i].substring(2);
            if (name.equals("quick")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return options;
    }

    private static Device device(String id) {
        if (id != null) {
            return Devices.get(id);
        }
        return Devices.list().stream().filter(d -> d.type() == DeviceType.GPU).filter(d -> d instanceof CudaDevice)
                .findFirst().orElseGet(Devices::best);
    }

    /**
     * Whether {@code --kernels} pattern {@code pattern} selects {@code kernel}: a trailing {@code *} matches
     * anything, any other {@code *} any run of characters without a comma (so {@code "UnifiedMaxDecoding (S=*)"}
     * is the step at whatever split count, not its ", 2 launches" or ", sweep" rows); otherwise names are equal.
     */
    static boolean selects(String pattern, String kernel) {
        boolean tail = pattern.endsWith("*");
        String body = tail ? pattern.substring(0, pattern.length() - 1) : pattern;
        StringBuilder regex = new StringBuilder();
        for (String part : body.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[^,]*");
            }
            regex.append(Pattern.quote(part));
        }
        return kernel.matches(regex + (tail ? ".*" : ""));
    }
}
