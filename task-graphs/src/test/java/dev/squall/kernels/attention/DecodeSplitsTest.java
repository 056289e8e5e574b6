package dev.squall.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Split counts: the heuristic, measured tables (nearest length, the cap, errors), the shipped H200 table. */
class DecodeSplitsTest {

    private static final int UNITS = 132;

    @Test
    void withoutATableEveryShapeTakesTheHeuristic() {
        DecodeSplits none = DecodeSplits.forDevice("no such device", UNITS);
        for (int length : new int[] {1, 100, 4096, 32768, 131072}) {
            assertEquals(FlashDecoding.splitsFor(1, 32, 8, length, UNITS), none.splits(1, 32, 8, 128, length));
            assertEquals(FlashDecoding.splitsFor(8, 32, 32, length, UNITS), none.splits(8, 32, 32, 128, length));
        }
    }

    @Test
    void aListedShapeTakesTheNearestLengthOnALogScale() {
        DecodeSplits t = DecodeSplits.parse("# rows group headDim length splits\n8 4 128 4096 32\n8 4 128 32768 20  # x\n",
                UNITS);
        assertEquals(32, t.splits(1, 32, 8, 128, 4096));
        assertEquals(32, t.splits(1, 32, 8, 128, 11000), "11000 is nearer 4096 than 32768 on a log scale");
        assertEquals(20, t.splits(1, 32, 8, 128, 12000));
        // 8192 is twice 4096 and half 16384: a tie on the log scale takes the smaller length
        DecodeSplits tie = DecodeSplits.parse("8 4 128 4096 32\n8 4 128 16384 20\n", UNITS);
        assertEquals(32, tie.splits(1, 32, 8, 128, 8192));
        assertEquals(20, t.splits(1, 32, 8, 128, 1 << 20), "past the last length: the last");
        assertEquals(16, t.splits(1, 32, 8, 128, 2048), "capped so that a split keeps 128 positions");
        assertEquals(1, t.splits(1, 32, 8, 128, 5));
        assertEquals(FlashDecoding.splitsFor(1, 32, 8, 0, UNITS), t.splits(1, 32, 8, 128, 0));
        // another batch, group or head size is another shape
        assertEquals(FlashDecoding.splitsFor(2, 32, 8, 32768, UNITS), t.splits(2, 32, 8, 128, 32768));
        assertEquals(FlashDecoding.splitsFor(1, 16, 8, 32768, UNITS), t.splits(1, 16, 8, 128, 32768));
        assertEquals(FlashDecoding.splitsFor(1, 32, 8, 32768, UNITS), t.splits(1, 32, 8, 64, 32768));
    }

    @Test
    void badTablesAndShapesAreRefusedWithTheLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> DecodeSplits.parse("8 4 128 4096\n", UNITS));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DecodeSplits.parse("\n8 4 128 x 32\n", UNITS));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("not a number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DecodeSplits.parse("8 4 128 4096 0\n", UNITS));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DecodeSplits.parse("8 4 128 4096 32\n8 4 128 4096 16\n", UNITS));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("listed twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DecodeSplits.heuristic(UNITS).splits(1, 32, 12, 128, 4096));
        e = assertThrows(IllegalArgumentException.class, () -> DecodeSplits.heuristic(UNITS).splits(0, 32, 8, 128, 4096));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
    }

    @Test
    void theShippedH200TableIsMeasured() {
        DecodeSplits h200 = DecodeSplits.forDevice("NVIDIA H200", UNITS);
        // one wave of resident work-groups for one sequence with four query heads per kv head
        assertEquals(33, h200.splits(1, 32, 8, 128, 32768));
        assertEquals(33, h200.splits(1, 32, 8, 128, 131072));
        assertEquals(4, h200.splits(8, 32, 8, 128, 32768));
        // where the table and the heuristic differ
        assertEquals(8, h200.splits(1, 32, 32, 128, 4096));
        assertEquals(12, FlashDecoding.splitsFor(1, 32, 32, 4096, UNITS));
        assertEquals(16, h200.splits(8, 32, 32, 128, 32768));
        assertEquals(4, FlashDecoding.splitsFor(8, 32, 32, 32768, UNITS));
        // not measured: the heuristic
        assertEquals(FlashDecoding.splitsFor(1, 64, 8, 32768, UNITS), h200.splits(1, 64, 8, 128, 32768));
    }
}
