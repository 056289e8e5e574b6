package dev.squall.graph.internal;

import dev.squall.graph.DataTransferMode;
import java.util.List;
import java.util.Map;

/** One step of a task graph, in program order. */
public sealed interface GraphStep {

    /** Arrays the device needs from the host. */
    record CopyIn(DataTransferMode mode, List<Object> data) implements GraphStep {
        public CopyIn {
            data = List.copyOf(data);
        }
    }

    /**
     * A kernel launch; {@code name} is {@code graph.task}. {@code specialization} maps Java parameter
     * indices to the constants the kernel is compiled with (see {@code TaskGraph.specialize}).
     */
    record Launch(String name, KernelReference kernel, List<Object> args, Map<Integer, Object> specialization)
            implements GraphStep {
        public Launch {
            args = List.copyOf(args);
            specialization = Map.copyOf(specialization);
        }

        public Launch(String name, KernelReference kernel, List<Object> args) {
            this(name, kernel, args, Map.of());
        }
    }

    /** Arrays the host needs back from the device. */
    record CopyOut(DataTransferMode mode, List<Object> data) implements GraphStep {
        public CopyOut {
            data = List.copyOf(data);
        }
    }
}
