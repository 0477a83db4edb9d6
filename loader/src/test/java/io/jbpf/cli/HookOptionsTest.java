package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.link.NetfilterLink;
import io.jbpf.uapi.PerfSoftwareEvent;
import org.junit.jupiter.api.Test;

/** The words of the hook options jbpf load --attach and jbpf attach share: parsed, or refused with the usage. */
class HookOptionsTest {
    @Test
    void perfEventsByThePerfToolsNameOrTheKernels() {
        assertThat(HookOptions.perfEvent("cpu-clock")).isEqualTo(PerfSoftwareEvent.CPU_CLOCK);
        assertThat(HookOptions.perfEvent("PERF_COUNT_SW_PAGE_FAULTS")).isEqualTo(PerfSoftwareEvent.PAGE_FAULTS);
        assertThat(HookOptions.perfEvent("Context-Switches")).isEqualTo(PerfSoftwareEvent.CONTEXT_SWITCHES);
        assertThatThrownBy(() -> HookOptions.perfEvent("cycles")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown --perf-event 'cycles'").hasMessageContaining("task-clock");
    }

    @Test
    void netfilterHooksWithTheDefaultPriorityOrAGivenOne() {
        assertThat(HookOptions.netfilter("ipv4:local_in")).isEqualTo(new NetfilterLink.Options(NetfilterLink.Protocol.IPV4,
                NetfilterLink.Hook.LOCAL_IN, HookOptions.DEFAULT_NF_PRIORITY));
        assertThat(HookOptions.netfilter("inet6:postrouting:-200")).isEqualTo(new NetfilterLink.Options(
                NetfilterLink.Protocol.IPV6, NetfilterLink.Hook.POST_ROUTING, -200));
        assertThat(HookOptions.netfilter("ipv4:pre_routing:5").hook()).isEqualTo(NetfilterLink.Hook.PRE_ROUTING);
        for (String bad : new String[] {"ipv4", "ipx:local_in", "ipv4:sideways", "ipv4:forward:high", "ipv4:forward:1:2"}) {
            assertThatThrownBy(() -> HookOptions.netfilter(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--nf-hook takes PF:HOOK[:PRIORITY]");
        }
    }

    @Test
    void routesAreAddressLiteralsNeverNamesToLookUp() {
        assertThat(HookOptions.route("10.1.2.0/24", "eth0").toString()).isEqualTo("10.1.2.0/24 dev eth0");
        assertThat(HookOptions.route("10.1.2.3", "eth0").prefixLength()).isEqualTo(32);
        assertThat(HookOptions.route("fc00:dead::/64", "eth0").prefixLength()).isEqualTo(64);
        for (String bad : new String[] {"example.com/24", "deadbeef", "10.1.2.0/x", "/24"}) {
            assertThatThrownBy(() -> HookOptions.route(bad, "eth0")).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--route takes an address prefix");
        }
    }
}
