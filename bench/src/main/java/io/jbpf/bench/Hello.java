package io.jbpf.bench;

/** The JVM start-up floor for the whole-process comparison: what `java` costs doing nothing. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
