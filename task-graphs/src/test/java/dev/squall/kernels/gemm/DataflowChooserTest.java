package dev.squall.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.kernels.gemm.DataflowChooser.Choice;
import org.junit.jupiter.api.Test;

/** The dataflow heuristic: hardware default, measured tables (and their errors), the shipped H200 table. */
class DataflowChooserTest {

    private static final DataflowChooser H200_LIKE = DataflowChooser.hardwareDefault(66.9e12, 4.2e12);

    @Test
    void theHardwareDefaultSwitchesToFlatAtTwoRowsAndToTiledAtTheRidge() {
        assertEquals(new DataflowChooser.Thresholds(2, 16), H200_LIKE.thresholds(4096, 4096));
        assertEquals(Choice.GEMV, H200_LIKE.choose(1, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, H200_LIKE.choose(2, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, H200_LIKE.choose(15, 4096, 4096));
        assertEquals(Choice.TILED_GEMM, H200_LIKE.choose(16, 4096, 4096));
    }

    @Test
    void measuredShapesOverrideTheDefaultAndZeroMeansTheTiledGemmNeverWon() {
        DataflowChooser c = DataflowChooser.parse("# n k m1 m2\n4096 4096 4 32\n11008 4096 2 0  # tiled never won\n",
                H200_LIKE);
        assertEquals(Choice.GEMV, c.choose(3, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, c.choose(4, 4096, 4096));
        assertEquals(Choice.TILED_GEMM, c.choose(32, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, c.choose(64, 11008, 4096));
        assertEquals(Choice.TILED_GEMM, c.choose(16, 14336, 4096), "an unlisted shape takes the default");
    }

    @Test
    void badTablesAndShapesAreRefusedWithTheLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> DataflowChooser.parse("4096 4096 2\n", H200_LIKE));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DataflowChooser.parse("\n4096 4096 x 8\n", H200_LIKE));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataflowChooser.parse("4096 4096 8 2\n", H200_LIKE));
        assertThrows(IllegalArgumentException.class, () -> H200_LIKE.choose(0, 4096, 4096));
    }

    @Test
    void aDeviceWithoutATableGetsTheDefault() {
        assertSame(H200_LIKE, DataflowChooser.forDevice("no such device", H200_LIKE));
    }

    @Test
    void theShippedH200TableIsMeasured() {
        DataflowChooser h200 = DataflowChooser.forDevice("NVIDIA H200", H200_LIKE);
        assertEquals(Choice.GEMV, h200.choose(1, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, h200.choose(2, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, h200.choose(32, 4096, 4096), "the flat GEMM is faster up to m = 32 here");
        assertEquals(Choice.TILED_GEMM, h200.choose(64, 4096, 4096));
        assertEquals(Choice.FLAT_GEMM, h200.choose(3, 128256, 2048));
        assertEquals(Choice.TILED_GEMM, h200.choose(16, 128256, 2048));
        assertEquals(Choice.FLAT_GEMM, h200.choose(31, 11008, 4096));
        assertEquals(Choice.TILED_GEMM, h200.choose(32, 11008, 4096));
        assertEquals(Choice.TILED_GEMM, h200.choose(64, 14336, 4096));
        assertEquals(Choice.TILED_GEMM, h200.choose(64, 4096, 11008));
    }
}
