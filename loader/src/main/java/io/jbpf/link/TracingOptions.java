package io.jbpf.link;

/**
 * How a {@link TracingLink} is made.
 *
 * @param cookie what bpf_get_attach_cookie() returns in the program through this link (fentry,
 *               fexit, fmod_ret, lsm: Linux 5.19+), so one program attached twice knows which link
 *               ran it; 0 by default, which attaches the way every kernel with trampolines allows
 */
public record TracingOptions(long cookie) {
    /** No cookie. */
    public static final TracingOptions DEFAULTS = new TracingOptions(0);

    /** The same options with {@code cookie}. */
    public TracingOptions withCookie(long cookie) {
        return new TracingOptions(cookie);
    }
}
