package dev.squall.jit.frontend;

import java.lang.reflect.RecordComponent;
import java.util.List;

/** A record class used as a value in a kernel: its components, which scalar replacement turns into variables. */
public record RecordInfo(Class<?> type, List<String> fieldNames, List<Class<?>> fieldTypes) {

    public static RecordInfo of(Class<?> recordClass) {
        RecordComponent[] components = recordClass.getRecordComponents();
        List<String> names = new java.util.ArrayList<>();
        List<Class<?>> types = new java.util.ArrayList<>();
        for (RecordComponent c : components) {
            names.add(c.getName());
            types.add(c.getType());
        }
        return new RecordInfo(recordClass, List.copyOf(names), List.copyOf(types));
    }

    public int fieldIndex(String name) {
        int i = fieldNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(type.getName() + " has no component " + name);
        }
        return i;
    }

    public String simpleName() {
        return type.getSimpleName();
    }
}
