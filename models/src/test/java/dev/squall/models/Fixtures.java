package dev.squall.models;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository's test data, resolved from the module directory Maven runs tests in. */
public final class Fixtures {

    private Fixtures() {
    }

    /** {@code data/llama-2-tiny-random.gguf}: llama arch, 1 block, dim 8, the real Llama 2 vocabulary. */
    public static Path tinyLlama() {
        Path path = Path.of("..", "data", "llama-2-tiny-random.gguf");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("test fixture missing: " + path.toAbsolutePath());
        }
        return path;
    }
}
