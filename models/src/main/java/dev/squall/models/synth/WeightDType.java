package dev.squall.models.synth;

import dev.squall.models.gguf.GgmlType;
import java.util.Arrays;
import java.util.Locale;

/** Storage of a synthetic model's matrices; vectors (norms, biases) are always F32, as llama.cpp stores them. */
public enum WeightDType {
    F32(GgmlType.F32, 0),
    F16(GgmlType.F16, 1),
    Q8_0(GgmlType.Q8_0, 7);

    private final GgmlType matrixType;
    private final int fileType;

    WeightDType(GgmlType matrixType, int fileType) {
        this.matrixType = matrixType;
        this.fileType = fileType;
    }

    public GgmlType matrixType() {
        return matrixType;
    }

    /** llama.cpp's {@code general.file_type}: 0 all F32, 1 mostly F16, 7 mostly Q8_0. */
    public int fileType() {
        return fileType;
    }

    /** {@code f32}, {@code f16} or {@code q8_0}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WeightDType fromLabel(String label) {
        for (WeightDType d : values()) {
            if (d.label().equalsIgnoreCase(label)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no dtype '" + label + "'; dtypes: " + Arrays.stream(values()).map(WeightDType::label).toList());
    }
}
