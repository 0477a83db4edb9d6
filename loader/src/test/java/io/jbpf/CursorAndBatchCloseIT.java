package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kenai.jffi.MemoryIO;
import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.Native;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Fds;
import io.jbpf.testing.Kernel;
import io.jbpf.uapi.LookupFlags;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MapCursor and MapBatch are AutoCloseable: close() gives their native buffers back at once
 * (seen in the process's own mappings and in jbpf's count of releasable native memory), every
 * call afterwards is refused with a message naming the map, and closing twice is harmless.
 */
class CursorAndBatchCloseIT {
    private static final int MIB = 1 << 20;

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** Whether some mapping of this process (per /proc/self/maps) of at least {@code minSize} bytes holds {@code address}. */
    private static boolean mapped(long address, long minSize) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            long lo = Long.parseUnsignedLong(range[0], 16);
            long hi = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0) {
                return hi - lo >= minSize;
            }
        }
        return false;
    }

    @Test
    void closingABatchUnmapsItsBuffersAtOnce() throws IOException {
        int fds = Fds.count();
        // 16,384 entries × 4 KiB values: a 64 MiB value buffer, which malloc serves with an mmap of its own.
        try (BpfMap m = BpfMap.create(MapSpec.of("close_batch", MapType.HASH, 4, 4096, 16, MapFlag.NO_PREALLOC))) {
            MapBatch b = m.batch(16_384);
            long values = MemoryIO.getInstance().getDirectBufferAddress(b.values());
            assertThat(mapped(values, 64L * MIB)).as("the value buffer is a mapping of its own").isTrue();
            long before = Native.releasableBytes();
            b.close();
            assertThat(mapped(values, 64L * MIB)).as("unmapped by close(), not by a later GC").isFalse();
            assertThat(before - Native.releasableBytes()).as("bytes freed by close()").isGreaterThanOrEqualTo(64L * MIB);
            assertThatCode(b::close).as("a second close").doesNotThrowAnyException();
            // The map is not the batch's: it stays open and usable.
            m.update(new byte[4], new byte[4096], UpdateFlags.ANY);
            assertThat(m.lookup(new byte[4])).hasSize(4096);
        }
        assertThat(Fds.count()).isEqualTo(fds);
    }

    @Test
    void closingACursorFreesItsBuffersAndAttr() {
        try (BpfMap m = BpfMap.create(MapSpec.of("close_cursor", MapType.HASH, 4, MIB, 1, MapFlag.NO_PREALLOC))) {
            MapCursor c = m.cursor();
            c.key().putInt(0, 1);
            c.value().putLong(0, 7);
            c.update(UpdateFlags.NOEXIST);
            long before = Native.releasableBytes();
            c.close();
            // key, next key, 1 MiB value, attr; the GC's cleaner can only add to what is freed meanwhile.
            assertThat(before - Native.releasableBytes()).isGreaterThanOrEqualTo(MIB + 8);
            assertThatCode(c::close).doesNotThrowAnyException();
            byte[] k = {1, 0, 0, 0};
            assertThat(m.lookup(k)).as("the map keeps what the cursor wrote").isNotNull();
        }
    }

    @Test
    void aClosedCursorRefusesEveryCall() {
        try (BpfMap m = BpfMap.create(MapSpec.of("closed_cur", MapType.HASH, 4, 8, 4))) {
            MapCursor c = m.cursor();
            c.close();
            List<ThrowingCallable> calls = List.of(c::key, c::value, c::lookup, () -> c.lookup(LookupFlags.LOCK),
                    () -> c.update(UpdateFlags.ANY), c::delete, c::lookupAndDelete, c::next, c::rewind, c::contains);
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(BpfException.class).hasMessage("cursor of map closed_cur is closed");
            }
            try (MapCursor fresh = m.cursor()) {
                fresh.key().putInt(0, 3);
                assertThat(fresh.lookup()).as("a new cursor of the same map works").isFalse();
            }
        }
    }

    @Test
    void aClosedBatchRefusesEveryCall() {
        try (BpfMap m = BpfMap.create(MapSpec.of("closed_bat", MapType.HASH, 4, 8, 4))) {
            MapBatch b = m.batch(4);
            b.close();
            List<ThrowingCallable> calls = List.of(b::keys, b::values, b::read, b::readAndDelete, b::rewind,
                    () -> b.update(1, UpdateFlags.ANY), () -> b.delete(1));
            for (ThrowingCallable call : calls) {
                assertThatThrownBy(call).isInstanceOf(BpfException.class).hasMessage("batch of map closed_bat is closed");
            }
            assertThat(b.capacity()).as("plain state stays readable").isEqualTo(4);
        }
    }

    /**
     * A batch on a map without batch operations reads through a cursor of its own; closing the
     * batch closes that cursor too: what it read with is freed, and a read afterwards is refused.
     */
    @Test
    void closingABatchClosesTheCursorItFellBackTo() {
        try (BpfMap m = BpfMap.create(MapSpec.of("close_fallbk", MapType.DEVMAP, 4, 4, 4))) {
            m.update(new byte[4], new byte[] {1, 0, 0, 0}, UpdateFlags.ANY); // slot 0 → lo
            MapBatch b = m.batch(4);
            assertThat(b.read()).as("read through the fallback cursor").isEqualTo(1);
            b.close();
            assertThatThrownBy(b::read).isInstanceOf(BpfException.class).hasMessage("batch of map close_fallbk is closed");
        }
    }
}
