package io.jbpf.xsk;

import io.jbpf.BpfMap;
import io.jbpf.BpfObject;
import io.jbpf.LoadOptions;
import io.jbpf.common.BpfException;
import io.jbpf.link.IfAttached;
import io.jbpf.link.XdpLink;
import io.jbpf.link.XdpMode;
import io.jbpf.spec.BpfObjectSpec;
import java.io.IOException;
import java.io.InputStream;

/**
 * jbpf's default XDP program for AF_XDP ({@code bpf-src/xsk/xsk_redirect.c}), attached to a
 * device: each packet goes to the socket that {@link #map()} (an XSKMAP keyed by queue, 64
 * queues) holds for its receive queue, or to the network stack when there is none. Give the map
 * to {@link XskOptions#withXskMap} so each socket puts itself in at open and takes itself out at
 * close. Programs of one's own work the same way with their own XSKMAP. Closing detaches the
 * program and frees its map.
 */
public final class XskRedirect implements AutoCloseable {
    private static final String RESOURCE = "xsk_redirect.o";

    private final BpfObject object;
    private final XdpLink link;

    private XskRedirect(BpfObject object, XdpLink link) {
        this.object = object;
        this.link = link;
    }

    /**
     * Loads the program and attaches it to {@code device} (in this thread's network namespace) in
     * {@code mode} (null: the kernel picks); fails if the device already has an XDP program.
     */
    public static XskRedirect attach(String device, XdpMode mode) {
        BpfObject object = BpfObject.load(spec(), LoadOptions.defaults());
        try {
            return new XskRedirect(object, XdpLink.attach(object.program("xsk_redirect"), device, mode,
                    IfAttached.FAIL));
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private static BpfObjectSpec spec() {
        try (InputStream in = XskRedirect.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BpfException("jbpf's AF_XDP program " + RESOURCE + " is not in this build: build with "
                        + "bpf-src (mvn -pl bpf-src,elf,loader package) so that bpf-src/build/xsk/ exists");
            }
            return BpfObjectSpec.parse(RESOURCE, in.readAllBytes());
        } catch (IOException e) {
            throw new BpfException("cannot read jbpf's AF_XDP program " + RESOURCE, e);
        }
    }

    /** The XSKMAP the program redirects through ({@code xsks_map}: key queue index, value socket fd). */
    public BpfMap map() {
        return object.map("xsks_map");
    }

    /** The attachment (device, mode, program id). */
    public XdpLink link() {
        return link;
    }

    /** Detaches the program and closes it and its map. */
    @Override
    public void close() {
        try {
            link.close();
        } finally {
            object.close();
        }
    }
}
