package dev.squall.models.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open GGUF file (versions 2 and 3, little-endian). {@link #open(Path)} memory-maps the file
 * read-only, so every tensor is a slice of the mapping and its Squall array a view with no copy;
 * {@link #close()} unmaps it, after which those views fail cleanly with IllegalStateException.
 *
 * <pre>{@code
 * try (GgufFile gguf = GgufFile.open(path)) {
 *     int dim = gguf.metadata().getInt("llama.embedding_length");
 *     HalfFloatArray wq = gguf.tensor("blk.0.attn_q.weight").asHalfFloatArray();
 * }
 * }</pre>
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment contents;
    private final GgufHeader header;
    private final Map<String, GgufTensor> tensors;

    private GgufFile(Path path, Arena arena, MemorySegment contents, GgufHeader header) {
        this.path = path;
        this.arena = arena;
        this.contents = contents;
        this.header = header;
        Map<String, GgufTensor> byName = new LinkedHashMap<>();
        for (GgufTensorInfo info : header.tensors()) {
            MemorySegment slice = contents.asSlice(header.dataOffset() + info.offset(), info.byteSize());
            byName.put(info.name(), new GgufTensor(info, slice));
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    /**
     * Maps {@code path} read-only and parses its header.
     *
     * @throws GgufFormatException when the file is not a well-formed GGUF file
     * @throws IOException         when it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        checkLittleEndianPlatform();
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            GgufHeader header = parseHeader(mapped);
            return new GgufFile(path, arena, mapped, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            if (e instanceof GgufFormatException f) {
                throw f.inFile(path);
            }
            throw e;
        }
    }

    /**
     * Parses GGUF bytes already in memory (a heap segment, say). The file does not own
     * {@code contents}; {@link #close()} leaves it alone.
     */
    public static GgufFile parse(MemorySegment contents) throws GgufFormatException {
        checkLittleEndianPlatform();
        return new GgufFile(null, null, contents, parseHeader(contents));
    }

    /**
     * Parses GGUF bytes in memory that {@code owner} holds; {@link #close()} closes {@code owner}
     * (for files read from a resource into native memory).
     */
    public static GgufFile parse(MemorySegment contents, Arena owner) throws GgufFormatException {
        checkLittleEndianPlatform();
        try {
            return new GgufFile(null, owner, contents, parseHeader(contents));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /** Squall arrays use the platform's byte order; GGUF data is little-endian. */
    private static void checkLittleEndianPlatform() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("GGUF tensors are little-endian; this platform is big-endian");
        }
    }

    /** Parses only the header of {@code contents}. */
    public static GgufHeader parseHeader(MemorySegment contents) throws GgufFormatException {
        return GgufParser.parse(contents);
    }

    /** The file this was opened from, or empty for {@link #parse(MemorySegment)}. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    public GgufHeader header() {
        return header;
    }

    public int version() {
        return header.version();
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    public int alignment() {
        return header.alignment();
    }

    /** Byte offset of the data section in the file. */
    public long dataOffset() {
        return header.dataOffset();
    }

    /** {@code general.architecture}, e.g. {@code llama}. */
    public String architecture() {
        return metadata().getString("general.architecture");
    }

    /** Tensor entries in file order. */
    public List<GgufTensorInfo> tensorInfos() {
        return header.tensors();
    }

    /** Tensors in file order. */
    public List<GgufTensor> tensors() {
        return new ArrayList<>(tensors.values());
    }

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    public Optional<GgufTensor> findTensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor called {@code name}; IllegalArgumentException naming it when there is none. */
    public GgufTensor tensor(String name) {
        GgufTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + (path != null ? path : "this GGUF file")
                    + " (" + tensors.size() + " tensors)");
        }
        return tensor;
    }

    /** The whole file's bytes. */
    public MemorySegment contents() {
        return contents;
    }

    /** Unmaps the file; tensor segments and arrays made from them become unusable. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
