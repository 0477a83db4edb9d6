package io.jbpf.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Fds;
import org.junit.jupiter.api.Test;

/** Epoll on eventfds (no root needed): the data given at add comes back with each ready fd. */
class EpollTest {
    private static final Native.Function EVENTFD = Native.function("eventfd", Native.Returns.INT, 2);
    private static final Native.Function WRITE = Native.function("write", Native.Returns.LONG, 3);
    private static final int EFD_CLOEXEC = 0x80000;

    private static void signal(int efd) {
        NativeMemory one = Native.allocate(8);
        one.putLong(0, 1);
        assertThat(WRITE.call(efd, one.address(), 8)).isEqualTo(8);
    }

    @Test
    void readyFdsComeBackWithTheirDataAndNothingWaitsWhenNoneIs() {
        int before = Fds.count();
        int a = (int) EVENTFD.call(0, EFD_CLOEXEC);
        int b = (int) EVENTFD.call(0, EFD_CLOEXEC);
        try (Epoll epoll = new Epoll(4)) {
            epoll.add(a, Epoll.EPOLLIN, 0x1122334455667788L);
            epoll.add(b, Epoll.EPOLLIN, 7);
            assertThat(epoll.await(0)).as("nothing ready").isZero();
            signal(b);
            assertThat(epoll.await(1000)).isEqualTo(1);
            assertThat(epoll.data(0)).isEqualTo(7);
            assertThat(epoll.events(0) & Epoll.EPOLLIN).isNotZero();
            signal(a);
            assertThat(epoll.await(1000)).isEqualTo(2);
            assertThat(new long[] {epoll.data(0), epoll.data(1)}).containsExactlyInAnyOrder(7L, 0x1122334455667788L);
            epoll.remove(b);
            assertThat(epoll.await(0)).isEqualTo(1);
            assertThat(epoll.data(0)).isEqualTo(0x1122334455667788L);
        } finally {
            LibC.close(a);
            LibC.close(b);
        }
        assertThat(Fds.count()).isEqualTo(before);
    }
}
