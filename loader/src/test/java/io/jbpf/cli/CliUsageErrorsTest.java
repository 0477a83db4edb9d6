package io.jbpf.cli;

import io.jbpf.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Usage errors exit 2, before any system call (so these run without root): the CLI runs
 * in-process through {@link Jbpf#run}, which returns the exit code instead of exiting.
 */
class CliUsageErrorsTest {

    private static CliRun jbpf(String... args) {
        return CliRun.of(args);
    }

    /** xdp_loader's spellings (the xdp-tutorial's loader): one mode, one object, --unload needs a device. */
    @Test
    void xdpLoaderFlagsAreCheckedBeforeAnythingLoads() {
        CliRun twoModes = jbpf("load", "x.o", "-d", "veth0", "-S", "--mode", "native");
        assertThat(twoModes.exit()).as(twoModes.err()).isEqualTo(2);
        assertThat(twoModes.err()).contains("Give one XDP mode: --mode MODE, -S/--skb-mode, -N/--native-mode or -A/--auto-mode");
        CliRun skbAndAuto = jbpf("load", "x.o", "-d", "veth0", "-SA");
        assertThat(skbAndAuto.exit()).as(skbAndAuto.err()).isEqualTo(2);
        assertThat(skbAndAuto.err()).contains("Give one XDP mode");
        CliRun twoObjects = jbpf("load", "x.o", "--filename", "y.o", "-d", "veth0");
        assertThat(twoObjects.exit()).as(twoObjects.err()).isEqualTo(2);
        assertThat(twoObjects.err()).contains("Give the object file once: OBJ or --filename OBJ");
        CliRun noObject = jbpf("load", "-d", "veth0", "-F", "--progsec", "xdp_pass");
        assertThat(noObject.exit()).as(noObject.err()).isEqualTo(2);
        assertThat(noObject.err()).contains("Missing the object file: give OBJ or --filename OBJ");
        CliRun unloadWithoutDev = jbpf("load", "-U");
        assertThat(unloadWithoutDev.exit()).as(unloadWithoutDev.err()).isEqualTo(2);
        assertThat(unloadWithoutDev.err()).contains("--unload needs --dev DEV");
        CliRun pinMapsWithoutDev = jbpf("load", "x.o", "--pin-maps", "--pin", "/sys/fs/bpf/x");
        assertThat(pinMapsWithoutDev.exit()).as(pinMapsWithoutDev.err()).isEqualTo(2);
        assertThat(pinMapsWithoutDev.err()).contains("--pin-maps without a directory pins under /sys/fs/bpf/DEV");
        CliRun pinMapsAndPinPath = jbpf("load", "x.o", "-d", "veth0", "--pin-maps=/sys/fs/bpf/a", "--pin-path", "/sys/fs/bpf/b");
        assertThat(pinMapsAndPinPath.exit()).as(pinMapsAndPinPath.err()).isEqualTo(2);
        assertThat(pinMapsAndPinPath.err()).contains("--pin-maps and --pin-path exclude each other");
        CliRun statsNoDev = jbpf("stats", "--pin-dir");
        assertThat(statsNoDev.exit()).as(statsNoDev.err()).isEqualTo(2);
        assertThat(statsNoDev.err()).contains("--pin-dir without a directory reads /sys/fs/bpf/DEV");
        CliRun statsNothing = jbpf("stats");
        assertThat(statsNothing.exit()).as(statsNothing.err()).isEqualTo(2);
        assertThat(statsNothing.err()).contains("Missing required option: --dev DEV (or --pin-dir DIR for a pinned map)");
    }

    /** jbpf load --multi (libxdp's dispatcher): its options are checked before anything loads. */
    @Test
    void multiOptionsAreCheckedBeforeAnythingLoads() {
        CliRun prioAlone = jbpf("load", "x.o", "-d", "veth0", "--prio", "10");
        assertThat(prioAlone.exit()).as(prioAlone.err()).isEqualTo(2);
        assertThat(prioAlone.err()).contains("--prio and --actions go with --multi");
        CliRun withPin = jbpf("load", "x.o", "-d", "veth0", "--multi", "--pin", "/sys/fs/bpf/x");
        assertThat(withPin.exit()).as(withPin.err()).isEqualTo(2);
        assertThat(withPin.err()).contains("--multi needs --dev DEV and takes none of --attach, --pin, --xdp-via, --force");
        CliRun badAction = jbpf("load", "x.o", "-d", "veth0", "--multi", "--actions", "pass,bounce");
        assertThat(badAction.exit()).as(badAction.err()).isEqualTo(2);
        assertThat(badAction.err()).contains("--actions: 'bounce' is not an XDP action");
        CliRun negative = jbpf("load", "x.o", "-d", "veth0", "--multi", "--prio", "-1");
        assertThat(negative.exit()).as(negative.err()).isEqualTo(2);
        CliRun idAndAll = jbpf("unload", "--dev", "veth0", "--id", "7", "--all");
        assertThat(idAndAll.exit()).as(idAndAll.err()).isEqualTo(2);
        assertThat(idAndAll.err()).contains("give one of --id PROG_ID and --all");
    }

    @Test
    void mapDumpWithoutAMapIsAUsageError() {
        CliRun r = jbpf("map", "dump");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("no map selected").contains("--map NAME").contains("--id ID").contains("pinned");
    }

    @Test
    void mapDumpWithTwoSelectorsIsAUsageError() {
        CliRun r = jbpf("map", "dump", "--id", "3", "--map", "xdp_stats_map");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--id 3 and --map xdp_stats_map");
        CliRun pinAndId = jbpf("map", "dump", "/sys/fs/bpf/jbpf_no_such_pin", "--id", "3");
        assertThat(pinAndId.exit()).as(pinAndId.err()).isEqualTo(2);
        assertThat(pinAndId.err()).contains("the pinned path /sys/fs/bpf/jbpf_no_such_pin and --id 3");
        CliRun three = jbpf("map", "dump", "/sys/fs/bpf/jbpf_no_such_pin", "--id", "3", "--map", "m");
        assertThat(three.exit()).as(three.err()).isEqualTo(2);
        assertThat(three.err()).contains("the pinned path /sys/fs/bpf/jbpf_no_such_pin, --id 3 and --map m were all given");
    }

    @Test
    void mapDumpDevWithoutMapIsAUsageError() {
        CliRun r = jbpf("map", "dump", "--dev", "veth0");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--dev veth0").contains("give --map NAME");
        CliRun withId = jbpf("map", "dump", "--dev", "veth0", "--id", "4");
        assertThat(withId.exit()).as(withId.err()).isEqualTo(2);
        assertThat(withId.err()).as("advice that works").contains("--id 4 names a map by itself", "drop --dev")
                .doesNotContain("give --map NAME with it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "+1", "0x10", "2147483648", "1.0", "x"})
    void mapIdMustBeAPositiveDecimalInt(String id) {
        CliRun r = jbpf("map", "dump", "--id", id);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--id'").contains("'" + id + "' is not a map id")
                .contains("from 1 to 2147483647");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "+3", "1.5", "0x2", "99999999999", "three"})
    void statsCountMustBeANumberOfReports(String count) {
        CliRun r = jbpf("stats", "--dev", "veth0", "--count", count, "--interval", "10ms");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--count'").contains("from 0 to 2147483647");
        assertThat(r.out()).as("no header before the usage error").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1d", "0.5f", "1e-12", "2.5d", "-1s", "0", "5ms", "2h", "1 s", ""})
    void statsIntervalIsStrict(String interval) {
        CliRun r = jbpf("stats", "--dev", "veth0", "--interval", interval);
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--interval'").contains("'" + interval + "'")
                .contains("from 10ms to 1h");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void helpDocumentsTheForms() {
        CliRun r = jbpf("stats", "--help");
        assertThat(r.exit()).isZero();
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps long lines
        assertThat(help).contains("500ms").contains("plain seconds").contains("from 10ms to 1h").contains("0 or no --count")
                .contains("until interrupted").contains("exit code 1").contains("reset");
    }

    @Test
    void missingCommandListsThemAll() {
        CliRun r = jbpf();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing command (load, unload, status, inspect, map, stats, dump, features, prog, link, net, cgroup, "
                + "attach, detach, run, xdpsock)");
    }

    @Test
    void loadAndAttachHelpListTheHookOptions() {
        for (String cmd : new String[] {"load", "attach"}) {
            CliRun r = jbpf(cmd, "--help");
            assertThat(r.exit()).as(r.err()).isZero();
            String help = r.out().replaceAll("\\s+", " "); // picocli wraps long lines
            assertThat(help).as(cmd).contains("--perf-event=EVENT", "cpu-clock, task-clock", "--sample-period=N",
                    "--sample-freq=HZ", "--map=NAME", "--nf-hook=PF:HOOK[:PRIO]", "--route=PREFIX", "--netns=PATH", "--json");
        }
        String unload = jbpf("unload", "--help").out().replaceAll("\\s+", " ");
        assertThat(unload).contains("--route=PREFIX", "delete the route to PREFIX");
    }

    @Test
    void hookOptionWordsAreUsageErrors() {
        CliRun event = jbpf("load", "/nonexistent.o", "--attach", "--perf-event", "cycles", "--sample-freq", "99");
        assertThat(event.exit()).as(event.err()).isEqualTo(2);
        assertThat(event.err()).contains("unknown --perf-event 'cycles'");
        CliRun route = jbpf("unload", "--route", "example.com/24", "--dev", "lo");
        assertThat(route.exit()).as(route.err()).isEqualTo(2);
        assertThat(route.err()).contains("--route takes an address prefix");
    }
}
