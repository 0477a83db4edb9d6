package io.jbpf.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a pcapng file (IETF draft-ietf-opsawg-pcapng): one section header block, an interface
 * description block per {@link #addInterface interface} (link type, snaplen, {@code if_name},
 * {@code if_tsresol} = nanoseconds) and an enhanced packet block per {@link #writePacket packet},
 * with an optional comment, as xdpdump writes them. Blocks are in this machine's byte order (the
 * section header's byte-order magic tells readers which). Not thread-safe; {@link #close} flushes
 * and closes the stream.
 */
public final class PcapNgWriter implements AutoCloseable {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_END = 0;
    static final int OPT_COMMENT = 1;
    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;
    static final int SHB_APPLICATION = 4;
    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;

    private final OutputStream out;
    private ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
    private int interfaces;

    /** Starts a section on {@code out}, naming {@code application} (shb_userappl) when not null. */
    public PcapNgWriter(OutputStream out, String application) throws IOException {
        this.out = out;
        begin(SHB, 64);
        block.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L);
        if (application != null) {
            putStringOption(SHB_APPLICATION, application);
            block.putInt(OPT_END);
        }
        end();
    }

    /**
     * Describes an interface (Ethernet frames, time stamps in nanoseconds) and returns its id,
     * which {@link #writePacket} takes: 0 for the first, then 1, 2 ...
     */
    public int addInterface(String name, int snaplen) throws IOException {
        begin(IDB, 64 + name.length() * 3);
        block.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(snaplen);
        putStringOption(IF_NAME, name);
        block.putShort((short) IF_TSRESOL).putShort((short) 1).put((byte) 9).put(new byte[3]);
        block.putInt(OPT_END);
        end();
        return interfaces++;
    }

    /**
     * One packet seen on interface {@code iface} at {@code epochNanos} (nanoseconds since 1970):
     * {@code capLen} bytes of {@code data} from {@code offset} (absolute gets; its position is left
     * alone), of a packet that was {@code origLen} bytes long; {@code comment} (may be null) is the
     * block's opt_comment, such as "exit XDP_TX".
     */
    public void writePacket(int iface, long epochNanos, ByteBuffer data, int offset, int capLen, int origLen,
                            String comment) throws IOException {
        if (iface < 0 || iface >= interfaces) {
            throw new IllegalArgumentException("interface " + iface + " was not added (" + interfaces + " are)");
        }
        if (capLen < 0 || capLen > origLen) {
            throw new IllegalArgumentException("captured length " + capLen + " is not within 0.." + origLen);
        }
        begin(EPB, 64 + pad4(capLen) + (comment == null ? 0 : comment.length() * 3));
        block.putInt(iface).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos).putInt(capLen).putInt(origLen);
        block.put(block.position(), data, offset, capLen);
        block.position(block.position() + pad4(capLen));
        if (comment != null) {
            putStringOption(OPT_COMMENT, comment);
            block.putInt(OPT_END);
        }
        end();
    }

    /** Writes buffered bytes to the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes the stream (which flushes it). */
    @Override
    public void close() throws IOException {
        out.close();
    }

    private void begin(int type, int maxSize) {
        if (block.capacity() < maxSize + 16) {
            block = ByteBuffer.allocate(Integer.highestOneBit(maxSize + 16) * 2).order(ByteOrder.nativeOrder());
        }
        // pad bytes must be zero: clear what an earlier, longer block left
        java.util.Arrays.fill(block.array(), 0, Math.min(block.capacity(), maxSize + 16), (byte) 0);
        block.clear();
        block.putInt(type).putInt(0);
    }

    private void end() throws IOException {
        int total = block.position() + 4;
        block.putInt(4, total).putInt(total);
        out.write(block.array(), 0, total);
    }

    private void putStringOption(int code, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        block.putShort((short) code).putShort((short) b.length).put(b);
        block.position(block.position() + pad4(b.length) - b.length);
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
