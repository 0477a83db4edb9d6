package io.jbpf;

import io.jbpf.common.BpfException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bpffs pins and directories one operation created, in order, so that they can be taken back
 * when what they were made for fails (a load, an attach). Pins and directories that existed
 * before are never recorded, so {@link #undo()} leaves them alone. Thread-safe.
 */
public final class PinLog {
    private final List<Path> pins = new ArrayList<>();
    private final List<Path> directories = new ArrayList<>();

    /** Pins {@code fd} at {@code path} and records the pin; {@code what} names the object in errors. */
    public synchronized Path pin(int fd, Path path, String what) {
        pins.add(Pins.pin(fd, path, what));
        return path;
    }

    /**
     * Creates {@code dir} and its missing parents, recording each directory made; fails, creating
     * nothing, when {@code dir} would not be on a bpf filesystem.
     */
    public synchronized void createDirectories(Path dir) {
        BpfFileSystem.require(dir, "pin directory");
        List<Path> missing = new ArrayList<>();
        for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.add(d);
        }
        Collections.reverse(missing);
        for (Path d : missing) {
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(d)) {
                    throw new BpfException("create pin directory " + d + ": something that is not a directory is there");
                }
                continue; // another load made it meanwhile: not ours to take back
            } catch (IOException e) {
                throw new BpfException("create pin directory " + d + ": " + e);
            }
            directories.add(d);
        }
    }

    synchronized void recordPin(Path pin) {
        pins.add(pin);
    }

    synchronized void recordDirectory(Path dir) {
        directories.add(dir);
    }

    /** Pins recorded, oldest first. */
    public synchronized List<Path> pins() {
        return List.copyOf(pins);
    }

    /** Directories created, outermost first. */
    public synchronized List<Path> directories() {
        return List.copyOf(directories);
    }

    /**
     * Removes the recorded pins, then the recorded directories that are empty (innermost first),
     * best effort: this runs after a failure, which is what the caller reports. Clears the log.
     */
    public synchronized void undo() {
        List<Path> reversed = new ArrayList<>(pins);
        Collections.reverse(reversed);
        Pins.unpin(reversed);
        for (int i = directories.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(directories.get(i));
            } catch (IOException ignored) {
                // not empty: something else was put there meanwhile, so it is no longer only ours
            }
        }
        pins.clear();
        directories.clear();
    }
}
