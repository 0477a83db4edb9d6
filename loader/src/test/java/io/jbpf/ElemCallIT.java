package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.internal.sys.ElemCall;
import io.jbpf.testing.Kernel;
import io.jbpf.uapi.MapType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MapCursor's element calls go through java.lang.foreign on JDK 22+ with native access enabled
 * (the build runs this class on such a JDK too, see the jdk22 profile) and through jffi otherwise;
 * either way values, "absent" and errno come back unchanged.
 */
class ElemCallIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void mechanismFollowsTheJdk() {
        assertThat(ElemCall.mechanism()).isEqualTo(Runtime.version().feature() >= 22 && nativeAccess() ? "ffm" : "jffi");
    }

    @Test
    void valuesAbsenceAndErrno() {
        try (BpfMap array = BpfMap.create("ec_array", MapType.BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
             BpfMap hash = BpfMap.create("ec_hash", MapType.BPF_MAP_TYPE_HASH, 4, 8, 4, 0)) {
            MapCursor a = array.cursor();
            a.key().putInt(0, 2);
            a.value().putLong(0, 0x1122334455667788L);
            a.update(BpfMap.BPF_ANY);
            a.value().putLong(0, 0);
            assertThat(a.lookup()).isTrue();
            assertThat(a.value().getLong(0)).isEqualTo(0x1122334455667788L);
            a.key().putInt(0, 4);
            assertThatThrownBy(() -> a.update(BpfMap.BPF_ANY)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));

            MapCursor h = hash.cursor();
            h.key().putInt(0, 99);
            assertThat(h.lookup()).isFalse();
            assertThat(h.lookupAndDelete()).isFalse();
            for (int k = 0; k < 4; k++) {
                h.key().putInt(0, k);
                h.value().putLong(0, 100 + k);
                h.update(BpfMap.BPF_NOEXIST);
            }
            h.key().putInt(0, 1);
            assertThatThrownBy(() -> h.update(BpfMap.BPF_NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.EEXIST));
            h.key().putInt(0, 4);
            assertThatThrownBy(() -> h.update(BpfMap.BPF_NOEXIST)).isInstanceOf(BpfException.class)
                    .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(Errno.E2BIG));
            h.key().putInt(0, 3);
            assertThat(h.lookup()).isTrue();
            assertThat(h.value().getLong(0)).isEqualTo(103);
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
