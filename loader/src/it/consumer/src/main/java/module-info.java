/**
 * The README's library example as an application on the module path: it needs jbpf's loader
 * module only (which brings io.jbpf.elf with it), and not picocli.
 */
module io.jbpf.example {
    requires io.jbpf.loader;
    // jbpf builds the example's DataRec records by reflection (RecordCodec); without this it
    // refuses the record and says to add exactly this line.
    opens io.jbpf.example to io.jbpf.loader;
}
