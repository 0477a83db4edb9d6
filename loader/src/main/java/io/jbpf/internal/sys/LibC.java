package io.jbpf.internal.sys;

import jnr.ffi.Pointer;

/**
 * The glibc functions jbpf calls. {@code syscall} is bound with a fixed arity: jnr-ffi sends
 * variadic declarations through its slow reflective path (about +120 ns and an allocation a call).
 */
public interface LibC {
    /** {@code syscall(SYS_bpf, cmd, attr, size)}. */
    long syscall(long number, int cmd, Pointer attr, int size);

    int close(int fd);

    /**
     * {@code syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags)}, bound to glibc's
     * {@code syscall} under another Java name (see {@link Native}); flags are passed as a long
     * because the kernel reads the whole register.
     */
    long perfEventOpen(long number, Pointer attr, int pid, int cpu, int groupFd, long flags);

    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer addr, int addrLen);

    int setsockopt(int fd, int level, int option, Pointer value, int len);

    long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrLen);

    long recv(int fd, Pointer buf, long len, int flags);

    int if_nametoindex(String name);

    /** Bound with a Pointer address: declared with a Java long first argument, jnr-ffi's call fails with EINVAL. */
    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    Pointer if_indextoname(int index, Pointer name);
}
