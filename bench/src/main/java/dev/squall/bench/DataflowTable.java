package dev.squall.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FlashDecoding++'s offline profiling (§5.3) from the flat-GEMM group's timings: per (N, K), M1 =
 * the first M from 2 where the flat GEMM (its faster variant) beats running the GEMV (the fastest of
 * MatVec and FlatGemmByLanes.f16Gemv) M times, and M2 = the first M where a
 * tiled GEMM (the fastest of TiledGemmMma's forms and the register-blocked GEMM timed) beats the flat GEMM (absent if
 * none does up to the largest M timed).
 */
final class DataflowTable {

    private static final Pattern KEY = Pattern.compile("flat_gemm f16 M=(\\d+) N=(\\d+) K=(\\d+)");

    private DataflowTable() {
    }

    static Map<String, Object> derive(Iterable<BenchResult> results) {
        Map<String, Map<Integer, Double>> gemv = new TreeMap<>();
        Map<String, Map<Integer, Double>> flat = new TreeMap<>();
        Map<String, Map<Integer, Double>> tiled = new TreeMap<>();
        for (BenchResult r : results) {
            Matcher m = KEY.matcher(r.key());
            if (!r.ok() || !m.matches()) {
                continue;
            }
            String shape = "N=" + m.group(2) + " K=" + m.group(3);
            int rows = Integer.parseInt(m.group(1));
            // a GEMV is MatVec or a GEMV form of the flat GEMM (FlatGemmByLanes.f16Gemv): at m = 1 the fastest is the GEMV
            Map<String, Map<Integer, Double>> into = r.kernel().startsWith("MatVec") || r.kernel().contains("Gemv") ? gemv
                    : r.kernel().startsWith("FlatGemm") ? flat : tiled;
            // the flat GEMM's time is its best variant's
            into.computeIfAbsent(shape, s -> new TreeMap<>()).merge(rows, r.millis().median(), Math::min);
        }
        Map<String, Object> table = new LinkedHashMap<>();
        for (var e : flat.entrySet()) {
            Double gemvOne = gemv.getOrDefault(e.getKey(), Map.of()).get(1);
            Integer m1 = null;
            Integer m2 = null;
            for (var point : e.getValue().entrySet()) {
                int rows = point.getKey();
                if (m1 == null && rows >= 2 && gemvOne != null && point.getValue() < rows * gemvOne) {
                    m1 = rows;
                }
                Double t = tiled.getOrDefault(e.getKey(), Map.of()).get(rows);
                if (m2 == null && t != null && t < point.getValue()) {
                    m2 = rows;
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("m1", m1);
            entry.put("m2", m2);
            entry.put("gemvMsAtM1", gemvOne);
            entry.put("flatMs", e.getValue());
            entry.put("tiledMs", tiled.get(e.getKey()));
            table.put(e.getKey(), entry);
        }
        return table;
    }
}
