package io.jbpf.elf;

import io.jbpf.common.BpfException;

/** The bytes are not a BPF ELF object jbpf can read: wrong magic, wrong machine, truncated, inconsistent. */
public class ElfFormatException extends BpfException {
    public ElfFormatException(String object, String problem) {
        super(object + ": " + problem);
    }
}
