package dev.squall.models.gguf;

import dev.squall.models.gguf.GgufValue.ArrayValue;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a GGUF header from memory. Every count and length is checked against the bytes that
 * remain before anything is allocated, so a hostile or truncated file costs at most its own size
 * in memory and ends in a {@link GgufFormatException} naming the offset and the field.
 */
final class GgufParser {

    /** Deeper nesting of arrays than this is refused (and would otherwise risk the stack). */
    static final int MAX_ARRAY_DEPTH = 16;
    /** Largest accepted {@code general.alignment}: anything larger is a corrupt header, not a layout. */
    static final int MAX_ALIGNMENT = 1 << 20;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final long size;
    private long pos;

    private GgufParser(MemorySegment data) {
        this.data = data;
        this.size = data.byteSize();
    }

    static GgufHeader parse(MemorySegment data) throws GgufFormatException {
        GgufParser parser = new GgufParser(data);
        try {
            return parser.header();
        } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException e) {
            // Every field is checked before use, so this is a missed check; still report it as a bad file.
            throw GgufFormatException.unexpected(parser.pos, e);
        }
    }

    private GgufHeader header() throws GgufFormatException {
        int version = magicAndVersion();
        long tensorCount = readCount("tensor_count", 24); // name length, n_dims, type, offset at least
        long kvCount = readCount("metadata_kv_count", 13); // key length, value type, one byte of value at least

        Map<String, GgufValue> values = new LinkedHashMap<>();
        Map<String, Long> valueOffsets = new HashMap<>();
        for (int i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = readString("metadata[" + i + "].key");
            if (values.containsKey(key)) {
                throw new GgufFormatException(keyAt, "metadata[" + i + "].key", "duplicate key '" + key + "'");
            }
            GgufValueType type = readType("metadata['" + key + "'].type");
            valueOffsets.put(key, pos);
            values.put(key, readValue(type, "metadata['" + key + "']", 0));
        }
        GgufMetadata metadata = new GgufMetadata(values);
        int alignment = alignment(metadata, valueOffsets);

        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        long[] offsetFieldAt = new long[(int) tensorCount];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tensorCount; i++) {
            String field = "tensor_infos[" + i + "]";
            long nameAt = pos;
            String name = readString(field + ".name");
            if (!names.add(name)) {
                throw new GgufFormatException(nameAt, field + ".name", "duplicate tensor name '" + name + "'");
            }
            field = "tensor_infos[" + i + "] ('" + name + "')";
            tensors.add(tensorInfo(field, name, alignment));
            offsetFieldAt[i] = pos - 8;
        }
        long dataOffset = alignUp(pos, alignment);
        checkData(tensors, offsetFieldAt, dataOffset);
        return new GgufHeader(version, metadata, tensors, alignment, dataOffset);
    }

    private int magicAndVersion() throws GgufFormatException {
        need(4, "magic");
        int magic = data.get(U32, 0);
        if (magic == 0x47475546) { // "FUGG": the magic written big-endian
            throw new GgufFormatException(0, "magic", "this is a big-endian GGUF file; only little-endian files are supported");
        }
        if (magic != 0x46554747) {
            throw new GgufFormatException(0, "magic", String.format("not a GGUF file: starts with %s, expected \"GGUF\"",
                    describeBytes(0, 4)));
        }
        pos = 4;
        int version = readU32("version");
        if (version == 2 || version == 3) {
            return version;
        }
        if ((version & 0xffff) == 0 && Integer.reverseBytes(version) >= 1 && Integer.reverseBytes(version) <= 3) {
            throw new GgufFormatException(4, "version", "version reads as 0x" + Integer.toHexString(version)
                    + ": this is a big-endian GGUF file (version " + Integer.reverseBytes(version)
                    + "); only little-endian files are supported");
        }
        if (version == 1) {
            throw new GgufFormatException(4, "version", "GGUF version 1 (32-bit counts) is not supported; versions 2 and 3 are");
        }
        throw new GgufFormatException(4, "version", "unsupported GGUF version " + Integer.toUnsignedString(version)
                + "; versions 2 and 3 are supported");
    }

    private int alignment(GgufMetadata metadata, Map<String, Long> valueOffsets) throws GgufFormatException {
        GgufValue value = metadata.asMap().get(GgufHeader.ALIGNMENT_KEY);
        if (value == null) {
            return GgufHeader.DEFAULT_ALIGNMENT;
        }
        long at = valueOffsets.get(GgufHeader.ALIGNMENT_KEY);
        String field = "metadata['" + GgufHeader.ALIGNMENT_KEY + "']";
        if (!(value instanceof GgufValue.IntValue i) || i.type() != GgufValueType.UINT32) {
            throw new GgufFormatException(at, field, "must be a UINT32, found " + value.type());
        }
        long a = i.value();
        if (a == 0 || (a & (a - 1)) != 0 || a > MAX_ALIGNMENT) {
            throw new GgufFormatException(at, field, "alignment " + a + " is not a power of two up to " + MAX_ALIGNMENT);
        }
        return (int) a;
    }

    private GgufTensorInfo tensorInfo(String field, String name, int alignment) throws GgufFormatException {
        long nDimsAt = pos;
        int nDims = readU32(field + ".n_dims");
        if (Integer.compareUnsigned(nDims, GgufTensorInfo.MAX_DIMS) > 0) {
            throw new GgufFormatException(nDimsAt, field + ".n_dims", Integer.toUnsignedString(nDims)
                    + " dimensions; at most " + GgufTensorInfo.MAX_DIMS);
        }
        long dimsAt = pos;
        long[] dims = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = pos;
            dims[d] = readU64(field + ".dims[" + d + "]");
            if (dims[d] < 0) {
                throw new GgufFormatException(at, field + ".dims[" + d + "]", "size " + Long.toUnsignedString(dims[d])
                        + " is out of range");
            }
            elements = multiplyOrFail(elements, dims[d], dimsAt, field + ".dims", "element count overflows");
        }
        long typeAt = pos;
        int typeId = readU32(field + ".type");
        GgmlType type = GgmlType.byId(Integer.toUnsignedLong(typeId));
        if (type == null) {
            throw new GgufFormatException(typeAt, field + ".type", "unknown ggml tensor type " + Integer.toUnsignedString(typeId));
        }
        long rowLength = nDims > 0 ? dims[0] : 1;
        if (rowLength % type.blockElements() != 0) {
            throw new GgufFormatException(dimsAt, field + ".dims[0]", "type " + type + " stores blocks of "
                    + type.blockElements() + " elements; a row of " + rowLength + " is not a multiple");
        }
        multiplyOrFail(elements / type.blockElements(), type.blockBytes(), dimsAt, field + ".dims", "byte size overflows");
        long offsetAt = pos;
        long offset = readU64(field + ".offset");
        if (offset < 0 || offset % alignment != 0) {
            throw new GgufFormatException(offsetAt, field + ".offset", "data offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, type, dims, offset);
    }

    /** Every tensor lies inside the file, and no two overlap. */
    private void checkData(List<GgufTensorInfo> tensors, long[] offsetFieldAt, long dataOffset) throws GgufFormatException {
        long available = size - dataOffset;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            if (t.offset() > available || t.byteSize() > available - t.offset()) {
                throw new GgufFormatException(offsetFieldAt[i], "tensor_infos[" + i + "] ('" + t.name() + "').offset",
                        "data [" + t.offset() + ", +" + t.byteSize() + ") runs past the end of the file (data section of "
                                + Math.max(0, available) + " bytes from offset " + dataOffset + ")");
            }
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 1; k < order.size(); k++) {
            GgufTensorInfo previous = tensors.get(order.get(k - 1));
            GgufTensorInfo t = tensors.get(order.get(k));
            if (t.offset() < previous.offset() + previous.byteSize()) {
                int i = order.get(k);
                throw new GgufFormatException(offsetFieldAt[i], "tensor_infos[" + i + "] ('" + t.name() + "').offset",
                        "data at " + t.offset() + " overlaps tensor '" + previous.name() + "' at [" + previous.offset() + ", "
                                + (previous.offset() + previous.byteSize()) + ")");
            }
        }
    }

    private GgufValue readValue(GgufValueType type, String field, int depth) throws GgufFormatException {
        long at = pos;
        return switch (type) {
            case UINT8 -> GgufValue.uint8(readU8(field));
            case INT8 -> GgufValue.int8((byte) readU8(field));
            case UINT16 -> GgufValue.uint16(readU16(field) & 0xffff);
            case INT16 -> GgufValue.int16(readU16(field));
            case UINT32 -> GgufValue.uint32(Integer.toUnsignedLong(readU32(field)));
            case INT32 -> GgufValue.int32(readU32(field));
            case UINT64 -> GgufValue.uint64(readU64(field));
            case INT64 -> GgufValue.int64(readU64(field));
            case FLOAT32 -> {
                need(4, field);
                float f = data.get(F32, pos);
                pos += 4;
                yield GgufValue.float32(f);
            }
            case FLOAT64 -> {
                need(8, field);
                double d = data.get(F64, pos);
                pos += 8;
                yield GgufValue.float64(d);
            }
            case BOOL -> {
                int b = readU8(field);
                if (b > 1) {
                    throw new GgufFormatException(at, field, "bool must be 0 or 1, found " + b);
                }
                yield GgufValue.bool(b == 1);
            }
            case STRING -> GgufValue.string(readString(field));
            case ARRAY -> readArray(field, depth);
        };
    }

    private ArrayValue readArray(String field, int depth) throws GgufFormatException {
        long at = pos;
        if (depth >= MAX_ARRAY_DEPTH) {
            throw new GgufFormatException(at, field, "arrays nested deeper than " + MAX_ARRAY_DEPTH);
        }
        GgufValueType elementType = readType(field + ".element_type");
        long countAt = pos;
        long count = readU64(field + ".count");
        long fits = (size - pos) / elementType.minimumEncodedSize();
        if (count < 0 || count > fits || count > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException(countAt, field + ".count", "array of " + Long.toUnsignedString(count) + " "
                    + elementType + " elements cannot fit in the " + (size - pos) + " bytes that remain");
        }
        int n = (int) count;
        Object elements = switch (elementType) {
            case UINT8, INT8 -> copy(ValueLayout.JAVA_BYTE, new byte[n], n, 1);
            case UINT16, INT16 -> copy(U16, new short[n], n, 2);
            case UINT32, INT32 -> copy(U32, new int[n], n, 4);
            case UINT64, INT64 -> copy(U64, new long[n], n, 8);
            case FLOAT32 -> copy(F32, new float[n], n, 4);
            case FLOAT64 -> copy(F64, new double[n], n, 8);
            case BOOL -> {
                boolean[] out = new boolean[n];
                for (int i = 0; i < n; i++) {
                    int b = data.get(ValueLayout.JAVA_BYTE, pos) & 0xff; // present: the count check covered n bytes
                    if (b > 1) {
                        throw new GgufFormatException(pos, field + "[" + i + "]", "bool must be 0 or 1, found " + b);
                    }
                    out[i] = b == 1;
                    pos++;
                }
                yield out;
            }
            case STRING -> {
                String[] out = new String[n];
                for (int i = 0; i < n; i++) {
                    out[i] = readString(field, i); // the field name is built only on error: vocabularies are large
                }
                yield out;
            }
            case ARRAY -> {
                ArrayValue[] out = new ArrayValue[n];
                for (int i = 0; i < n; i++) {
                    out[i] = readArray(field + "[" + i + "]", depth + 1);
                }
                yield out;
            }
        };
        return new ArrayValue(elementType, elements);
    }

    /** Copies {@code n} fixed-size elements; the count check in readArray guarantees they are there. */
    private Object copy(ValueLayout layout, Object array, int n, int bytes) {
        MemorySegment.copy(data, layout, pos, array, 0, n);
        pos += (long) n * bytes;
        return array;
    }

    private GgufValueType readType(String field) throws GgufFormatException {
        long at = pos;
        int id = readU32(field);
        GgufValueType type = GgufValueType.byId(Integer.toUnsignedLong(id));
        if (type == null) {
            throw new GgufFormatException(at, field, "unknown metadata value type " + Integer.toUnsignedString(id));
        }
        return type;
    }

    private long readCount(String field, int minimumBytesEach) throws GgufFormatException {
        long at = pos;
        long count = readU64(field);
        long fits = (size - pos) / minimumBytesEach;
        if (count < 0 || count > fits || count > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException(at, field, Long.toUnsignedString(count) + " entries cannot fit in the "
                    + (size - pos) + " bytes that remain");
        }
        return count;
    }

    private String readString(String field) throws GgufFormatException {
        return readString(field, -1);
    }

    /** A string; {@code index ≥ 0} names it as element {@code index} of the array {@code field}. */
    private String readString(String field, int index) throws GgufFormatException {
        long at = pos;
        if (8 > size - pos) {
            throw new GgufFormatException(pos, name(field, index) + ".length", "truncated: needs 8 bytes, " + (size - pos)
                    + " remain");
        }
        long length = data.get(U64, pos);
        pos += 8;
        if (length < 0 || length > size - pos || length > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException(at, name(field, index) + ".length", "string of " + Long.toUnsignedString(length)
                    + " bytes cannot fit in the " + (size - pos) + " bytes that remain");
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += length;
        // Malformed UTF-8 becomes U+FFFD rather than failing: some vocabularies hold such bytes.
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String name(String field, int index) {
        return index < 0 ? field : field + "[" + index + "]";
    }

    private int readU8(String field) throws GgufFormatException {
        need(1, field);
        return data.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private short readU16(String field) throws GgufFormatException {
        need(2, field);
        short v = data.get(U16, pos);
        pos += 2;
        return v;
    }

    private int readU32(String field) throws GgufFormatException {
        need(4, field);
        int v = data.get(U32, pos);
        pos += 4;
        return v;
    }

    private long readU64(String field) throws GgufFormatException {
        need(8, field);
        long v = data.get(U64, pos);
        pos += 8;
        return v;
    }

    private void need(long bytes, String field) throws GgufFormatException {
        if (bytes > size - pos) {
            throw new GgufFormatException(pos, field, "truncated: needs " + bytes + " bytes, " + (size - pos) + " remain");
        }
    }

    private static long multiplyOrFail(long a, long b, long at, String field, String problem) throws GgufFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new GgufFormatException(at, field, problem);
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private String describeBytes(long from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", data.get(ValueLayout.JAVA_BYTE, from + i) & 0xff));
        }
        return "0x" + sb;
    }
}
