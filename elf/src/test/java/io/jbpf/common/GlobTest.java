package io.jbpf.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void starsAndQuestionMarksMatchAsLibbpfsGlob() {
        assertThat(Glob.matches("jpr_*", "jpr_one")).isTrue();
        assertThat(Glob.matches("jpr_*", "jpr_")).isTrue();
        assertThat(Glob.matches("jpr_*", "xjpr_one")).isFalse();
        assertThat(Glob.matches("*_sys_getp?id", "__x64_sys_getppid")).isTrue();
        assertThat(Glob.matches("*_sys_getp?id", "__x64_sys_getpid")).isFalse();
        assertThat(Glob.matches("a*b*c", "aXXbYYbZc")).isTrue();
        assertThat(Glob.matches("a*b*c", "aXXbYYbZ")).isFalse();
        assertThat(Glob.matches("exact", "exact")).isTrue();
        assertThat(Glob.matches("exact", "exactly")).isFalse();
        assertThat(Glob.matches("**", "")).isTrue();
        assertThat(Glob.isPattern("foo*")).isTrue();
        assertThat(Glob.isPattern("foo")).isFalse();
    }
}
