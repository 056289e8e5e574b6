package dev.squall.graph;

import dev.squall.api.SquallException;

/** Misuse of a task graph or an execution plan, with what was wrong and where. */
public class TaskGraphException extends SquallException {
    private static final long serialVersionUID = 1L;

    public TaskGraphException(String message) {
        super(message);
    }

    public TaskGraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
