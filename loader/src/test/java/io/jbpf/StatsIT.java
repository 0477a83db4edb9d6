package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.jbpf.testing.Kernel;
import io.jbpf.testing.Objects;
import io.jbpf.testing.Sh;
import io.jbpf.testing.TestEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code jbpf stats}: live per-action counters and rates while XDP answers pings. */
class StatsIT {
    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    @Test
    void reportsRatesWhileTrafficFlowsAndTotalsAfter() throws Exception {
        try (TestEnv env = TestEnv.setup("--no-echo")) {
            Sh.Result load = env.jbpf("load", Objects.str("xdp_icmp_echo.o"), "--dev", env.name);
            assertThat(load.exit()).as(load.all()).isZero();
            // 40 pings at 50 ms: about 2 s of traffic, during which stats takes three 400 ms reports.
            CompletableFuture<Integer> pings = CompletableFuture.supplyAsync(() -> {
                Sh.Result r = env.t("ping", "-c", "40", "--", "-i", "0.05");
                Matcher m = Pattern.compile("(\\d+) received").matcher(r.out());
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            });
            Sh.Result live = env.t("stats", "--", "--count", "3", "--interval", "400ms", "--json");
            int replies = pings.get();
            assertThat(replies).isEqualTo(40);
            assertThat(live.exit()).as(live.all()).isZero();

            List<Long> txPackets = new ArrayList<>();
            List<Double> txPps = new ArrayList<>();
            Matcher m = Pattern.compile("\"XDP_TX\":\\{\"packets\":(\\d+),\"bytes\":(\\d+),\"pps\":([0-9.]+),\"mbps\":([0-9.]+)\\}")
                    .matcher(live.out());
            while (m.find()) {
                txPackets.add(Long.parseLong(m.group(1)));
                txPps.add(Double.parseDouble(m.group(3)));
            }
            assertThat(txPackets).as("three reports in %s", live.out()).hasSize(3);
            assertThat(txPackets).isSorted();
            assertThat(txPps).as("pings were flowing during the reports").anyMatch(pps -> pps > 5);

            Sh.Result after = env.t("stats", "--", "--count", "1", "--interval", "100ms");
            assertThat(after.out()).containsPattern("XDP_TX\\s+40\\s");
        }
    }
}
