package dev.squall.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.squall.api.Parallel;
import dev.squall.api.Reduce;
import dev.squall.api.types.FloatArray;
import dev.squall.jit.ptx.PtxEmitter;
import dev.squall.jit.ptx.PtxTarget;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * PTX for sm_90 and newer waits for the previous grid at every entry before any other instruction, so
 * that a launch overlapping the kernel before it ({@code CudaContext.launchAfterPrevious}) cannot touch
 * memory early; older targets, which have no {@code griddepcontrol}, do not.
 */
class GridDependencyWaitTest {

    /** A sum over a {@code @Parallel} loop: a main entry and a reduction finisher entry. */
    public static void sum(FloatArray x, @Reduce FloatArray total) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            total.set(0, total.get(0) + x.get(i));
        }
    }

    private static CompiledKernel compiled() throws Exception {
        return KernelCompiler.compile(GridDependencyWaitTest.class.getMethod("sum", FloatArray.class, FloatArray.class),
                Map.of(), CompileOptions.PTX);
    }

    @Test
    void everyHopperEntryWaitsBeforeItsFirstInstruction() throws Exception {
        String ptx = PtxEmitter.emit(compiled(), PtxTarget.SM_90);
        // an entry's body: its register declarations, then its first instruction
        Matcher entry = Pattern.compile("\\.visible \\.entry [^{]*\\{\\n(?:\\s*\\.(?:reg|shared)[^\\n]*\\n)*\\s*([^\\n]*)\\n")
                .matcher(ptx);
        int entries = 0;
        while (entry.find()) {
            entries++;
            assertEquals("griddepcontrol.wait;", entry.group(1).trim(), ptx);
        }
        assertEquals(2, entries, "the main entry and the reduction's finisher:\n" + ptx);
        assertEquals(2, ptx.split("griddepcontrol\\.wait", -1).length - 1, ptx);
        String ptxas = PtxAssemblyTest.ptxas();
        assumeTrue(ptxas != null, "ptxas (CUDA toolkit) is not on the PATH: assembly is not checked");
        PtxAssemblyTest.assemble(ptxas, ptx, PtxTarget.SM_90, "sum");
    }

    @Test
    void amperePtxHasNoWait() throws Exception {
        assertFalse(PtxTarget.SM_80.waitsForPreviousGrid());
        assertTrue(PtxTarget.SM_90.waitsForPreviousGrid());
        assertTrue(PtxTarget.forComputeCapability(10, 0).waitsForPreviousGrid());
        assertFalse(PtxEmitter.emit(compiled(), PtxTarget.SM_80).contains("griddepcontrol"));
    }
}
