package io.jbpf.spec;

import java.util.List;

/**
 * Function or line info for one linked program, ready for BPF_PROG_LOAD: each record's first
 * field is an instruction index in the program (not a byte offset), the rest as in {@code .BTF.ext}.
 *
 * @param recordSize bytes per record
 * @param records    records in instruction order
 */
public record ExtInfo(int recordSize, List<int[]> records) {
    public static final ExtInfo NONE = new ExtInfo(0, List.of());

    public ExtInfo {
        records = List.copyOf(records);
    }

    public int count() {
        return records.size();
    }
}
