package io.jbpf.link;

import io.jbpf.common.BpfException;
import io.jbpf.elf.ExecutableFile;
import java.util.Objects;
import java.util.Optional;

/**
 * Where in an executable or library a uprobe goes: at a function ({@code getppid}), at a byte
 * inside a function ({@code jtr_work+0x4}, libbpf's {@code func+offset}), or at a raw file offset
 * (code that has no symbol). Every place must be the first byte of an instruction; the kernel
 * cannot check that.
 *
 * @param function the function's symbol; empty: {@code offset} is a file offset
 * @param offset   bytes past the function's first instruction, or the file offset when no function
 *                 is named
 */
public record UprobeTarget(Optional<String> function, long offset) {
    /** Checks that the offset is not negative and a named function has a name. */
    public UprobeTarget {
        Objects.requireNonNull(function, "function");
        if (function.isPresent() && function.get().isEmpty()) {
            throw new BpfException("a uprobe target names an empty function");
        }
        if (offset < 0) {
            throw new BpfException("uprobe target " + function.orElse("file") + " offset " + offset + " is negative");
        }
    }

    /** The first instruction of function {@code name}. */
    public static UprobeTarget function(String name) {
        return new UprobeTarget(Optional.of(name), 0);
    }

    /** Byte {@code offset} of function {@code name}: libbpf's {@code name+offset}. */
    public static UprobeTarget function(String name, long offset) {
        return new UprobeTarget(Optional.of(name), offset);
    }

    /** Byte {@code fileOffset} of the file, whatever function (if any) it is in. */
    public static UprobeTarget fileOffset(long fileOffset) {
        return new UprobeTarget(Optional.empty(), fileOffset);
    }

    /**
     * Parses libbpf's form: {@code name}, {@code name+offset} (offset decimal or {@code 0x} hex),
     * or a bare offset ({@code 0x1234}) for a file offset.
     */
    public static UprobeTarget parse(String spec) {
        try {
            if (Character.isDigit(spec.isEmpty() ? 'x' : spec.charAt(0))) {
                return fileOffset(Long.decode(spec));
            }
            int plus = spec.lastIndexOf('+');
            return plus < 0 ? function(spec) : function(spec.substring(0, plus), Long.decode(spec.substring(plus + 1)));
        } catch (NumberFormatException e) {
            throw new BpfException("uprobe target '" + spec + "' is not <function>, <function>+<offset> or <file offset>");
        }
    }

    /**
     * The file offset in {@code file} this target stands for. An offset inside a function must be
     * less than the function's size (when the symbol table gives one).
     */
    public long resolve(ExecutableFile file) {
        if (function.isEmpty()) {
            return offset;
        }
        ExecutableFile.Function f = file.function(function.get());
        if (offset > 0 && offset >= f.size()) {
            throw new BpfException(file.name() + ": offset 0x" + Long.toHexString(offset) + " (" + offset + ") is past the end"
                    + " of function '" + f.name() + "', which is " + f.size() + " bytes long"
                    + (f.size() == 0 ? " (its symbol gives no size; use UprobeTarget.fileOffset for a place in it)" : ""));
        }
        return f.offset() + offset;
    }

    @Override
    public String toString() {
        return function.map(f -> offset == 0 ? f : f + "+0x" + Long.toHexString(offset))
                .orElseGet(() -> "offset 0x" + Long.toHexString(offset));
    }
}
