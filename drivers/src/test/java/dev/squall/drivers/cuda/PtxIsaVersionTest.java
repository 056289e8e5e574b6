package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PtxIsaVersionTest {

    @Test
    void driversMapToTheNewestIsaTheyAccept() {
        assertEquals("9.0", PtxIsaVersion.forDriver(13000).toString()); // driver branch 580
        assertEquals("9.1", PtxIsaVersion.forDriver(13010).toString());
        assertEquals("9.1", PtxIsaVersion.forDriver(13020).toString(), "newer than the table: its newest");
        assertEquals("8.8", PtxIsaVersion.forDriver(12090).toString());
        assertEquals("8.7", PtxIsaVersion.forDriver(12080).toString());
        assertEquals("8.6", PtxIsaVersion.forDriver(12070).toString());
        assertEquals("8.5", PtxIsaVersion.forDriver(12060).toString(), "12.6 brought no new ISA");
        assertEquals("8.5", PtxIsaVersion.forDriver(12050).toString());
        assertEquals("8.0", PtxIsaVersion.forDriver(12000).toString());
        assertEquals("7.8", PtxIsaVersion.forDriver(11080).toString());
        assertEquals("7.0", PtxIsaVersion.forDriver(11000).toString());
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> PtxIsaVersion.forDriver(10020));
        assertEquals("CUDA driver 10.2 is older than 11.0, the oldest Squall supports", old.getMessage());
    }

    @Test
    void versionsParseAndOrder() {
        assertEquals(new PtxIsaVersion(8, 8), PtxIsaVersion.parse("8.8"));
        assertTrue(PtxIsaVersion.parse("9.0").compareTo(PtxIsaVersion.parse("8.8")) > 0);
        assertThrows(IllegalArgumentException.class, () -> PtxIsaVersion.parse("9"));
        assertThrows(IllegalArgumentException.class, () -> PtxIsaVersion.parse("x.y"));
    }

    @Test
    void computeCapabilities() {
        ComputeCapability hopper = new ComputeCapability(9, 0);
        assertEquals("sm_90", hopper.smTarget());
        assertEquals("sm_86", new ComputeCapability(8, 6).smTarget());
        assertTrue(hopper.atLeast(8, 0));
        assertTrue(hopper.atLeast(9, 0));
        assertTrue(!hopper.atLeast(10, 0));
        assertEquals("9.0", hopper.toString());
        assertThrows(IllegalArgumentException.class, () -> new ComputeCapability(0, 0));
    }

    @Test
    void driverVersionsFormat() {
        assertEquals("13.0", CudaDriverVersion.format(13000));
        assertEquals("12.9", CudaDriverVersion.format(12090));
    }
}
