package dev.squall.models.demo;

import dev.squall.models.gguf.GgufFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The model that ships in the jar: a small Llama (6 layers, width 256, grouped-query attention,
 * a 2048-piece byte-level BPE vocabulary) trained on Tiny Shakespeare by
 * {@code scripts/train_tiny_llama.py}, in F16. It needs no download, so every machine can generate
 * text out of the box.
 */
public final class DemoModel {

    /** Where the GGUF file lies on the class path. */
    public static final String RESOURCE = "/dev/squall/models/demo/tiny-shakespeare.gguf";
    /** A prompt in the style of the training text. */
    public static final String PROMPT = "ROMEO:";

    private DemoModel() {
    }

    /** Reads the embedded GGUF file into native memory (64-byte aligned, as the tensors need) and parses it. */
    public static GgufFile open() {
        try (InputStream in = DemoModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo model " + RESOURCE + " is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            Arena arena = Arena.ofShared();
            MemorySegment contents = arena.allocate(bytes.length, 64);
            MemorySegment.copy(bytes, 0, contents, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return GgufFile.parse(contents, arena);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo model " + RESOURCE, e);
        }
    }
}
