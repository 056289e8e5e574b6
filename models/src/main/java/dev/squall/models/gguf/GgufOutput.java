package dev.squall.models.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/** Little-endian, buffered writes of GGUF fields to a channel, counting the bytes written. */
final class GgufOutput {

    private static final int BUFFER_BYTES = 1 << 20;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole buffer as a segment, made while its position is 0 (ofBuffer starts at the position). */
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private long written;

    GgufOutput(WritableByteChannel channel) {
        this.channel = channel;
    }

    /** Bytes written so far (including those still buffered). */
    long position() {
        return written + buffer.position();
    }

    private void room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    void u8(int v) throws IOException {
        room(1);
        buffer.put((byte) v);
    }

    void u16(int v) throws IOException {
        room(2);
        buffer.putShort((short) v);
    }

    void u32(int v) throws IOException {
        room(4);
        buffer.putInt(v);
    }

    void u64(long v) throws IOException {
        room(8);
        buffer.putLong(v);
    }

    void f32(float v) throws IOException {
        room(4);
        buffer.putFloat(v);
    }

    void f64(double v) throws IOException {
        room(8);
        buffer.putDouble(v);
    }

    void string(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        u64(bytes.length);
        bytes(ByteBuffer.wrap(bytes));
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void pad(long alignment) throws IOException {
        long padding = GgufParser.alignUp(position(), alignment) - position();
        for (long i = 0; i < padding; i++) {
            u8(0);
        }
    }

    void bytes(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(src.remaining(), buffer.remaining());
            ByteBuffer part = src.slice(src.position(), n);
            buffer.put(part);
            src.position(src.position() + n);
        }
    }

    void bytes(MemorySegment src) throws IOException {
        long done = 0;
        while (done < src.byteSize()) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = (int) Math.min(src.byteSize() - done, buffer.remaining());
            bufferSegment.asSlice(buffer.position(), n).copyFrom(src.asSlice(done, n));
            buffer.position(buffer.position() + n);
            done += n;
        }
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        buffer.clear();
    }
}
