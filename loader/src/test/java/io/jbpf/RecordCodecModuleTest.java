package io.jbpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jbpf.btf.Btf;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.spec.MapSpec;
import io.jbpf.testing.Objects;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of a named module, as an application on the module path has them (the consumer project
 * in src/it runs the real thing): jbpf reaches them only through a package the module opens, and
 * when it may not, its message gives the exact module-info line to add. The module is compiled
 * here and defined in its own layer; jbpf itself is the unnamed module in this test (the class
 * path), so the line is an unqualified {@code opens} (on the module path it reads
 * {@code opens P to io.jbpf.loader}).
 */
class RecordCodecModuleTest {
    private static final BpfObjectSpec SPEC = BpfObjectSpec.read(Objects.golden("xdp_icmp_echo.o"));
    private static final Btf BTF = SPEC.btf().orElseThrow();

    @TempDir
    static Path dir;
    private static Path compiled;

    /** Module app.stats: a package-private record shaped like struct datarec, in a closed package. */
    @BeforeAll
    static void compileModule() throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("app/stats"));
        Files.writeString(src.resolve("module-info.java"), "module app.stats { }\n");
        Files.writeString(src.resolve("app/stats/DataRec.java"),
                "package app.stats;\nrecord DataRec(long rxPackets, long rxBytes) {}\n");
        compiled = dir.resolve("classes");
        // javac through java.base's ToolProvider: these tests are compiled into io.jbpf.loader,
        // which does not read java.compiler
        StringWriter errors = new StringWriter();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(new PrintWriter(errors), new PrintWriter(errors),
                "-d", compiled.toString(), src.resolve("module-info.java").toString(),
                src.resolve("app/stats/DataRec.java").toString());
        assertThat(rc).as(errors.toString()).isZero();
    }

    /** The record class of a new layer holding module app.stats, and that layer's controller. */
    private static ModuleLayer.Controller layer() {
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(ModuleFinder.of(compiled), ModuleFinder.of(), Set.of("app.stats"));
        return ModuleLayer.defineModulesWithOneLoader(cf, List.of(boot), RecordCodecModuleTest.class.getClassLoader());
    }

    private static Class<?> dataRec(ModuleLayer.Controller c) throws ClassNotFoundException {
        return c.layer().findLoader("app.stats").loadClass("app.stats.DataRec");
    }

    private static <T> RecordCodec<T> codec(Class<T> type) {
        MapSpec m = SPEC.map("xdp_stats_map").orElseThrow();
        return RecordCodec.of(type, BTF, m.btfValueTypeId(), "value of map xdp_stats_map");
    }

    @Test
    void closedPackage_messageSaysWhichOpensToAdd() throws Exception {
        Class<?> type = dataRec(layer());
        assertThat(type.getModule().isNamed()).isTrue();
        assertThatThrownBy(() -> codec(type)).isInstanceOf(BpfException.class)
                .hasMessageStartingWith("value of map xdp_stats_map: jbpf cannot construct or read record app.stats.DataRec: "
                        + "add 'opens app.stats;' to the module-info.java of module app.stats (");
    }

    @Test
    void openedPackage_recordsAreReadAndWritten() throws Exception {
        ModuleLayer.Controller c = layer();
        Class<?> type = dataRec(c);
        // what `opens app.stats;` in its module-info.java would do
        c.addOpens(type.getModule(), "app.stats", RecordCodec.class.getModule());
        RecordCodec<?> codec = codec(type);
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 3).putLong(8, 294);
        Object rec = codec.read(b, 0);
        assertThat(rec.getClass()).isSameAs(type);
        assertThat(rec.toString()).isEqualTo("DataRec[rxPackets=3, rxBytes=294]");
        ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        write(codec, rec, out);
        assertThat(out.array()).isEqualTo(b.array());
    }

    @SuppressWarnings("unchecked")
    private static <T> void write(RecordCodec<T> codec, Object value, ByteBuffer dst) {
        codec.write((T) value, dst, 0);
    }

    /**
     * jbpf on the module path as well: io.jbpf.loader and io.jbpf.elf (this build's classes,
     * which carry their module-info), jffi and app.stats in one new layer, the map's record codec
     * made through jbpf's public API there. The line then names jbpf's module.
     */
    @Test
    void jbpfAsANamedModule_theLineNamesIt() throws Exception {
        ModuleFinder finder = ModuleFinder.of(location(RecordCodec.class), location(BpfObjectSpec.class),
                location(com.kenai.jffi.Library.class), compiled);
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of("io.jbpf.loader", "app.stats"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("io.jbpf.loader");
        assertThat(loader.loadClass("io.jbpf.RecordCodec").getModule().getName()).isEqualTo("io.jbpf.loader");

        Class<?> specType = loader.loadClass("io.jbpf.spec.BpfObjectSpec");
        Object spec = specType.getMethod("read", Path.class).invoke(null, Objects.golden("xdp_icmp_echo.o"));
        Object btf = ((java.util.Optional<?>) specType.getMethod("btf").invoke(spec)).orElseThrow();
        Object map = ((java.util.Optional<?>) specType.getMethod("map", String.class).invoke(spec, "xdp_stats_map")).orElseThrow();
        int valueType = (int) map.getClass().getMethod("btfValueTypeId").invoke(map);
        Class<?> btfType = loader.loadClass("io.jbpf.btf.Btf");
        var of = loader.loadClass("io.jbpf.RecordCodec").getMethod("of", Class.class, btfType, int.class, String.class);
        Class<?> rec = layer.findLoader("app.stats").loadClass("app.stats.DataRec");

        assertThatThrownBy(() -> of.invoke(null, rec, btf, valueType, "value of map xdp_stats_map"))
                .isInstanceOf(java.lang.reflect.InvocationTargetException.class)
                .cause().satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("io.jbpf.common.BpfException"))
                .hasMessageStartingWith("value of map xdp_stats_map: jbpf cannot construct or read record app.stats.DataRec: "
                        + "add 'opens app.stats to io.jbpf.loader;' to the module-info.java of module app.stats (");
    }

    /** The class-path entry (directory or jar) a class was loaded from. */
    private static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
