package dev.squall.graph;

import dev.squall.graph.internal.Arguments;
import dev.squall.graph.internal.GraphStep;
import dev.squall.graph.internal.KernelReference;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A sequence of data transfers and kernel launches, built once and run many times through an
 * {@link ExecutionPlan}.
 *
 * <pre>{@code
 * TaskGraph graph = new TaskGraph("s0")
 *         .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
 *         .task("add", Kernels::vectorAdd, a, b, c)
 *         .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
 * }</pre>
 *
 * Tasks are named {@code graph.task} in grids and profiles. Arrays used by a task but never
 * transferred to the device are allocated there uninitialised (outputs, intermediates).
 */
public final class TaskGraph {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final String name;
    private final List<GraphStep> steps = new ArrayList<>();
    private final Set<String> taskIds = new HashSet<>();

    public TaskGraph(String name) {
        this.name = checkName("task graph name", name);
    }

    public String getTaskGraphName() {
        return name;
    }

    /** Arrays to copy to the device before the tasks that follow. */
    public TaskGraph transferToDevice(DataTransferMode mode, Object... data) {
        java.util.Objects.requireNonNull(mode, "mode");
        Arguments.checkData(name, "transferToDevice", data);
        steps.add(new GraphStep.CopyIn(mode, List.of(data)));
        return this;
    }

    /** Arrays to copy back to the host after the tasks before. */
    public TaskGraph transferToHost(DataTransferMode mode, Object... data) {
        java.util.Objects.requireNonNull(mode, "mode");
        Arguments.checkData(name, "transferToHost", data);
        steps.add(new GraphStep.CopyOut(mode, List.of(data)));
        return this;
    }

    /** A task from a kernel found at run time (for tools); arguments are checked against its parameters. */
    public TaskGraph task(String id, Method kernel, Object... args) {
        return addStep(id, new KernelReference(kernel), args);
    }

    public <A> TaskGraph task(String id, Task1<A> kernel, A a) {
        return addTask(id, kernel, a);
    }

    public <A, B> TaskGraph task(String id, Task2<A, B> kernel, A a, B b) {
        return addTask(id, kernel, a, b);
    }

    public <A, B, C> TaskGraph task(String id, Task3<A, B, C> kernel, A a, B b, C c) {
        return addTask(id, kernel, a, b, c);
    }

    public <A, B, C, D> TaskGraph task(String id, Task4<A, B, C, D> kernel, A a, B b, C c, D d) {
        return addTask(id, kernel, a, b, c, d);
    }

    public <A, B, C, D, E> TaskGraph task(String id, Task5<A, B, C, D, E> kernel, A a, B b, C c, D d, E e) {
        return addTask(id, kernel, a, b, c, d, e);
    }

    public <A, B, C, D, E, F> TaskGraph task(String id, Task6<A, B, C, D, E, F> kernel, A a, B b, C c, D d, E e, F f) {
        return addTask(id, kernel, a, b, c, d, e, f);
    }

    public <A, B, C, D, E, F, G> TaskGraph task(String id, Task7<A, B, C, D, E, F, G> kernel, A a, B b, C c, D d, E e, F f, G g) {
        return addTask(id, kernel, a, b, c, d, e, f, g);
    }

    public <A, B, C, D, E, F, G, H> TaskGraph task(String id, Task8<A, B, C, D, E, F, G, H> kernel, A a, B b, C c, D d, E e, F f, G g, H h) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h);
    }

    public <A, B, C, D, E, F, G, H, I> TaskGraph task(String id, Task9<A, B, C, D, E, F, G, H, I> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i);
    }

    public <A, B, C, D, E, F, G, H, I, J> TaskGraph task(String id, Task10<A, B, C, D, E, F, G, H, I, J> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j);
    }

    public <A, B, C, D, E, F, G, H, I, J, K> TaskGraph task(String id, Task11<A, B, C, D, E, F, G, H, I, J, K> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j, k);
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L> TaskGraph task(String id, Task12<A, B, C, D, E, F, G, H, I, J, K, L> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j, k, l);
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M> TaskGraph task(String id, Task13<A, B, C, D, E, F, G, H, I, J, K, L, M> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j, k, l, m);
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M, N> TaskGraph task(String id, Task14<A, B, C, D, E, F, G, H, I, J, K, L, M, N> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j, k, l, m, n);
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M, N, O> TaskGraph task(String id, Task15<A, B, C, D, E, F, G, H, I, J, K, L, M, N, O> kernel, A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o) {
        return addTask(id, kernel, a, b, c, d, e, f, g, h, i, j, k, l, m, n, o);
    }

    private TaskGraph addTask(String id, Serializable kernel, Object... args) {
        String qualified = name + "." + id;
        return addStep(id, KernelReference.fromLambda(qualified, kernel), args);
    }

    private TaskGraph addStep(String id, KernelReference kernel, Object[] args) {
        checkName("task id", id);
        String qualified = name + "." + id;
        if (!taskIds.add(id)) {
            throw new TaskGraphException("task graph '" + name + "' already has a task '" + id + "'");
        }
        Arguments.checkTask(qualified, kernel, args);
        steps.add(new GraphStep.Launch(qualified, kernel, java.util.Arrays.asList(args)));
        return this;
    }

    /**
     * Compiles task {@code id} with the scalar parameters at {@code parameters} (Java indices, a
     * KernelContext counting as 0) bound to the values the task passes for them: they become
     * compile-time constants, so sizes fold, bounds are known, and a local array may be sized by a
     * parameter. This is how a kernel exposes tile sizes and variant choices as tunables. The values
     * are those given to {@link #task}; a plan built from this graph always runs them. The JVM
     * device runs the Java method itself, where the values are ordinary arguments.
     */
    public TaskGraph specialize(String id, int... parameters) {
        String qualified = name + "." + id;
        for (int s = 0; s < steps.size(); s++) {
            if (steps.get(s) instanceof GraphStep.Launch launch && launch.name().equals(qualified)) {
                Parameter[] declared = launch.kernel().method().getParameters();
                Map<Integer, Object> bound = new TreeMap<>(launch.specialization());
                for (int p : parameters) {
                    if (p < 0 || p >= declared.length) {
                        throw new TaskGraphException("task '" + qualified + "': cannot specialise parameter " + p
                                + "; " + launch.kernel().method().getName() + " has parameters 0.." + (declared.length - 1));
                    }
                    if (!declared[p].getType().isPrimitive()) {
                        throw new TaskGraphException("task '" + qualified + "': parameter " + p + " ("
                                + declared[p].getType().getSimpleName() + " " + declared[p].getName()
                                + ") is not a primitive scalar; only scalars can be compile-time constants");
                    }
                    bound.put(p, launch.args().get(p));
                }
                steps.set(s, new GraphStep.Launch(launch.name(), launch.kernel(), launch.args(), bound));
                return this;
            }
        }
        throw new TaskGraphException("task graph '" + name + "' has no task '" + id + "' to specialise");
    }

    /** A frozen copy to build plans from; later changes to this graph do not affect it. */
    public ImmutableTaskGraph snapshot() {
        if (taskIds.isEmpty()) {
            throw new TaskGraphException("task graph '" + name + "' has no tasks");
        }
        return new ImmutableTaskGraph(name, steps);
    }

    private static String checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new TaskGraphException(what + " '" + value + "' must be a letter or '_' followed by letters,"
                    + " digits, '_' or '-'");
        }
        return value;
    }
}
