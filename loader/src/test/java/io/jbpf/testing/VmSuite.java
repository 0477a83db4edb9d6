package io.jbpf.testing;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.TagFilter.includeTags;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the kernel tests tagged {@value #TAG} without Maven: in the qemu guest of testenv/vm,
 * where a JVM is far too slow for a Maven build, from the classes and jars built on the host
 * (testenv/vm/tests.sh starts it). Prints one line per test as it ends and the failures with their
 * stack traces, and exits 1 when a test failed or none ran, 0 otherwise.
 *
 * <p>Arguments: none for every tagged test, or class names ({@code KprobeIT}, {@code
 * io.jbpf.link.TracingIT}) and methods ({@code TracingIT#freplace...}) to run those, tagged or not:
 * that is how a test is tried on the guest kernel before it is tagged.
 */
public final class VmSuite {
    /** The JUnit tag of the kernel tests that run on the guest kernel too. */
    public static final String TAG = "vm";

    private VmSuite() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        if (args.length == 0) {
            request.selectors(selectPackage("io.jbpf"))
                    .filters(includeClassNamePatterns(".*IT", ".*Test"), includeTags(TAG));
        }
        for (String arg : args) {
            String name = arg.contains(".") ? arg : qualified(arg.replaceFirst("#.*", "")) + arg.replaceFirst("^[^#]*", "");
            request.selectors(name.contains("#") ? DiscoverySelectors.selectMethod(name) : selectClass(name));
        }
        LauncherDiscoveryRequest discovery = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(discovery, summary, new Progress());
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        if (!s.getFailures().isEmpty()) {
            out.println();
            s.printFailuresTo(out, 40);
        }
        out.printf(Locale.ROOT, "%nvm suite on %s: %d tests, %d passed, %d failed, %d aborted, %d skipped in %.1f s%n",
                System.getProperty("os.version"), s.getTestsFoundCount(), s.getTestsSucceededCount(),
                s.getTestsFailedCount() + s.getContainersFailedCount(), s.getTestsAbortedCount(),
                s.getTestsSkippedCount(), (s.getTimeFinished() - s.getTimeStarted()) / 1000.0);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsAbortedCount() == 0 && s.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }

    /** A simple class name is looked up in the test packages. */
    private static String qualified(String simple) {
        for (String pkg : List.of("io.jbpf", "io.jbpf.link", "io.jbpf.cli", "io.jbpf.ringbuf")) {
            try {
                Class.forName(pkg + "." + simple, false, VmSuite.class.getClassLoader());
                return pkg + "." + simple;
            } catch (ClassNotFoundException e) {
                // next package
            }
        }
        throw new IllegalArgumentException("no test class " + simple + " in io.jbpf, io.jbpf.link, io.jbpf.cli or io.jbpf.ringbuf");
    }

    /** One line per finished test, so a slow guest shows where it is. */
    private static final class Progress implements TestExecutionListener {
        private final Map<String, Long> started = new ConcurrentHashMap<>();

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            System.out.printf("vm suite: %d tests%n", plan.countTestIdentifiers(TestIdentifier::isTest));
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                System.out.printf("  SKIPPED %s: %s%n", name(id), reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            long ns = System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime());
            String what = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "ok"
                    : result.getStatus().toString();
            String why = result.getThrowable().map(t -> ": " + t).orElse("");
            System.out.printf(Locale.ROOT, "  %-7s %s (%.1f s)%s%n", what, name(id), ns / 1e9, why);
        }

        private static String name(TestIdentifier id) {
            return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(m -> m.getClassName().replaceFirst(".*\\.", "") + "." + m.getMethodName())
                    .orElse(id.getDisplayName());
        }
    }
}
