package io.jbpf.spec;

/**
 * A global variable in a data section, as a skeleton would expose it.
 *
 * @param name    symbol name
 * @param section {@code .data}, {@code .rodata}, {@code .bss} or a custom {@code .data.*} section
 * @param map     the name of the internal map that holds the section
 * @param offset  byte offset within the section
 * @param size    size in bytes
 */
public record VariableSpec(String name, String section, String map, long offset, int size) {
}
