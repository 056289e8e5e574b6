package dev.squall.models.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.squall.api.types.BFloat16Array;
import dev.squall.api.types.FloatArray;
import dev.squall.api.types.HalfFloatArray;
import dev.squall.api.types.IntArray;
import dev.squall.api.types.NativeArray;
import dev.squall.api.types.Q4_0Array;
import dev.squall.api.types.Q8_0Array;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk row decoder agrees with the arrays' own element accessors, for every type. */
class DequantizeTest {

    @Test
    void rowsMatchElementAccess() {
        float[] values = GgufWriterTest.randomFloats(256, 9);
        List<NativeArray> arrays = List.of(FloatArray.fromArray(values), HalfFloatArray.fromFloats(values),
                BFloat16Array.fromFloats(values), Q8_0Array.quantize(values), Q4_0Array.quantize(values));
        for (NativeArray array : arrays) {
            for (int[] range : new int[][] {{0, 256}, {64, 96}, {5, 40}, {255, 1}}) {
                float[] row = new float[range[1] + 3];
                Dequantize.row(array, range[0], row, range[1]);
                for (int i = 0; i < range[1]; i++) {
                    assertEquals(Dequantize.get(array, range[0] + i), row[i], array + " element " + (range[0] + i));
                }
                assertEquals(0f, row[range[1]], "nothing written past n");
            }
            assertArrayEquals(Dequantize.toFloats(array), firstN(array, 256));
            assertThrows(IndexOutOfBoundsException.class, () -> Dequantize.row(array, 200, new float[64], 64));
        }
        assertThrows(UnsupportedOperationException.class, () -> Dequantize.get(new IntArray(4), 0));
    }

    private static float[] firstN(NativeArray array, int n) {
        float[] out = new float[n];
        Dequantize.row(array, 0, out, n);
        return out;
    }
}
