package dev.squall.graph.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.graph.WorkerGrid1D;
import dev.squall.kernels.transformer.ArgMax;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launch cache's answers that a CUDA graph replay relies on ({@code CudaSession.checkLaunches}): a
 * launch is held under the grid it was prepared with, and under no other, and a changed grid prepares
 * it again.
 */
class LaunchCacheTest {

    private static GraphStep.Launch launch(String name) {
        return new GraphStep.Launch(name, new KernelReference(Arrays.stream(ArgMax.class.getMethods())
                .filter(m -> m.getName().equals("argmax")).findFirst().orElseThrow()), List.of());
    }

    @Test
    void aLaunchIsHeldUnderTheGridItWasPreparedWith() {
        LaunchCache<String> cache = new LaunchCache<>();
        GraphStep.Launch a = launch("g.a");
        GraphStep.Launch b = launch("g.b");
        WorkerGrid1D grid = new WorkerGrid1D(512);
        grid.setLocalWork(256);
        int[] prepared = {0};
        assertFalse(cache.holds(a, grid), "nothing prepared yet");
        assertEquals("a1", cache.get(a, grid, () -> "a" + ++prepared[0]));
        assertTrue(cache.holds(a, grid));
        assertTrue(cache.holds(a, new WorkerGrid1D(512).setLocalWork(256)), "an equal grid, another object");
        assertFalse(cache.holds(a, new WorkerGrid1D(1024).setLocalWork(256)), "another global size");
        assertFalse(cache.holds(a, new WorkerGrid1D(512).setLocalWork(128)), "another local size");
        assertFalse(cache.holds(a, null), "no grid");
        assertFalse(cache.holds(b, grid), "another launch");
        assertEquals("a1", cache.get(a, grid, () -> "a" + ++prepared[0]), "held: not prepared again");
        grid.setLocalWork(128); // the grid object changed after the capture
        assertFalse(cache.holds(a, grid));
        assertEquals("a2", cache.get(a, grid, () -> "a" + ++prepared[0]));
        // a loop task has no grid
        assertEquals("b3", cache.get(b, null, () -> "b" + ++prepared[0]));
        assertTrue(cache.holds(b, null));
    }
}
