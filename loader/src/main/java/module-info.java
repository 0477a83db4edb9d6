/**
 * The kernel side of jbpf: objects, maps and programs loaded through {@code bpf(2)}
 * ({@code io.jbpf}), the attachments of programs to hooks ({@code io.jbpf.link}) and the readers
 * of what programs send to user space ({@code io.jbpf.ringbuf}: ring buffers; {@code io.jbpf.perf}:
 * perf buffers; {@code io.jbpf.trace}: bpf_printk lines) and packet capture to pcapng
 * ({@code io.jbpf.pcap}: {@code jbpf dump}), and several XDP programs on one device through libxdp's
 * dispatcher ({@code io.jbpf.xdp}), and AF_XDP sockets ({@code io.jbpf.xsk}).
 * {@code io.jbpf.internal.*} (system calls, netlink) and the CLI ({@code io.jbpf.cli}) are not
 * exported.
 */
module io.jbpf.loader {
    requires transitive io.jbpf.elf;
    // jffi's native stub is a resource of the automatic module org.jnrproject.jffi.nativelibs,
    // which is resolved with jffi because automatic modules are resolved together.
    requires org.jnrproject.jffi;
    // JDK 17's incubating foreign linker, used only when the application adds that module
    // (internal.sys.IncubatorSyscall); absent from JDK 21 on.
    requires static jdk.incubator.foreign;
    // The CLI is in this jar for ./jbpf, but a library user does not get picocli: the
    // dependency is optional and the module reads it only when present.
    requires static info.picocli;

    exports io.jbpf;
    exports io.jbpf.link;
    exports io.jbpf.pcap;
    exports io.jbpf.perf;
    exports io.jbpf.ringbuf;
    exports io.jbpf.trace;
    exports io.jbpf.xdp;
    exports io.jbpf.xsk;

    opens io.jbpf.cli to info.picocli;
}
