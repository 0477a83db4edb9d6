package io.jbpf.common;

/**
 * Shell-style name patterns as libbpf matches them in {@code uprobe.multi} and
 * {@code kprobe.multi} sections: {@code *} stands for any run of characters (also none),
 * {@code ?} for exactly one, every other character for itself. There are no character classes
 * and no escapes, as in libbpf's glob_match.
 */
public final class Glob {
    private Glob() {
    }

    /** Whether the whole of {@code name} matches {@code pattern}. */
    public static boolean matches(String pattern, String name) {
        // Iterative with one backtrack point: the last '*' seen and where in name it began to match.
        int p = 0;
        int n = 0;
        int star = -1;
        int starN = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starN = n;
            } else if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starN;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether {@code pattern} has a wildcard, or names one thing only. */
    public static boolean isPattern(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }
}
