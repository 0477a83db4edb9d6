package io.jbpf;

import io.jbpf.spec.MapSpec;
import io.jbpf.uapi.Errno;
import io.jbpf.common.BpfException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.internal.sys.ElemCall;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.UpdateFlags;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MapCursor's element calls go through java.lang.foreign on JDK 22+ with native access enabled,
 * through JDK 17's incubating foreign linker when that module is added and native access enabled,
 * and through jffi otherwise; the build runs this class in each of those set-ups (see the failsafe
 * executions in loader/pom.xml, which name the expected mechanism in {@code jbpf.test.mechanism}).
 * Every way, values, "absent" and errno come back unchanged.
 */
class ElemCallIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void mechanismFollowsTheJvmSetUp() {
        String expected = System.getProperty("jbpf.test.mechanism");
        if (expected == null) { // run outside the build: what this JVM's set-up should give
            expected = Runtime.version().feature() >= 22 && nativeAccess() ? "ffm"
                    : Runtime.version().feature() == 17 && ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent()
                    && java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                            .anyMatch(a -> a.startsWith("--enable-native-access")) ? "ffm-incubator" : "jffi";
        }
        assertThat(ElemCall.mechanism()).isEqualTo(expected);
    }

    @Test
    void valuesAbsenceAndErrno() {
        try (BpfMap array = BpfMap.create(MapSpec.of("ec_array", MapType.ARRAY, 4, 8, 4));
             BpfMap hash = BpfMap.create(MapSpec.of("ec_hash", MapType.HASH, 4, 8, 4));
             MapCursor a = array.cursor()) {
            a.key().putInt(0, 2);
            a.value().putLong(0, 0x1122334455667788L);
            a.update(UpdateFlags.ANY);
            a.value().putLong(0, 0);
            assertThat(a.lookup()).isTrue();
            assertThat(a.value().getLong(0)).isEqualTo(0x1122334455667788L);
            a.key().putInt(0, 4);
            assertThatThrownBy(() -> a.update(UpdateFlags.ANY)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));

            MapCursor h = hash.cursor();
            h.key().putInt(0, 99);
            assertThat(h.lookup()).isFalse();
            assertThat(h.lookupAndDelete()).isFalse();
            for (int k = 0; k < 4; k++) {
                h.key().putInt(0, k);
                h.value().putLong(0, 100 + k);
                h.update(UpdateFlags.NOEXIST);
            }
            h.key().putInt(0, 1);
            assertThatThrownBy(() -> h.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            h.key().putInt(0, 4);
            assertThatThrownBy(() -> h.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));
            h.key().putInt(0, 3);
            assertThat(h.lookup()).isTrue();
            assertThat(h.value().getLong(0)).isEqualTo(103);
        }
    }

    /**
     * Successful calls go through the JVM's mechanism itself: were the downcall broken (failing
     * every time), the jffi second call after each failure would hide it from the other tests.
     * Only JDK 17's downcall makes failed calls again; an LRU map's updates never take that path,
     * since a failed update there may already have evicted entries.
     */
    @Test
    void successesNeedNoSecondCall_failuresOnlyOnJdk17Downcalls() {
        boolean retrying = ElemCall.mechanism().equals("ffm-incubator");
        try (BpfMap hash = BpfMap.create(MapSpec.of("ec_retry", MapType.HASH, 4, 8, 4));
             BpfMap lru = BpfMap.create(MapSpec.of("ec_lru", MapType.LRU_HASH, 4, 8, 64));
             MapCursor h = hash.cursor()) {
            h.key().putInt(0, 1);
            h.value().putLong(0, 5);
            h.update(UpdateFlags.NOEXIST);
            for (int i = 0; i < 1000; i++) {
                assertThat(h.lookup()).isTrue();
            }
            assertThat(h.retries()).as("successes").isZero();
            h.key().putInt(0, 2);
            assertThat(h.lookup()).isFalse();
            assertThat(h.retries()).as("a miss").isEqualTo(retrying ? 1 : 0);
            h.key().putInt(0, 1);
            assertThatThrownBy(() -> h.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class);
            assertThat(h.retries()).as("a refused update").isEqualTo(retrying ? 2 : 0);

            MapCursor l = lru.cursor();
            assertThat(l.via()).isEqualTo(ElemCall.mechanism());
            l.key().putInt(0, 1);
            l.update(UpdateFlags.NOEXIST);
            assertThatThrownBy(() -> l.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            assertThat(l.retries()).as("LRU updates are never repeated").isZero();
            l.key().putInt(0, 2);
            assertThat(l.lookup()).isFalse();
            assertThat(l.retries()).as("LRU lookups may be").isEqualTo(retrying ? 1 : 0);
        }
    }

    /**
     * Map-in-map updates wait for an RCU grace period in the kernel (milliseconds), which a
     * downcall would make the JVM's safepoints wait for too: those cursors use jffi whatever the
     * JVM, and still work. Data maps use the JVM's mechanism.
     */
    @Test
    void mapInMapCursorsUseJni() {
        try (BpfObject o = BpfObject.load(BpfObjectSpec.read(Objects.path("corpus/map_in_map_array.o")),
                LoadOptions.defaults());
             BpfMap data = BpfMap.create(MapSpec.of("ec_data", MapType.ARRAY, 4, 8, 1))) {
            assertThat(data.cursor().via()).isEqualTo(ElemCall.mechanism());
            MapCursor outer = o.map("outer_empty").cursor();
            assertThat(outer.via()).isEqualTo("jffi");
            outer.key().putInt(0, 1);
            assertThat(outer.lookup()).isFalse();
            outer.value().putInt(0, o.map("inner_a").fd());
            outer.update(UpdateFlags.ANY);
            outer.value().putInt(0, 0);
            assertThat(outer.lookup()).isTrue();
            assertThat(outer.value().getInt(0)).as("inner map id").isEqualTo(o.map("inner_a").id());
        }
    }

    /**
     * Failures after a long run of successes, when the calls are compiled: the fast paths learn
     * errno differently (captured by the JDK 22 downcall, a second call through jffi on JDK 17),
     * and a failure the compiled code has never seen takes it through deoptimisation.
     */
    @Test
    void failuresAfterManySuccesses() {
        try (BpfMap hash = BpfMap.create(MapSpec.of("ec_warm", MapType.HASH, 4, 8, 2));
             MapCursor h = hash.cursor()) {
            h.key().putInt(0, 1);
            h.value().putLong(0, 41);
            h.update(UpdateFlags.NOEXIST);
            long sum = 0;
            for (int i = 0; i < 200_000; i++) {
                assertThat(h.lookup()).isTrue();
                sum += h.value().getLong(0);
            }
            assertThat(sum).isEqualTo(41L * 200_000);
            h.key().putInt(0, 2);
            assertThat(h.lookup()).as("absent key").isFalse();
            h.key().putInt(0, 1);
            assertThatThrownBy(() -> h.update(UpdateFlags.NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            for (int k = 2; k <= 3; k++) {
                h.key().putInt(0, k);
                h.value().putLong(0, k);
                if (k == 2) {
                    h.update(UpdateFlags.ANY);
                } else {
                    assertThatThrownBy(() -> h.update(UpdateFlags.ANY)).isInstanceOf(BpfException.class)
                            .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));
                }
            }
            h.key().putInt(0, 1);
            assertThat(h.lookupAndDelete()).isTrue();
            assertThat(h.value().getLong(0)).isEqualTo(41);
            assertThat(h.lookupAndDelete()).as("deleted").isFalse();
        }
    }

    /** Module.isNativeAccessEnabled() exists from JDK 22; called reflectively so this compiles for 17. */
    private static boolean nativeAccess() {
        try {
            return (boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(ElemCallIT.class.getModule());
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
