package io.jbpf;

/** How {@link BpfMap#mmap} maps an array: for reading only, or for reading and writing. */
public enum MmapAccess {
    /**
     * PROT_READ: writes through the mapping throw {@link java.nio.ReadOnlyBufferException} instead
     * of killing the process; the only way into a frozen map ({@code .rodata}).
     */
    READ_ONLY,
    /** PROT_READ | PROT_WRITE: values are written straight into the kernel's memory. */
    READ_WRITE
}
