package io.jbpf.common;

import io.jbpf.uapi.Errno;

/**
 * Every failure jbpf reports: bad object files, kernel rejections, missing devices.
 * The message names what was being worked on (object, section, map, device) and, when the
 * kernel said no, the errno by name.
 */
public class BpfException extends RuntimeException {
    private final int errno;

    public BpfException(String message) {
        this(message, 0, null);
    }

    public BpfException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** A failure the kernel reported with {@code errno}; the errno name is appended to the message. */
    public BpfException(String message, int errno) {
        this(message, errno, null);
    }

    protected BpfException(String message, int errno, Throwable cause) {
        super(errno == 0 ? message : message + ": " + Errno.describe(errno), cause);
        this.errno = errno;
    }

    /** The kernel's errno for this failure, or 0 when it did not come from a system call. */
    public int errno() {
        return errno;
    }
}
