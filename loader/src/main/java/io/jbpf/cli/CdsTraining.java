package io.jbpf.cli;

import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * The build's class-data-sharing training run: runs the CLI's common paths once in one JVM
 * started with {@code -XX:ArchiveClassesAtExit}, so the archive holds the classes a real run
 * loads (picocli, the ELF reader, jffi) and later starts skip parsing and verifying them.
 * Failures are ignored: a command that cannot run here (no root) still loads its classes.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        String obj = args.length > 0 ? args[0] : "";
        String[][] runs = {
            {"--help"}, {"load", "--help"}, {"inspect", obj}, {"inspect", "--json", obj}, {"status"},
            {"map", "dump", "--map", "jbpf_cds_training_no_such_map"}, {"load", obj, "--dev", "jbpf_cds_no_dev"},
            // the bpftool-shaped listings only read
            {"prog", "list", "--json"}, {"map", "list"}, {"link", "list"}, {"net"},
        };
        for (String[] run : runs) {
            try {
                Jbpf.run(sink, sink, run);
            } catch (RuntimeException | LinkageError e) {
                // a path that cannot run on the build machine; its classes are loaded all the same
            }
        }
    }
}
