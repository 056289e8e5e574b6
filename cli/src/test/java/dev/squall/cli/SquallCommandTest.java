package dev.squall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SquallCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SquallCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void devicesListsTheJvmDeviceAndExplainsMissingBackends() {
        Run r = run("devices");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("ID "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("java ") && l.contains("JVM 25")), r.out());
        for (String backend : new String[] {"opencl", "cuda"}) {
            boolean listed = r.out().lines().anyMatch(l -> l.startsWith(backend + ":"));
            boolean unavailable = r.out().contains(backend + ": unavailable: ");
            assertTrue(listed || unavailable, backend + " is either listed or explained:\n" + r.out());
        }
    }

    @Test
    void versionNamesTheProject() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("squall 0."), r.out());
    }

    @Test
    void runSampleListsRunsAndChecks() {
        Run list = run("run-sample");
        assertEquals(0, list.exit());
        assertTrue(list.out().contains("matmul-tiled"), list.out());
        Run one = run("run-sample", "matmul-tiled", "--device", "java", "--seed", "42");
        assertEquals(0, one.exit(), one.out() + one.err());
        assertTrue(one.out().lines().anyMatch(l -> l.startsWith("matmul-tiled") && l.endsWith("correct")), one.out());
        assertTrue(one.out().contains("seed 42"));
    }

    @Test
    void unknownSamplesAndDevicesFailClearly() {
        Run sample = run("run-sample", "nope");
        assertEquals(2, sample.exit());
        assertTrue(sample.err().contains("no sample 'nope'; samples: [vector-add"), sample.err());
        Run device = run("run-sample", "matmul", "--device", "opencl:9:9");
        assertEquals(1, device.exit());
        assertTrue(device.err().contains("squall: no device 'opencl:9:9'"), device.err());
    }
}
