package io.jbpf.xsk;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.LibC;
import io.jbpf.internal.sys.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The packet memory AF_XDP sockets share with the kernel: {@code frameCount} frames of
 * {@link FrameSize} bytes in one page-aligned anonymous mapping this process owns. Frames are
 * named by their offset in it (the "UMEM address" the rings carry); {@link #allocateFrame} and
 * {@link #freeFrame} keep the frames this process holds in a stack of offsets, so handing frames
 * around allocates nothing. The first {@link XskSocket} opened on it registers it with the kernel
 * (XDP_UMEM_REG); later ones share it (XDP_SHARED_UMEM). Close the sockets, then the UMEM. Not
 * thread-safe.
 */
public final class Umem implements AutoCloseable {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;

    private final int frameCount;
    private final FrameSize frameSize;
    private final int headroom;
    private final long address;
    private final long length;
    private final ByteBuffer buffer;
    /** Offsets of the frames this process holds and nobody uses: a stack, top at freeCount - 1. */
    private final long[] free;
    private int freeCount;
    /** The socket that registered this UMEM with the kernel (the one others share it through), or null. */
    XskSocket owner;
    /** Open sockets on this UMEM. */
    int sockets;
    private boolean closed;

    private Umem(int frameCount, FrameSize frameSize, int headroom, long address, long length) {
        this.frameCount = frameCount;
        this.frameSize = frameSize;
        this.headroom = headroom;
        this.address = address;
        this.length = length;
        this.buffer = Native.view(address, (int) length).order(ByteOrder.nativeOrder());
        this.free = new long[frameCount];
        for (int i = 0; i < frameCount; i++) {
            free[i] = (long) (frameCount - 1 - i) * frameSize.bytes(); // frame 0 on top
        }
        this.freeCount = frameCount;
    }

    /**
     * Maps {@code frameCount} frames of {@code frameSize}, zeroed, all free. {@code headroom}
     * bytes at the start of each frame are left to the application (the kernel puts received
     * packets after them).
     */
    public static Umem allocate(int frameCount, FrameSize frameSize, int headroom) {
        if (frameCount <= 0) {
            throw new IllegalArgumentException("UMEM frame count " + frameCount + " must be positive");
        }
        if (headroom < 0 || headroom > frameSize.bytes() / 2) {
            throw new IllegalArgumentException("UMEM headroom " + headroom + " must be between 0 and half a "
                    + frameSize.bytes() + "-byte frame");
        }
        long length = (long) frameCount * frameSize.bytes();
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("UMEM of " + frameCount + " frames of " + frameSize.bytes()
                    + " bytes is larger than 2 GiB, more than one buffer can view");
        }
        long page = Native.pageSize();
        long mapped = (length + page - 1) / page * page;
        long addr = LibC.mmap(mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (addr == -1) {
            throw new BpfException("mmap of a UMEM of " + frameCount + " frames of " + frameSize.bytes()
                    + " bytes (" + mapped + " bytes): fewer frames need less memory", Native.errno());
        }
        return new Umem(frameCount, frameSize, headroom, addr, mapped);
    }

    /** The number of frames. */
    public int frameCount() {
        return frameCount;
    }

    /** The size of each frame. */
    public FrameSize frameSize() {
        return frameSize;
    }

    /** Bytes left free at the start of each frame for the application. */
    public int headroom() {
        return headroom;
    }

    /** The address of the mapping in this process (what XDP_UMEM_REG registers). */
    public long address() {
        return address;
    }

    /** The length of the mapping in bytes. */
    public long length() {
        return length;
    }

    /**
     * The whole UMEM as a native-order buffer: a packet at UMEM address {@code a} of length
     * {@code n} is bytes {@code a .. a+n-1} (absolute gets and puts). Valid until {@link #close}.
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The first byte of the frame holding UMEM address {@code umemAddress}. */
    public long frameOf(long umemAddress) {
        return umemAddress & -(long) frameSize.bytes();
    }

    /** Takes a free frame and returns its UMEM address, or -1 when this process holds none. */
    public long allocateFrame() {
        return freeCount == 0 ? -1 : free[--freeCount];
    }

    /**
     * Gives the frame holding {@code umemAddress} back to the free stack.
     *
     * @throws IllegalArgumentException if the address is outside the UMEM
     * @throws IllegalStateException    if every frame is already free (a frame freed twice)
     */
    public void freeFrame(long umemAddress) {
        if (umemAddress < 0 || umemAddress >= (long) frameCount * frameSize.bytes()) {
            throw new IllegalArgumentException("UMEM address " + umemAddress + " is outside the UMEM's "
                    + frameCount + " frames");
        }
        if (freeCount == frameCount) {
            throw new IllegalStateException("every UMEM frame is already free: frame " + frameOf(umemAddress)
                    + " was freed twice");
        }
        free[freeCount++] = frameOf(umemAddress);
    }

    /** The number of frames on the free stack. */
    public int freeFrames() {
        return freeCount;
    }

    void checkOpen() {
        if (closed) {
            throw new BpfException("the UMEM at 0x" + Long.toHexString(address) + " is closed");
        }
    }

    /**
     * Unmaps the memory. The kernel keeps the pages of a registered UMEM until its last socket is
     * closed, so sockets must be closed first: closing a UMEM that sockets still use is refused.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (sockets > 0) {
            throw new BpfException("the UMEM at 0x" + Long.toHexString(address) + " still has " + sockets
                    + " open AF_XDP socket(s): close them first");
        }
        closed = true;
        LibC.munmap(address, length);
    }

    @Override
    public String toString() {
        return "Umem[" + frameCount + " x " + frameSize.bytes() + " B at 0x" + Long.toHexString(address) + ", "
                + freeCount + " free]";
    }
}
