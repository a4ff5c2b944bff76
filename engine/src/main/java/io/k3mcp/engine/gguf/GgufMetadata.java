package io.k3mcp.engine.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Typed access to GGUF metadata. Integer getters accept every integer width (llama.cpp does too);
 * float getters accept f32 and f64. A key of the wrong type is an error naming the key and both types.
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, GgufValue> values;

    GgufMetadata(Path file, Map<String, GgufValue> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(values);
    }

    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public GgufValue get(String key) {
        return values.get(key);
    }

    private GgufException wrongType(String key, String expected, GgufValue v) {
        return new GgufException(file.getFileName() + ": metadata '" + key + "' should be " + expected + " but is " + v.type());
    }

    private GgufException missing(String key) {
        return new GgufException(file.getFileName() + ": required metadata '" + key + "' is missing");
    }

    public Optional<String> optString(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, "a string", v);
        }
        return Optional.of((String) v.value());
    }

    public String string(String key) {
        return optString(key).orElseThrow(() -> missing(key));
    }

    public OptionalLong optLong(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.type().isInteger()) {
            throw wrongType(key, "an integer", v);
        }
        return OptionalLong.of((Long) v.value());
    }

    public long getLong(String key) {
        return optLong(key).orElseThrow(() -> missing(key));
    }

    /** An integer that must fit an int and lie in [min, max]. */
    public int intIn(String key, int min, int max) {
        return checkRange(key, getLong(key), min, max);
    }

    /** Like {@link #intIn} with a default when the key is absent. */
    public int intIn(String key, int min, int max, int fallback) {
        OptionalLong v = optLong(key);
        return v.isPresent() ? checkRange(key, v.getAsLong(), min, max) : fallback;
    }

    private int checkRange(String key, long v, int min, int max) {
        if (v < min || v > max) {
            throw new GgufException(file.getFileName() + ": metadata '" + key + "' = " + v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    public Optional<Float> optFloat(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() == GgufValueType.FLOAT32) {
            return Optional.of((Float) v.value());
        }
        if (v.type() == GgufValueType.FLOAT64) {
            return Optional.of(((Double) v.value()).floatValue());
        }
        throw wrongType(key, "a float", v);
    }

    public float getFloat(String key, float fallback) {
        return optFloat(key).orElse(fallback);
    }

    public Optional<Boolean> optBool(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, "a bool", v);
        }
        return Optional.of((Boolean) v.value());
    }

    public boolean getBool(String key, boolean fallback) {
        return optBool(key).orElse(fallback);
    }

    private GgufArray array(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, "an array", v);
        }
        return (GgufArray) v.value();
    }

    /** A string array, or null when absent. */
    public String[] stringArray(String key) {
        GgufArray a = array(key);
        if (a == null) {
            return null;
        }
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufException(file.getFileName() + ": metadata '" + key + "' should be an array of strings but holds " + a.elementType());
        }
        return (String[]) a.values();
    }

    /** A float array (f32 or f64 elements), or null when absent. */
    public float[] floatArray(String key) {
        GgufArray a = array(key);
        if (a == null) {
            return null;
        }
        if (a.elementType() == GgufValueType.FLOAT32) {
            return (float[]) a.values();
        }
        if (a.elementType() == GgufValueType.FLOAT64) {
            double[] d = (double[]) a.values();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
        throw new GgufException(file.getFileName() + ": metadata '" + key + "' should be an array of floats but holds " + a.elementType());
    }

    /** A bool array (integer arrays read as non-zero = true, as llama.cpp accepts both), or null when absent. */
    public boolean[] boolArray(String key) {
        GgufArray a = array(key);
        if (a == null) {
            return null;
        }
        if (a.elementType() == GgufValueType.BOOL) {
            return ((boolean[]) a.values()).clone();
        }
        if (a.elementType().isInteger()) {
            long[] l = (long[]) a.values();
            boolean[] r = new boolean[l.length];
            for (int i = 0; i < l.length; i++) {
                r[i] = l[i] != 0;
            }
            return r;
        }
        throw new GgufException(file.getFileName() + ": metadata '" + key + "' should be an array of bools but holds " + a.elementType());
    }

    /** An integer array (any integer width, each fitting an int), or null when absent. */
    public int[] intArray(String key) {
        GgufArray a = array(key);
        if (a == null) {
            return null;
        }
        if (!a.elementType().isInteger()) {
            throw new GgufException(file.getFileName() + ": metadata '" + key + "' should be an array of integers but holds " + a.elementType());
        }
        long[] l = (long[]) a.values();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new GgufException(file.getFileName() + ": metadata '" + key + "'[" + i + "] = " + l[i] + " does not fit an int");
            }
            r[i] = (int) l[i];
        }
        return r;
    }
}
