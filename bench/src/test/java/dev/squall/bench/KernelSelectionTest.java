package dev.squall.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code KernelBench --kernels}: which case names a pattern keeps. */
class KernelSelectionTest {

    @Test
    void namesMatchExactly() {
        assertTrue(KernelBench.selects("FlatGemmMma.f16", "FlatGemmMma.f16"));
        assertFalse(KernelBench.selects("FlatGemmMma.f16", "FlatGemmMma.f16Stream"));
    }

    @Test
    void aTrailingStarMatchesAnything() {
        assertTrue(KernelBench.selects("FlatGemmMma.f16*", "FlatGemmMma.f16Stream"));
        assertTrue(KernelBench.selects("UnifiedMaxDecoding (S=*", "UnifiedMaxDecoding (S=66, sweep)"));
        assertFalse(KernelBench.selects("FlatGemmMma.f16*", "FlatGemmByLanes.f16"));
    }

    @Test
    void anInnerStarStopsAtCommas() {
        assertTrue(KernelBench.selects("UnifiedMaxDecoding (S=*)", "UnifiedMaxDecoding (S=66)"));
        assertFalse(KernelBench.selects("UnifiedMaxDecoding (S=*)", "UnifiedMaxDecoding (S=66, 2 launches)"));
        assertTrue(KernelBench.selects("UnifiedMaxDecoding.*Staged2 (S=*)", "UnifiedMaxDecoding.stepF16Staged2 (S=8)"));
        assertFalse(KernelBench.selects("Flat(*)", "Flat(a.b)x"), "the pattern's other characters are literal");
    }
}
