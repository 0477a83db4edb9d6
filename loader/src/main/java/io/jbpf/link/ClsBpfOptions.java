package io.jbpf.link;

/**
 * Where and how {@link ClsBpfFilter#attach} puts a cls_bpf filter, as {@code tc filter add ... pref
 * P handle H bpf da obj ... sec ...} says it.
 *
 * @param priority   the filter's priority ({@code pref}), 1 to 65535, lower runs first; 0 lets the
 *                   kernel pick (49152 for the first filter, then one less each time)
 * @param handle     the filter's handle within its priority; 0 lets the kernel pick (1, 2, ...)
 * @param name       what {@code tc filter show} and {@code bpftool net} print for it; null: the
 *                   program's name
 * @param ifAttached what to do when a filter already sits at this priority and handle: fail
 *                   (EEXIST), or replace it atomically, which needs both a priority and a handle
 */
public record ClsBpfOptions(int priority, int handle, String name, IfAttached ifAttached) {
    /** Kernel-picked priority and handle, the program's name, fail if taken. */
    public static final ClsBpfOptions DEFAULTS = new ClsBpfOptions(0, 0, null, IfAttached.FAIL);

    /** Checks the ranges the kernel accepts, so a mistake is reported before anything is sent. */
    public ClsBpfOptions {
        if (priority < 0 || priority > 0xFFFF) {
            throw new IllegalArgumentException("tc filter priority " + priority + " is outside 0..65535");
        }
        if (ifAttached == null) {
            throw new IllegalArgumentException("ifAttached is required (IfAttached.FAIL or REPLACE)");
        }
        if (ifAttached == IfAttached.REPLACE && (priority == 0 || handle == 0)) {
            throw new IllegalArgumentException("IfAttached.REPLACE needs a priority and a handle to say which filter "
                    + "to replace (got priority " + priority + ", handle " + handle + ")");
        }
    }

    /** These options at {@code priority}. */
    public ClsBpfOptions withPriority(int priority) {
        return new ClsBpfOptions(priority, handle, name, ifAttached);
    }

    /** These options with {@code handle}. */
    public ClsBpfOptions withHandle(int handle) {
        return new ClsBpfOptions(priority, handle, name, ifAttached);
    }

    /** These options with the name tc shows. */
    public ClsBpfOptions withName(String name) {
        return new ClsBpfOptions(priority, handle, name, ifAttached);
    }

    /** These options with {@code ifAttached}. */
    public ClsBpfOptions withIfAttached(IfAttached ifAttached) {
        return new ClsBpfOptions(priority, handle, name, ifAttached);
    }
}
