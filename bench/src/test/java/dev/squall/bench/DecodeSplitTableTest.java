package dev.squall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The split table the decode group derives: the fastest one-launch row per shape, other kernels and failures ignored. */
class DecodeSplitTableTest {

    private static BenchResult row(String kernel, String key, double ms) {
        return new BenchResult("decode", kernel, key, Stats.of(new double[] {ms, ms, ms}), 1, 1, 1, "ok", null, null);
    }

    @Test
    void takesTheFastestOneLaunchRowPerShape() {
        String a = "decode f16 B=1 Hq=32 Hkv=8 D=128 L=32768";
        String b = "decode f16 B=8 Hq=32 Hkv=32 D=128 L=4096";
        List<BenchResult> results = List.of(
                row("UnifiedMaxDecoding (S=66)", a, 0.0596),
                row("UnifiedMaxDecoding (S=33, sweep)", a, 0.0495),
                row("UnifiedMaxDecoding (S=16, heuristic)", a, 0.0647),
                row("UnifiedMaxDecoding (S=33, 2 launches)", a, 0.0100), // another form: not a candidate
                row("FlashDecoding (S=8)", a, 0.0100),
                new BenchResult("decode", "UnifiedMaxDecoding (S=12, sweep)", a, null, 1, 1, 1, null, "failed", null),
                row("UnifiedMaxDecoding (S=5)", b, 0.1433),
                row("UnifiedMaxDecoding (S=8, heuristic)", b, 0.1417));
        assertEquals("8 4 128 32768 33  # 0.0495 ms\n256 1 128 4096 8  # 0.1417 ms\n", DecodeSplitTable.derive(results));
    }

    @Test
    void isEmptyWithoutDecodeRows() {
        assertEquals("", DecodeSplitTable.derive(List.of(row("FlatGemmMma.f16", "flat_gemm f16 M=1 N=4096 K=4096", 1))));
    }
}
