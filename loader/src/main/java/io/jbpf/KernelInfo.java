package io.jbpf;

import io.jbpf.common.BpfException;
import io.jbpf.internal.sys.BpfAttr;
import io.jbpf.internal.sys.BpfSyscall;
import io.jbpf.internal.sys.Native;
import io.jbpf.internal.sys.NativeMemory;
import io.jbpf.uapi.LinkType;
import io.jbpf.uapi.MapFlag;
import io.jbpf.uapi.MapType;
import io.jbpf.uapi.ProgType;
import java.util.HexFormat;
import java.util.Set;

/** Reads {@code bpf_prog_info} / {@code bpf_map_info} through BPF_OBJ_GET_INFO_BY_FD. */
public final class KernelInfo {
    private KernelInfo() {
    }

    /**
     * What the kernel reports about a loaded program.
     *
     * @param id     the kernel's program id
     * @param type   the program type
     * @param name   the kernel's name for it (15 characters at most)
     * @param tag    the program tag: a hash of the instructions with map fds zeroed, as bpftool prints it
     * @param mapIds ids of the maps the program uses
     * @param details  sizes, load time, owner and run statistics, as {@code bpftool prog show} prints them
     */
    public record Program(int id, ProgType type, String name, String tag, int[] mapIds, ProgramDetails details) {
    }

    /**
     * The rest of {@code bpf_prog_info} that tools print.
     *
     * @param xlatedBytes   size of the instructions after the verifier's rewrites ({@code bytes_xlated})
     * @param jitedBytes    size of the JIT-compiled code, 0 when not JIT-compiled
     * @param loadTimeNs    when the program was loaded, in nanoseconds since boot (CLOCK_BOOTTIME)
     * @param uid           the user id that loaded it
     * @param gplCompatible whether its license lets it call GPL-only helpers
     * @param btfId         id of its BTF object, 0 without BTF
     * @param runTimeNs     total run time; 0 unless run statistics are on (sysctl kernel.bpf_stats_enabled)
     * @param runCount      number of runs; 0 unless run statistics are on
     * @param verifiedInsns instructions the verifier processed (Linux 5.16+, else 0)
     */
    public record ProgramDetails(int xlatedBytes, int jitedBytes, long loadTimeNs, int uid, boolean gplCompatible,
                                 int btfId, long runTimeNs, long runCount, int verifiedInsns) {
    }

    /**
     * What the kernel reports about a map.
     *
     * @param id             the kernel's map id
     * @param type           the map type
     * @param name           the kernel's name for it (15 characters at most)
     * @param keySize        key size in bytes
     * @param valueSize      value size in bytes
     * @param maxEntries     {@code max_entries}, a u32
     * @param flags          the {@code map_flags} the map was created with (the kernel drops
     *                       {@link MapFlag#RDONLY} and {@link MapFlag#WRONLY}, which are the creating fd's)
     * @param btfId          id of the BTF object describing key and value, 0 without BTF
     * @param btfKeyTypeId   BTF type id of the key in that object, 0 when none
     * @param btfValueTypeId BTF type id of the value in that object, 0 when none
     */
    public record Map(int id, MapType type, String name, int keySize, int valueSize, int maxEntries, Set<MapFlag> flags,
                      int btfId, int btfKeyTypeId, int btfValueTypeId) {
    }

    /**
     * The name the kernel keeps for a map or program called {@code name}: 15 characters of
     * [A-Za-z0-9_.], others replaced by '_' (libbpf truncates the same way).
     */
    public static String kernelName(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (b.length() == 15) {
                break;
            }
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return b.toString();
    }

    /**
     * Reads {@code bpf_prog_info} of the program behind {@code fd}; {@code what} names it in errors.
     *
     * @throws BpfException when the kernel refuses, or the program is of a type this jbpf does not know
     */
    public static Program program(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.ProgInfo.SIZE);
        get(fd, info, BpfAttr.ProgInfo.SIZE, what);
        int nMaps = info.getInt(BpfAttr.ProgInfo.NR_MAP_IDS);
        int[] ids = new int[nMaps];
        if (nMaps > 0) {
            // Second call with room for the map ids the first one counted.
            NativeMemory idBuf = Native.allocate(4 * nMaps);
            info.fill(0, BpfAttr.ProgInfo.SIZE, (byte) 0);
            info.putInt(BpfAttr.ProgInfo.NR_MAP_IDS, nMaps);
            info.putLong(BpfAttr.ProgInfo.MAP_IDS, idBuf.address());
            get(fd, info, BpfAttr.ProgInfo.SIZE, what);
            idBuf.buffer().asIntBuffer().get(0, ids, 0, Math.min(nMaps, info.getInt(BpfAttr.ProgInfo.NR_MAP_IDS)));
        }
        byte[] tag = new byte[BpfAttr.ProgInfo.TAG_SIZE];
        info.get(BpfAttr.ProgInfo.TAG, tag, 0, tag.length);
        int id = info.getInt(BpfAttr.ProgInfo.ID);
        ProgramDetails details = new ProgramDetails(info.getInt(BpfAttr.ProgInfo.XLATED_PROG_LEN),
                info.getInt(BpfAttr.ProgInfoDetail.JITED_PROG_LEN), info.getLong(BpfAttr.ProgInfo.LOAD_TIME),
                info.getInt(BpfAttr.ProgInfoDetail.CREATED_BY_UID),
                (info.getInt(BpfAttr.ProgInfoDetail.GPL_COMPATIBLE) & 1) != 0, info.getInt(BpfAttr.ProgInfoDetail.BTF_ID),
                info.getLong(BpfAttr.ProgInfoDetail.RUN_TIME_NS), info.getLong(BpfAttr.ProgInfoDetail.RUN_CNT),
                info.getInt(BpfAttr.ProgInfoDetail.VERIFIED_INSNS));
        return new Program(id, progType(what, id, info.getInt(BpfAttr.ProgInfo.TYPE)),
                name(info, BpfAttr.ProgInfo.NAME), HexFormat.of().formatHex(tag), ids, details);
    }

    /**
     * The instructions of the program behind {@code fd} as the kernel runs them, after the
     * verifier's rewrites ({@code bpftool prog dump xlated}): 8 bytes each, map references as
     * map ids. Empty when the kernel hides them (kernel.kptr_restrict, no CAP_SYS_ADMIN).
     */
    public static byte[] xlated(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.ProgInfo.SIZE);
        get(fd, info, BpfAttr.ProgInfo.SIZE, what);
        int len = info.getInt(BpfAttr.ProgInfo.XLATED_PROG_LEN);
        if (len == 0) {
            return new byte[0];
        }
        // Second call with a buffer for exactly the length the first one reported.
        NativeMemory insns = Native.allocate(len);
        info.fill(0, BpfAttr.ProgInfo.SIZE, (byte) 0);
        info.putInt(BpfAttr.ProgInfo.XLATED_PROG_LEN, len);
        info.putLong(BpfAttr.ProgInfoDetail.XLATED_PROG_INSNS, insns.address());
        get(fd, info, BpfAttr.ProgInfo.SIZE, what);
        byte[] out = new byte[Math.min(len, info.getInt(BpfAttr.ProgInfo.XLATED_PROG_LEN))];
        insns.get(0, out, 0, out.length);
        return out;
    }

    /**
     * Reads {@code bpf_map_info} of the map behind {@code fd}; {@code what} names it in errors.
     *
     * @throws BpfException when the kernel refuses, or the map has a type or flag this jbpf does not know
     */
    public static Map map(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.MapInfo.SIZE);
        get(fd, info, BpfAttr.MapInfo.SIZE, what);
        int id = info.getInt(BpfAttr.MapInfo.ID);
        return new Map(id, mapType(what, id, info.getInt(BpfAttr.MapInfo.TYPE)), name(info, BpfAttr.MapInfo.NAME),
                info.getInt(BpfAttr.MapInfo.KEY_SIZE), info.getInt(BpfAttr.MapInfo.VALUE_SIZE),
                info.getInt(BpfAttr.MapInfo.MAX_ENTRIES),
                MapFlag.fromBits(what + " (map id " + id + ")", info.getInt(BpfAttr.MapInfo.MAP_FLAGS)),
                info.getInt(BpfAttr.MapInfo.BTF_ID), info.getInt(BpfAttr.MapInfo.BTF_KEY_TYPE_ID),
                info.getInt(BpfAttr.MapInfo.BTF_VALUE_TYPE_ID));
    }

    /**
     * The type of map {@code id} from the kernel's number. A kernel newer than this jbpf can have
     * map types it does not know: it says so rather than hand out a map it cannot describe.
     */
    static MapType mapType(String what, int id, int value) {
        MapType t = MapType.of(value);
        if (t == null) {
            MapType last = MapType.values()[MapType.values().length - 1];
            throw newerThanJbpf(what + " (map id " + id + ") is of map type", value, last.kernelName(), last.value);
        }
        return t;
    }

    /** The type of program {@code id} from the kernel's number; one this jbpf does not know is refused, as for maps. */
    static ProgType progType(String what, int id, int value) {
        ProgType t = ProgType.of(value);
        if (t == null) {
            ProgType last = ProgType.values()[ProgType.values().length - 1];
            throw newerThanJbpf(what + " (program id " + id + ") is of program type", value, last.kernelName(), last.value);
        }
        return t;
    }

    /** The type of link {@code id} from the kernel's number; one this jbpf does not know is refused, as for maps. */
    static LinkType linkType(String what, int id, int value) {
        LinkType t = LinkType.of(value);
        if (t == null) {
            LinkType last = LinkType.values()[LinkType.values().length - 1];
            throw newerThanJbpf(what + " (link id " + id + ") is of link type", value, last.kernelName(), last.value);
        }
        return t;
    }

    private static BpfException newerThanJbpf(String subject, int value, String lastKnown, int lastValue) {
        return new BpfException(subject + " " + Integer.toUnsignedString(value) + ", which is newer than this jbpf (it knows up to "
                + lastKnown + " = " + lastValue + "): use a newer jbpf");
    }

    /** The raw BTF of the kernel BTF object with {@code id} (a map's or program's {@code btf_id}). */
    public static byte[] btfById(int id) {
        int fd = BpfSyscall.btfGetFdById(id);
        if (fd < 0) {
            throw new BpfException("BTF id " + id, -fd);
        }
        try {
            return btf(fd, "BTF id " + id);
        } finally {
            Native.closeQuietly(fd);
        }
    }

    private static byte[] btf(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.BtfInfo.SIZE);
        get(fd, info, BpfAttr.BtfInfo.SIZE, what);
        int size = info.getInt(BpfAttr.BtfInfo.BTF_SIZE);
        NativeMemory data = Native.allocate(Math.max(1, size));
        info.fill(0, BpfAttr.BtfInfo.SIZE, (byte) 0);
        info.putLong(BpfAttr.BtfInfo.BTF, data.address());
        info.putInt(BpfAttr.BtfInfo.BTF_SIZE, size);
        get(fd, info, BpfAttr.BtfInfo.SIZE, what);
        byte[] out = new byte[size];
        data.get(0, out, 0, size);
        return out;
    }

    private static void get(int fd, NativeMemory info, int len, String what) {
        int r = BpfSyscall.objGetInfoByFd(fd, info.address(), len);
        if (r < 0) {
            throw new BpfException(what + ": cannot read kernel info", -r);
        }
    }

    private static String name(NativeMemory p, int offset) {
        return p.getString(offset, BpfAttr.OBJ_NAME_LEN);
    }

    /**
     * What the kernel reports about a bpf_link (the attachment of a program to a hook).
     *
     * @param id         the link's id, as {@code bpftool link show} lists it; 0 for an attachment that
     *                   is no kernel link object (an XDP program attached over netlink)
     * @param type       the kind of link
     * @param progId     the id of the program the link runs
     * @param ifindex    the device of an XDP or TCX link (0 once detached), else 0
     * @param tracepoint the tracepoint name ({@code sys_enter_getpid}, without its category) of a
     *                   perf-event link on a tracepoint, else null; null also on kernels before 6.6,
     *                   which report nothing about perf-event links
     */
    public record Link(int id, LinkType type, int progId, int ifindex, String tracepoint) {
    }

    /** Reads the bpf_link_info of link {@code fd}; {@code what} names the link in errors. */
    public static Link link(int fd, String what) {
        NativeMemory info = Native.allocate(BpfAttr.LinkInfo.SIZE);
        get(fd, info, BpfAttr.LinkInfo.SIZE, what);
        int id = info.getInt(BpfAttr.LinkInfo.ID);
        LinkType type = linkType(what, id, info.getInt(BpfAttr.LinkInfo.TYPE));
        String tracepoint = null;
        if (type == LinkType.PERF_EVENT
                && info.getInt(BpfAttr.LinkInfo.PERF_EVENT_TYPE) == BpfAttr.LinkInfo.PERF_EVENT_TYPE_TRACEPOINT) {
            // The name needs a buffer in the union, which other link types read as other input
            // fields: a second call, once the type is known, as bpftool does.
            int len = info.getInt(BpfAttr.LinkInfo.PERF_EVENT_TP_NAME_LEN);
            NativeMemory name = Native.allocate(Math.max(1, len));
            info.fill(0, BpfAttr.LinkInfo.SIZE, (byte) 0);
            info.putLong(BpfAttr.LinkInfo.PERF_EVENT_TP_NAME, name.address());
            info.putInt(BpfAttr.LinkInfo.PERF_EVENT_TP_NAME_LEN, Math.max(1, len));
            get(fd, info, BpfAttr.LinkInfo.SIZE, what);
            tracepoint = name.getString(0, Math.max(1, len));
        }
        int ifindex = type == LinkType.XDP || type == LinkType.TCX ? info.getInt(BpfAttr.LinkInfo.XDP_IFINDEX) : 0;
        return new Link(id, type, info.getInt(BpfAttr.LinkInfo.PROG_ID), ifindex, tracepoint);
    }
}
