package dev.squall.jit.ir;

/** What a work-item can ask about its place in the N-D range, per dimension. */
public enum WorkItemQuery {
    GLOBAL_ID("global_id"), LOCAL_ID("local_id"), GROUP_ID("group_id"),
    GLOBAL_SIZE("global_size"), LOCAL_SIZE("local_size"), NUM_GROUPS("num_groups");

    private final String text;

    WorkItemQuery(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
