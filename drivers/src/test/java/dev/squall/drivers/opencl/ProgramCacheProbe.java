package dev.squall.drivers.opencl;

import java.nio.file.Path;

/**
 * A second process for {@link ProgramCacheTest}: builds one program against a cache directory and
 * prints whether the binary came from the cache, with the cache's counters.
 * Usage: {@code ProgramCacheProbe <cache dir> <source>}.
 */
public final class ProgramCacheProbe {

    private ProgramCacheProbe() {
    }

    public static void main(String[] args) {
        ProgramCache cache = ProgramCache.at(Path.of(args[0]));
        OpenCLDevice device = OpenCLRuntime.system().devices().getFirst();
        try (OpenCLContext context = OpenCLContext.create(device, cache)) {
            OpenCLProgram program = context.build(args[1], "");
            ProgramCache.Stats stats = cache.stats();
            System.out.println("fromCache=" + program.fromCache() + " hits=" + stats.hits() + " misses="
                    + stats.misses() + " stores=" + stats.stores() + " kernels=" + program.kernelNames());
        }
    }
}
