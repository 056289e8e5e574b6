package dev.squall.graph.internal;

import dev.squall.graph.DataTransferMode;
import java.util.List;

/** One step of a task graph, in program order. */
public sealed interface GraphStep {

    /** Arrays the device needs from the host. */
    record CopyIn(DataTransferMode mode, List<Object> data) implements GraphStep {
        public CopyIn {
            data = List.copyOf(data);
        }
    }

    /** A kernel launch; {@code name} is {@code graph.task}. */
    record Launch(String name, KernelReference kernel, List<Object> args) implements GraphStep {
        public Launch {
            args = List.copyOf(args);
        }
    }

    /** Arrays the host needs back from the device. */
    record CopyOut(DataTransferMode mode, List<Object> data) implements GraphStep {
        public CopyOut {
            data = List.copyOf(data);
        }
    }
}
