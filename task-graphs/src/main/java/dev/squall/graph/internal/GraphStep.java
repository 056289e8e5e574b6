package dev.squall.graph.internal;

import dev.squall.graph.DataTransferMode;
import dev.squall.jit.KnownDivisor;
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

        /**
         * What the kernel is compiled with: the specialisation, plus for every other {@code int}
         * or {@code long} argument the power of two it is a multiple of (a task's arguments are
         * fixed for the graph's life, so the fact holds at every launch; it lets the compiler
         * prove wide accesses aligned without fixing the value).
         */
        public Map<Integer, Object> compileFacts() {
            return KnownDivisor.withFacts(kernel.method(), args, specialization);
        }
    }

    /** Arrays the host needs back from the device. */
    record CopyOut(DataTransferMode mode, List<Object> data) implements GraphStep {
        public CopyOut {
            data = List.copyOf(data);
        }
    }
}
