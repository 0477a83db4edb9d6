package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.BpfFs;
import io.jbpf.testing.CliRun;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.TestEnv;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tail-call dispatcher whose prog array the object fills ({@code tailcall_static}) attaches from
 * the CLI: its tail-call targets load with it, and real packets on the device run them.
 */
class TailCallLoadIT {
    private TestEnv env;
    private BpfFs fs;

    @BeforeEach
    void setUp() {
        Kernel.require();
        env = TestEnv.setup();
        fs = new BpfFs();
    }

    @AfterEach
    void tearDown() {
        if (env != null) {
            env.close();
        }
        if (fs != null) {
            fs.close();
        }
    }

    private CliRun jbpf(String... args) {
        return CliRun.in(env.xdpNs(), args);
    }

    @Test
    void dispatcherNamedWithProgRunsItsTailCalls() {
        Path pins = fs.dir.resolve("tail");
        // --pin keeps the prog array's user reference after jbpf returns; without it the kernel empties it.
        CliRun r = jbpf("load", Objects.str("corpus/tailcall_static.o"), "--dev", env.name, "--prog", "xdp_dispatch",
                "--pin", pins.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Loaded xdp_dispatch");
        assertThat(env.ipLink()).contains("name xdp_dispatch");

        env.ping(3, false); // tail_two answers XDP_TX, which bounces the request: no reply is expected
        try (BpfMap hits = BpfMap.fromPin(pins.resolve("hits"))) {
            assertThat(u64(hits, 2)).as("tail_two ran for the device's packets").isPositive();
            assertThat(u64(hits, 3)).as("no packet fell through the dispatcher").isZero();
            assertThat(u64(hits, 0)).isZero();
        }
    }

    @Test
    void withoutProgTheDispatcherIsTheOneEntryPoint() {
        CliRun r = jbpf("load", Objects.str("corpus/tailcall_static.o"), "--dev", env.name, "--pin",
                fs.dir.resolve("t").toString());
        assertThat(r.exit()).as("tail_zero and tail_two are tail-call targets, not candidates: %s", r.err()).isZero();
        assertThat(r.out()).contains("Loaded xdp_dispatch");
        assertThat(env.ipLink()).contains("name xdp_dispatch");
    }

    private static long u64(BpfMap m, int key) {
        byte[] k = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(key).array();
        return ByteBuffer.wrap(m.lookup(k)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
