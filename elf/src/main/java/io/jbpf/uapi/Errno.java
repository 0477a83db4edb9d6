package io.jbpf.uapi;

/** Names of the errno values bpf(2) and rtnetlink return, so messages read "EPERM (...)" not "1". */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int ENOMSG = 42;
    public static final int ENODATA = 61;
    public static final int ENOLINK = 67;
    public static final int EPROTO = 71;
    public static final int EOVERFLOW = 75;
    public static final int EBADFD = 77;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    /** The multi-program API's answer when a hook's revision is not the expected one. */
    public static final int ESTALE = 116;
    /** Kernel-internal, but bpf(2) leaks it to user space for unsupported features. */
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    /** {@code "EPERM (Operation not permitted)"}, or {@code "errno 123"} for values not listed here. */
    public static String describe(int errno) {
        String text = switch (errno) {
            case EPERM -> "EPERM (Operation not permitted)";
            case ENOENT -> "ENOENT (No such file or directory)";
            case ESRCH -> "ESRCH (No such process)";
            case EINTR -> "EINTR (Interrupted system call)";
            case EIO -> "EIO (Input/output error)";
            case ENXIO -> "ENXIO (No such device or address)";
            case E2BIG -> "E2BIG (Argument list too long)";
            case EBADF -> "EBADF (Bad file descriptor)";
            case EAGAIN -> "EAGAIN (Resource temporarily unavailable)";
            case ENOMEM -> "ENOMEM (Cannot allocate memory)";
            case EACCES -> "EACCES (Permission denied)";
            case EFAULT -> "EFAULT (Bad address)";
            case EBUSY -> "EBUSY (Device or resource busy)";
            case EEXIST -> "EEXIST (File exists)";
            case EXDEV -> "EXDEV (Invalid cross-device link)";
            case ENODEV -> "ENODEV (No such device)";
            case ENOTDIR -> "ENOTDIR (Not a directory)";
            case EINVAL -> "EINVAL (Invalid argument)";
            case ENFILE -> "ENFILE (Too many open files in system)";
            case EMFILE -> "EMFILE (Too many open files)";
            case ENOSPC -> "ENOSPC (No space left on device)";
            case ERANGE -> "ERANGE (Numerical result out of range)";
            case ENOSYS -> "ENOSYS (Function not implemented)";
            case ELOOP -> "ELOOP (Too many levels of symbolic links)";
            case ENOMSG -> "ENOMSG (No message of desired type)";
            case ENODATA -> "ENODATA (No data available)";
            case ENOLINK -> "ENOLINK (Link has been severed)";
            case EPROTO -> "EPROTO (Protocol error)";
            case EOVERFLOW -> "EOVERFLOW (Value too large for defined data type)";
            case EBADFD -> "EBADFD (File descriptor in bad state)";
            case ENOTSOCK -> "ENOTSOCK (Socket operation on non-socket)";
            case EOPNOTSUPP -> "EOPNOTSUPP (Operation not supported)";
            case EADDRINUSE -> "EADDRINUSE (Address already in use)";
            case ENETDOWN -> "ENETDOWN (Network is down)";
            case ENOBUFS -> "ENOBUFS (No buffer space available)";
            case ETIMEDOUT -> "ETIMEDOUT (Connection timed out)";
            case ESTALE -> "ESTALE (Stale file handle)";
            case ENOTSUPP -> "ENOTSUPP (Operation not supported by the kernel)";
            default -> null;
        };
        return text != null ? text : "errno " + errno;
    }
}
