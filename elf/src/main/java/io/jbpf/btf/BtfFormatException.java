package io.jbpf.btf;

import io.jbpf.common.BpfException;

/** BTF data that cannot be read: bad magic, a record running past the end, a dangling type id. */
public class BtfFormatException extends BpfException {
    public BtfFormatException(String message) {
        super(message);
    }
}
