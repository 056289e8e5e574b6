package dev.squall.models.gguf;

import dev.squall.models.gguf.GgufValue.ArrayValue;
import dev.squall.models.gguf.GgufValue.BoolValue;
import dev.squall.models.gguf.GgufValue.FloatValue;
import dev.squall.models.gguf.GgufValue.IntValue;
import dev.squall.models.gguf.GgufValue.StringValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key-value metadata of a GGUF file, in file order, with typed accessors. Integer accessors
 * accept any integer width whose value fits; float accessors accept float32 and float64. A missing
 * key or a wrong type raises {@link GgufMetadataException} naming the key and the actual type.
 */
public final class GgufMetadata {

    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** All entries in file order (unmodifiable). */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public int size() {
        return values.size();
    }

    private GgufValue require(String key) {
        GgufValue value = values.get(key);
        if (value == null) {
            throw new GgufMetadataException(key, "missing");
        }
        return value;
    }

    private static GgufMetadataException wrongType(String key, String wanted, GgufValue actual) {
        String actualType = actual instanceof ArrayValue a ? "array of " + a.elementType() : actual.type().toString();
        return new GgufMetadataException(key, "expected " + wanted + " but the file has " + actualType);
    }

    public String getString(String key) {
        GgufValue value = require(key);
        if (value instanceof StringValue s) {
            return s.value();
        }
        throw wrongType(key, "a string", value);
    }

    public String getString(String key, String defaultValue) {
        return has(key) ? getString(key) : defaultValue;
    }

    /** Any integer type; a uint64 above {@link Long#MAX_VALUE} is refused. */
    public long getLong(String key) {
        GgufValue value = require(key);
        if (value instanceof IntValue i) {
            if (i.type() == GgufValueType.UINT64 && i.value() < 0) {
                throw new GgufMetadataException(key, "uint64 " + Long.toUnsignedString(i.value()) + " does not fit in a long");
            }
            return i.value();
        }
        throw wrongType(key, "an integer", value);
    }

    public long getLong(String key, long defaultValue) {
        return has(key) ? getLong(key) : defaultValue;
    }

    /** Any integer type whose value fits in an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new GgufMetadataException(key, values.get(key).type() + " " + v + " does not fit in an int");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return has(key) ? getInt(key) : defaultValue;
    }

    public double getDouble(String key) {
        GgufValue value = require(key);
        if (value instanceof FloatValue f) {
            return f.value();
        }
        throw wrongType(key, "a float", value);
    }

    public double getDouble(String key, double defaultValue) {
        return has(key) ? getDouble(key) : defaultValue;
    }

    public float getFloat(String key) {
        return (float) getDouble(key);
    }

    public float getFloat(String key, float defaultValue) {
        return has(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBool(String key) {
        GgufValue value = require(key);
        if (value instanceof BoolValue b) {
            return b.value();
        }
        throw wrongType(key, "a bool", value);
    }

    public boolean getBool(String key, boolean defaultValue) {
        return has(key) ? getBool(key) : defaultValue;
    }

    /** The array under {@code key}, of any element type. */
    public ArrayValue getArray(String key) {
        GgufValue value = require(key);
        if (value instanceof ArrayValue a) {
            return a;
        }
        throw wrongType(key, "an array", value);
    }

    /** A copy of a string array. */
    public String[] getStringArray(String key) {
        ArrayValue a = getArray(key);
        if (a.elements() instanceof String[] strings) {
            return strings.clone();
        }
        throw wrongType(key, "an array of STRING", a);
    }

    /** A copy of a float32 array (float64 arrays are narrowed). */
    public float[] getFloatArray(String key) {
        ArrayValue a = getArray(key);
        if (a.elements() instanceof float[] floats) {
            return floats.clone();
        }
        if (a.elements() instanceof double[] doubles) {
            float[] out = new float[doubles.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) doubles[i];
            }
            return out;
        }
        throw wrongType(key, "an array of FLOAT32", a);
    }

    /** An integer array of any width whose every element fits in an int. */
    public int[] getIntArray(String key) {
        ArrayValue a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an array of integers", a);
        }
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            long v = a.getLong(i);
            boolean negativeUint64 = a.elementType() == GgufValueType.UINT64 && v < 0;
            if (negativeUint64 || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new GgufMetadataException(key, "element " + i + " (" + (negativeUint64 ? Long.toUnsignedString(v) : v)
                        + ") does not fit in an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** An integer array of any width, widened to long (uint64 elements keep their bits). */
    public long[] getLongArray(String key) {
        ArrayValue a = getArray(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, "an array of integers", a);
        }
        long[] out = new long[a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getLong(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return "GgufMetadata" + values;
    }
}
