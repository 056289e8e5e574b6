package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written PTX of the GPU tests and the bench, assembled by the toolkit's ptxas where it is installed. */
class PtxSourcesTest {

    record Result(int exit, String output) {
    }

    private static Result ptxas(Path dir, String arch, String ptx) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "module", ".ptx");
        Files.writeString(file, ptx);
        Process p;
        try {
            p = new ProcessBuilder("ptxas", "-arch=" + arch, file.toString(), "-o", dir.resolve("out.cubin").toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("ptxas (CUDA toolkit) is not on the PATH, so the PTX cannot be assembled here: "
                    + e.getMessage());
            throw e;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ptxas finished");
        return new Result(p.exitValue(), output);
    }

    @Test
    void everyModuleAssemblesForAmpereAndHopper(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, String> module : TestPtx.all().entrySet()) {
            for (String arch : List.of("sm_80", "sm_90")) {
                if (arch.equals("sm_80") && module.getValue().contains(".target sm_90")) {
                    continue; // a Hopper-only module (griddepcontrol)
                }
                Result r = ptxas(dir, arch, module.getValue());
                assertEquals(0, r.exit(), module.getKey() + " for " + arch + ":\n" + r.output());
            }
        }
    }

    @Test
    void theBrokenModuleFailsOnItsLine(@TempDir Path dir) throws Exception {
        Result r = ptxas(dir, "sm_90", TestPtx.VADD_BROKEN);
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains("line " + TestPtx.brokenLine() + ";"), r.output());
    }

    @Test
    void theIsaTableMatchesThisToolkit(@TempDir Path dir) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ptxas", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("ptxas (CUDA toolkit) is not on the PATH: " + e.getMessage());
            return;
        }
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("release (\\d+)\\.(\\d+)").matcher(version);
        assertTrue(m.find(), version);
        int cuda = Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) * 10;
        PtxIsaVersion newest = PtxIsaVersion.forDriver(cuda);
        String empty = TestPtx.EMPTY;
        Result accepted = ptxas(dir, "sm_90", empty.replace(".version 8.0", ".version " + newest));
        assertEquals(0, accepted.exit(), "CUDA " + CudaDriverVersion.format(cuda) + " takes PTX " + newest + ":\n"
                + accepted.output());
        PtxIsaVersion next = new PtxIsaVersion(newest.major(), newest.minor() + 1);
        Result refused = ptxas(dir, "sm_90", empty.replace(".version 8.0", ".version " + next));
        Assumptions.assumeTrue(refused.exit() != 0, "this toolkit is newer than the table: it takes PTX " + next);
        assertTrue(refused.output().contains("Unsupported .version"), refused.output());
    }
}
