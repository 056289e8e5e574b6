package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.squall.api.Parallel;
import dev.squall.api.types.FloatArray;
import dev.squall.jit.ir.KernelFunction;
import dev.squall.jit.launch.LaunchGeometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Default grids of loop kernels: one work-item per iteration, and on CPUs groups small enough to reach every core. */
class LaunchGeometryTest {

    public static void scaleRows(FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            float s = 0f;
            for (int c = 0; c < cols; c++) {
                s += x.get(r * cols + c);
            }
            out.set(r, s);
        }
    }

    public static void grid(FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int c = 0; c < cols; c++) {
                out.set(r * cols + c, r - c);
            }
        }
    }

    private static KernelFunction compile(String name) throws NoSuchMethodException {
        for (var m : LaunchGeometryTest.class.getMethods()) {
            if (m.getName().equals(name)) {
                return KernelCompiler.compile(m).function();
            }
        }
        throw new NoSuchMethodException(name);
    }

    private static Object[] rowArgs(int rows) {
        Random random = new Random();
        float[] x = new float[rows * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        return new Object[] {FloatArray.fromArray(x), FloatArray.fromArray(new float[rows]), rows, 4};
    }

    @Test
    void withoutComputeUnitsGroupsAreThePreferredSize() throws Exception {
        LaunchGeometry.Sizes sizes = LaunchGeometry.of(compile("scaleRows"), rowArgs(896), 1024, 256);
        assertArrayEquals(new int[] {256, 1, 1}, sizes.local());
        assertArrayEquals(new int[] {1024, 1, 1}, sizes.global());
    }

    @Test
    void cpuGroupsShrinkUntilEveryUnitHasSeveral() throws Exception {
        KernelFunction f = compile("scaleRows");
        // 896 rows over 16 units: 896 / 64 = 14 per group, raised to the floor of 16: 56 groups
        LaunchGeometry.Sizes sixteen = LaunchGeometry.of(f, rowArgs(896), 1024, 256, 16);
        assertArrayEquals(new int[] {16, 1, 1}, sixteen.local());
        assertEquals(896, sixteen.global()[0]);
        // over 2 units: 896 / 8 = 112, down to a power of two: 64 (14 groups)
        assertArrayEquals(new int[] {64, 1, 1}, LaunchGeometry.of(f, rowArgs(896), 1024, 256, 2).local());
        // a large loop keeps the preferred size
        assertArrayEquals(new int[] {256, 1, 1}, LaunchGeometry.of(f, rowArgs(151_936), 1024, 256, 16).local());
        // a small one never goes below the floor
        assertArrayEquals(new int[] {16, 1, 1}, LaunchGeometry.of(f, rowArgs(40), 1024, 256, 16).local());
    }

    @Test
    void twoDimensionalLoopsKeepTheirGroups() throws Exception {
        KernelFunction f = compile("grid");
        Object[] args = {FloatArray.fromArray(new float[64 * 64]), 64, 64};
        assertArrayEquals(LaunchGeometry.of(f, args, 1024, 256).local(), LaunchGeometry.of(f, args, 1024, 256, 16).local());
    }
}
