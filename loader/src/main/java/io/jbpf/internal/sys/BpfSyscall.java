package io.jbpf.internal.sys;

import io.jbpf.internal.sys.BpfAttr.BtfLoad;
import io.jbpf.internal.sys.BpfAttr.GetId;
import io.jbpf.internal.sys.BpfAttr.MapCreate;
import io.jbpf.internal.sys.BpfAttr.MapElem;
import io.jbpf.internal.sys.BpfAttr.Obj;
import io.jbpf.internal.sys.BpfAttr.ObjInfo;
import io.jbpf.internal.sys.BpfAttr.ProgLoad;
import io.jbpf.uapi.BpfCmd;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;

/**
 * The bpf(2) system call, one typed method per command. Each returns the kernel's result
 * (an fd or 0) or {@code -errno}; callers turn failures into exceptions with context, since only
 * they know which object, map or program was involved. The {@code bpf_attr} for a call lives in a
 * per-thread buffer that is reused, so calls allocate nothing.
 */
public final class BpfSyscall {
    static final long SYS_BPF = Arch.current().sysBpf;

    private static final ThreadLocal<NativeMemory> ATTR = ThreadLocal.withInitial(() -> Native.allocate(BpfAttr.SIZE));

    private BpfSyscall() {
    }

    /** A zeroed per-thread attr buffer; valid until the next call on this thread. */
    private static NativeMemory attr(int size) {
        NativeMemory a = ATTR.get();
        a.fill(0, size, (byte) 0);
        return a;
    }

    static int call(BpfCmd cmd, NativeMemory attr, int size) {
        long r = LibC.syscall(SYS_BPF, cmd.value, attr.address(), size);
        int result = r < 0 ? -Native.errno() : (int) r;
        Reference.reachabilityFence(attr); // the kernel read it through its address only
        return result;
    }

    /** Parameters of BPF_MAP_CREATE. */
    public record MapCreateAttr(int type, int keySize, int valueSize, int maxEntries, int flags, String name,
                                int innerMapFd, int numaNode, int btfFd, int btfKeyTypeId, int btfValueTypeId,
                                long mapExtra) {
    }

    public static int mapCreate(MapCreateAttr m) {
        NativeMemory a = attr(MapCreate.SIZE);
        a.putInt(MapCreate.MAP_TYPE, m.type());
        a.putInt(MapCreate.KEY_SIZE, m.keySize());
        a.putInt(MapCreate.VALUE_SIZE, m.valueSize());
        a.putInt(MapCreate.MAX_ENTRIES, m.maxEntries());
        a.putInt(MapCreate.MAP_FLAGS, m.flags());
        a.putInt(MapCreate.INNER_MAP_FD, m.innerMapFd());
        a.putInt(MapCreate.NUMA_NODE, m.numaNode());
        putName(a, MapCreate.MAP_NAME, m.name());
        a.putInt(MapCreate.BTF_FD, m.btfFd());
        a.putInt(MapCreate.BTF_KEY_TYPE_ID, m.btfKeyTypeId());
        a.putInt(MapCreate.BTF_VALUE_TYPE_ID, m.btfValueTypeId());
        a.putLong(MapCreate.MAP_EXTRA, m.mapExtra());
        return call(BpfCmd.MAP_CREATE, a, MapCreate.SIZE);
    }

    /** Lookup into {@code value}; 0, or -ENOENT when the key is absent. */
    public static int mapLookupElem(int fd, long key, long value, long flags) {
        return elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, value, flags);
    }

    public static int mapUpdateElem(int fd, long key, long value, long flags) {
        return elem(BpfCmd.MAP_UPDATE_ELEM, fd, key, value, flags);
    }

    public static int mapDeleteElem(int fd, long key) {
        return elem(BpfCmd.MAP_DELETE_ELEM, fd, key, 0, 0);
    }

    /** Next key after {@code key} (or the first when {@code key} is 0); -ENOENT at the end. */
    public static int mapGetNextKey(int fd, long key, long nextKey) {
        return elem(BpfCmd.MAP_GET_NEXT_KEY, fd, key, nextKey, 0);
    }

    public static int mapLookupAndDeleteElem(int fd, long key, long value, long flags) {
        return elem(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, flags);
    }

    public static int mapFreeze(int fd) {
        NativeMemory a = attr(4);
        a.putInt(MapElem.MAP_FD, fd);
        return call(BpfCmd.MAP_FREEZE, a, 4);
    }

    private static int elem(BpfCmd cmd, int fd, long key, long value, long flags) {
        return elem(ATTR.get(), cmd, fd, key, value, flags);
    }

    /**
     * A map element command with a caller-owned attr buffer (at least {@link MapElem#SIZE} bytes),
     * for hot paths that keep their own: every field of the command is written, so it need not be zeroed.
     */
    public static int elem(NativeMemory attr, BpfCmd cmd, int fd, long key, long value, long flags) {
        attr.putInt(MapElem.MAP_FD, fd);
        attr.putInt(MapElem.MAP_FD + 4, 0);
        attr.putLong(MapElem.KEY, key);
        attr.putLong(MapElem.VALUE, value);
        attr.putLong(MapElem.FLAGS, flags);
        return call(cmd, attr, MapElem.SIZE);
    }

    /**
     * A batch command ({@code BPF_MAP_*_BATCH}) with a caller-owned attr buffer of at least
     * {@link BpfAttr.Batch#SIZE} bytes. Returns 0 or -errno; the number of elements processed is
     * left in the attr's {@code count} (read it with {@link #batchCount}), also on -ENOENT, which
     * means the map has no more elements.
     */
    public static int batch(NativeMemory attr, BpfCmd cmd, int fd, long inBatch, long outBatch, long keys, long values,
                            int count, long elemFlags) {
        attr.putLong(BpfAttr.Batch.IN_BATCH, inBatch);
        attr.putLong(BpfAttr.Batch.OUT_BATCH, outBatch);
        attr.putLong(BpfAttr.Batch.KEYS, keys);
        attr.putLong(BpfAttr.Batch.VALUES, values);
        attr.putInt(BpfAttr.Batch.COUNT, count);
        attr.putInt(BpfAttr.Batch.MAP_FD, fd);
        attr.putLong(BpfAttr.Batch.ELEM_FLAGS, elemFlags);
        attr.putLong(BpfAttr.Batch.FLAGS, 0);
        return call(cmd, attr, BpfAttr.Batch.SIZE);
    }

    /** The {@code count} the kernel left in a batch attr. */
    public static int batchCount(NativeMemory attr) {
        return attr.getInt(BpfAttr.Batch.COUNT);
    }

    /**
     * Parameters of BPF_PROG_LOAD; addresses point at native memory the caller keeps alive.
     * {@code attachBtfId} (0: none) is the BTF id of what a tracing, LSM or extension program
     * attaches to, in vmlinux, in the module BTF {@code attachBtfObjFd} or in the BTF of the
     * program {@code attachProgFd} (the last two share a field: at most one is not 0).
     */
    public record ProgLoadAttr(int type, long insns, int insnCount, long license, int kernVersion, int flags,
                               String name, int expectedAttachType, int btfFd, int ifindex,
                               int funcInfoRecSize, long funcInfo, int funcInfoCount,
                               int lineInfoRecSize, long lineInfo, int lineInfoCount,
                               int attachBtfId, int attachBtfObjFd, int attachProgFd) {
    }

    /** The result of BPF_PROG_LOAD: an fd, or -errno and the size the log needed (Linux 6.4+). */
    public record ProgLoadResult(int fd, int logTrueSize) {
    }

    public static ProgLoadResult progLoad(ProgLoadAttr p, int logLevel, long logBuf, int logSize) {
        NativeMemory a = attr(ProgLoad.SIZE);
        a.putInt(ProgLoad.PROG_TYPE, p.type());
        a.putInt(ProgLoad.INSN_CNT, p.insnCount());
        a.putLong(ProgLoad.INSNS, p.insns());
        a.putLong(ProgLoad.LICENSE, p.license());
        a.putInt(ProgLoad.LOG_LEVEL, logLevel);
        a.putInt(ProgLoad.LOG_SIZE, logSize);
        a.putLong(ProgLoad.LOG_BUF, logBuf);
        a.putInt(ProgLoad.KERN_VERSION, p.kernVersion());
        a.putInt(ProgLoad.PROG_FLAGS, p.flags());
        putName(a, ProgLoad.PROG_NAME, p.name());
        a.putInt(ProgLoad.PROG_IFINDEX, p.ifindex());
        a.putInt(ProgLoad.EXPECTED_ATTACH_TYPE, p.expectedAttachType());
        a.putInt(ProgLoad.PROG_BTF_FD, p.btfFd());
        if (p.funcInfoCount() > 0) {
            a.putInt(ProgLoad.FUNC_INFO_REC_SIZE, p.funcInfoRecSize());
            a.putLong(ProgLoad.FUNC_INFO, p.funcInfo());
            a.putInt(ProgLoad.FUNC_INFO_CNT, p.funcInfoCount());
        }
        if (p.lineInfoCount() > 0) {
            a.putInt(ProgLoad.LINE_INFO_REC_SIZE, p.lineInfoRecSize());
            a.putLong(ProgLoad.LINE_INFO, p.lineInfo());
            a.putInt(ProgLoad.LINE_INFO_CNT, p.lineInfoCount());
        }
        a.putInt(ProgLoad.ATTACH_BTF_ID, p.attachBtfId());
        a.putInt(ProgLoad.ATTACH_PROG_FD, p.attachProgFd() != 0 ? p.attachProgFd() : p.attachBtfObjFd());
        int r = call(BpfCmd.PROG_LOAD, a, ProgLoad.SIZE);
        return new ProgLoadResult(r, a.getInt(ProgLoad.LOG_TRUE_SIZE));
    }

    public static int btfLoad(long btf, int size, long logBuf, int logSize, int logLevel) {
        NativeMemory a = attr(BtfLoad.SIZE);
        a.putLong(BtfLoad.BTF, btf);
        a.putLong(BtfLoad.BTF_LOG_BUF, logBuf);
        a.putInt(BtfLoad.BTF_SIZE, size);
        a.putInt(BtfLoad.BTF_LOG_SIZE, logSize);
        a.putInt(BtfLoad.BTF_LOG_LEVEL, logLevel);
        return call(BpfCmd.BTF_LOAD, a, BtfLoad.SIZE);
    }

    /** Fills {@code info} (of {@code len} bytes) for a prog, map, btf or link fd; returns 0 or -errno. */
    public static int objGetInfoByFd(int fd, long info, int len) {
        NativeMemory a = attr(ObjInfo.SIZE);
        a.putInt(ObjInfo.BPF_FD, fd);
        a.putInt(ObjInfo.INFO_LEN, len);
        a.putLong(ObjInfo.INFO, info);
        return call(BpfCmd.OBJ_GET_INFO_BY_FD, a, ObjInfo.SIZE);
    }

    public static int progGetFdById(int id) {
        return byId(BpfCmd.PROG_GET_FD_BY_ID, id);
    }

    public static int mapGetFdById(int id) {
        return byId(BpfCmd.MAP_GET_FD_BY_ID, id);
    }

    public static int btfGetFdById(int id) {
        return byId(BpfCmd.BTF_GET_FD_BY_ID, id);
    }

    /** The next map id after {@code startId}, or -ENOENT after the last. */
    public static int mapGetNextId(int startId) {
        return nextId(BpfCmd.MAP_GET_NEXT_ID, startId);
    }

    /** The next link id after {@code startId}, or -ENOENT after the last. */
    public static int linkGetNextId(int startId) {
        return nextId(BpfCmd.LINK_GET_NEXT_ID, startId);
    }

    /** The next BTF object id after {@code startId} (programs', maps' and the kernel's own), or -ENOENT after the last. */
    public static int btfGetNextId(int startId) {
        return nextId(BpfCmd.BTF_GET_NEXT_ID, startId);
    }

    private static int nextId(BpfCmd cmd, int startId) {
        NativeMemory a = attr(GetId.SIZE);
        a.putInt(GetId.ID, startId);
        int r = call(cmd, a, GetId.SIZE);
        return r < 0 ? r : a.getInt(GetId.NEXT_ID);
    }

    public static int linkGetFdById(int id) {
        return byId(BpfCmd.LINK_GET_FD_BY_ID, id);
    }

    private static int byId(BpfCmd cmd, int id) {
        NativeMemory a = attr(GetId.SIZE);
        a.putInt(GetId.ID, id);
        return call(cmd, a, GetId.SIZE);
    }

    /** The outcome of BPF_PROG_TEST_RUN; {@code error} is 0 or -errno. */
    public record TestRunResult(int error, int retval, int dataSizeOut, int durationNs) {
    }

    /** BPF_PROG_TEST_RUN with caller-owned native buffers (addresses may be 0 when unused). */
    public static TestRunResult progTestRun(int progFd, long dataIn, int dataInSize, long dataOut, int dataOutSize,
                                            long ctxIn, int ctxInSize, int repeat) {
        NativeMemory a = attr(BpfAttr.TestRun.SIZE);
        a.putInt(BpfAttr.TestRun.PROG_FD, progFd);
        a.putInt(BpfAttr.TestRun.DATA_SIZE_IN, dataInSize);
        a.putInt(BpfAttr.TestRun.DATA_SIZE_OUT, dataOutSize);
        a.putLong(BpfAttr.TestRun.DATA_IN, dataIn);
        a.putLong(BpfAttr.TestRun.DATA_OUT, dataOut);
        a.putInt(BpfAttr.TestRun.REPEAT, repeat);
        a.putInt(BpfAttr.TestRun.CTX_SIZE_IN, ctxInSize);
        a.putLong(BpfAttr.TestRun.CTX_IN, ctxIn);
        int r = call(BpfCmd.PROG_TEST_RUN, a, BpfAttr.TestRun.SIZE);
        return new TestRunResult(Math.min(r, 0), a.getInt(BpfAttr.TestRun.RETVAL), a.getInt(BpfAttr.TestRun.DATA_SIZE_OUT),
                a.getInt(BpfAttr.TestRun.DURATION));
    }

    /** BPF_PROG_BIND_MAP: keeps {@code mapFd} alive as long as the program, though it does not use it. */
    public static int progBindMap(int progFd, int mapFd) {
        NativeMemory a = attr(12);
        a.putInt(0, progFd);
        a.putInt(4, mapFd);
        return call(BpfCmd.PROG_BIND_MAP, a, 12);
    }

    /**
     * BPF_LINK_CREATE: links program {@code progFd} to {@code targetFd} (a perf event, a cgroup ...)
     * with none of the multi-program tail's ordering. Returns the link fd or -errno.
     */
    public static int linkCreate(int progFd, int targetFd, int attachType, int flags) {
        return linkCreate(progFd, targetFd, attachType, flags, 0, 0);
    }

    /**
     * BPF_LINK_UPDATE: swaps the program of link {@code linkFd} for {@code newProgFd} atomically;
     * returns 0 or -errno (EINVAL from links that cannot swap, such as perf-event links).
     */
    public static int linkUpdate(int linkFd, int newProgFd) {
        NativeMemory a = attr(BpfAttr.LinkUpdate.SIZE);
        a.putInt(BpfAttr.LinkUpdate.LINK_FD, linkFd);
        a.putInt(BpfAttr.LinkUpdate.NEW_PROG_FD, newProgFd);
        return call(BpfCmd.LINK_UPDATE, a, BpfAttr.LinkUpdate.SIZE);
    }

    /** BPF_OBJ_PIN: pins {@code fd} at {@code path} in bpffs. */
    public static int objPin(int fd, String path) {
        NativeMemory p = Native.cString(path);
        NativeMemory a = attr(Obj.SIZE);
        a.putLong(Obj.PATHNAME, p.address());
        a.putInt(Obj.BPF_FD, fd);
        int r = call(BpfCmd.OBJ_PIN, a, Obj.SIZE);
        Reference.reachabilityFence(p);
        return r;
    }

    /** BPF_OBJ_GET: an fd for the object pinned at {@code path} in bpffs. */
    public static int objGet(String path) {
        NativeMemory p = Native.cString(path);
        NativeMemory a = attr(Obj.SIZE);
        a.putLong(Obj.PATHNAME, p.address());
        int r = call(BpfCmd.OBJ_GET, a, Obj.SIZE);
        Reference.reachabilityFence(p);
        return r;
    }

    private static void putName(NativeMemory a, int offset, String name) {
        if (name == null) {
            return;
        }
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        a.put(offset, b, 0, Math.min(b.length, BpfAttr.OBJ_NAME_LEN - 1));
    }

    // --- cgroup ---

    /**
     * BPF_PROG_ATTACH of program {@code progFd} to cgroup {@code cgroupFd}; {@code replaceFd} is
     * read only with {@link BpfAttr.ProgAttach#F_REPLACE} in {@code flags}. 0 or -errno.
     */
    public static int progAttach(int cgroupFd, int progFd, int attachType, int flags, int replaceFd) {
        NativeMemory a = attr(BpfAttr.ProgAttach.SIZE);
        a.putInt(BpfAttr.ProgAttach.TARGET_FD, cgroupFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_BPF_FD, progFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_TYPE, attachType);
        a.putInt(BpfAttr.ProgAttach.ATTACH_FLAGS, flags);
        a.putInt(BpfAttr.ProgAttach.REPLACE_BPF_FD, replaceFd);
        return call(BpfCmd.PROG_ATTACH, a, BpfAttr.ProgAttach.SIZE);
    }

    /** BPF_PROG_DETACH of program {@code progFd} from cgroup {@code cgroupFd}. 0 or -errno. */
    public static int progDetach(int cgroupFd, int progFd, int attachType) {
        NativeMemory a = attr(BpfAttr.ProgAttach.SIZE);
        a.putInt(BpfAttr.ProgAttach.TARGET_FD, cgroupFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_BPF_FD, progFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_TYPE, attachType);
        return call(BpfCmd.PROG_DETACH, a, BpfAttr.ProgAttach.SIZE);
    }

    // --- tc ---

    /**
     * BPF_LINK_CREATE with the multi-program tail (TCX; cgroup links share it): {@code relative}
     * is a program or link fd, or an id with BPF_F_ID, read with BPF_F_BEFORE/AFTER;
     * {@code expectedRevision} 0 skips the revision check. Returns the link fd or -errno.
     */
    public static int linkCreate(int progFd, int target, int attachType, int flags, int relative, long expectedRevision) {
        NativeMemory a = attr(BpfAttr.LinkCreate.SIZE);
        a.putInt(BpfAttr.LinkCreate.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreate.TARGET, target);
        a.putInt(BpfAttr.LinkCreate.ATTACH_TYPE, attachType);
        a.putInt(BpfAttr.LinkCreate.FLAGS, flags);
        a.putInt(BpfAttr.LinkCreate.RELATIVE, relative);
        a.putLong(BpfAttr.LinkCreate.EXPECTED_REVISION, expectedRevision);
        return call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreate.SIZE);
    }

    /** Which optional per-program arrays a BPF_PROG_QUERY asks for (each needs a newer kernel). */
    public enum ProgQueryExtra {
        /** Program ids only: every kernel with BPF_PROG_QUERY. */
        NONE,
        /** And each program's attach flags (cgroups; Linux 6.0+, not with EFFECTIVE). */
        PROG_ATTACH_FLAGS,
        /**
         * And each program's link id and the hook's revision (TCX, cgroups; Linux 6.6+), with
         * each program's attach flags too unless the query is for the effective list.
         */
        LINK_IDS
    }

    /**
     * What BPF_PROG_QUERY reported: {@code error} 0 or -errno; {@code count} how many programs are
     * attached (also with ENOSPC, when the arrays were too small); the ids in run order, at most
     * the capacity asked for; {@code progAttachFlags} and {@code linkIds} empty unless asked for
     * (a link id is 0 for a program attached without a link); a cgroup list's {@code attachFlags}.
     */
    public record ProgQueryResult(int error, int count, int attachFlags, int[] progIds, int[] progAttachFlags,
                                  int[] linkIds, long revision) {
    }

    /**
     * BPF_PROG_QUERY of the programs attached at {@code target} (an ifindex for TCX, a cgroup,
     * netns or map fd otherwise) for {@code attachType}, fetching at most {@code capacity} ids.
     */
    public static ProgQueryResult progQuery(int target, int attachType, int queryFlags, int capacity, ProgQueryExtra extra) {
        int n = Math.max(1, capacity);
        NativeMemory ids = Native.allocate(4 * n);
        NativeMemory extras = Native.allocate(4 * n);
        NativeMemory flags = Native.allocate(4 * n);
        boolean wantFlags = extra == ProgQueryExtra.PROG_ATTACH_FLAGS
                || (extra == ProgQueryExtra.LINK_IDS && (queryFlags & BpfAttr.ProgQuery.F_QUERY_EFFECTIVE) == 0);
        int size = switch (extra) {
            case NONE -> BpfAttr.ProgQuery.SIZE_CLASSIC;
            case PROG_ATTACH_FLAGS -> BpfAttr.ProgQuery.SIZE_WITH_PROG_FLAGS;
            case LINK_IDS -> BpfAttr.ProgQuery.SIZE;
        };
        NativeMemory a = attr(size);
        a.putInt(BpfAttr.ProgQuery.TARGET, target);
        a.putInt(BpfAttr.ProgQuery.ATTACH_TYPE, attachType);
        a.putInt(BpfAttr.ProgQuery.QUERY_FLAGS, queryFlags);
        a.putLong(BpfAttr.ProgQuery.PROG_IDS, ids.address());
        a.putInt(BpfAttr.ProgQuery.COUNT, capacity);
        if (wantFlags) {
            a.putLong(BpfAttr.ProgQuery.PROG_ATTACH_FLAGS, flags.address());
        }
        if (extra == ProgQueryExtra.LINK_IDS) {
            a.putLong(BpfAttr.ProgQuery.LINK_IDS, extras.address());
        }
        int r = call(BpfCmd.PROG_QUERY, a, size);
        Reference.reachabilityFence(ids);
        Reference.reachabilityFence(extras);
        Reference.reachabilityFence(flags);
        int count = a.getInt(BpfAttr.ProgQuery.COUNT);
        int got = r < 0 ? 0 : Math.min(count, capacity);
        int[] progIds = new int[got];
        int[] progFlags = new int[wantFlags ? got : 0];
        int[] linkIds = new int[extra == ProgQueryExtra.LINK_IDS ? got : 0];
        for (int i = 0; i < got; i++) {
            progIds[i] = ids.getInt(4 * i);
            if (wantFlags) {
                progFlags[i] = flags.getInt(4 * i);
            }
            if (linkIds.length > 0) {
                linkIds[i] = extras.getInt(4 * i);
            }
        }
        return new ProgQueryResult(Math.min(r, 0), count, a.getInt(BpfAttr.ProgQuery.ATTACH_FLAGS), progIds, progFlags,
                linkIds, extra == ProgQueryExtra.LINK_IDS && r >= 0 ? a.getLong(BpfAttr.ProgQuery.REVISION) : 0);
    }

    /**
     * BPF_LINK_DETACH: detaches link {@code linkFd}'s program now, even while the link is pinned
     * or open elsewhere; the fd stays valid (the link is "defunct"). Returns 0 or -errno.
     */
    public static int linkDetach(int linkFd) {
        NativeMemory a = attr(BpfAttr.LinkDetach.SIZE);
        a.putInt(BpfAttr.LinkDetach.LINK_FD, linkFd);
        return call(BpfCmd.LINK_DETACH, a, BpfAttr.LinkDetach.SIZE);
    }

    // --- sockets, netns, LWT, netfilter ---

    /**
     * BPF_LINK_CREATE of a netfilter link for program {@code progFd} in the calling thread's
     * network namespace: protocol family {@code pf}, hook {@code hooknum}, {@code priority},
     * {@code nfFlags}. Returns the link fd or -errno.
     */
    public static int linkCreateNetfilter(int progFd, int pf, int hooknum, int priority, int nfFlags) {
        NativeMemory a = attr(BpfAttr.LinkCreateNetfilter.SIZE);
        a.putInt(BpfAttr.LinkCreateNetfilter.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreateNetfilter.ATTACH_TYPE, io.jbpf.uapi.AttachType.NETFILTER.value);
        a.putInt(BpfAttr.LinkCreateNetfilter.PF, pf);
        a.putInt(BpfAttr.LinkCreateNetfilter.HOOKNUM, hooknum);
        a.putInt(BpfAttr.LinkCreateNetfilter.PRIORITY, priority);
        a.putInt(BpfAttr.LinkCreateNetfilter.NF_FLAGS, nfFlags);
        return call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreateNetfilter.SIZE);
    }

    /**
     * Fills {@code info} with the first {@link BpfAttr.LinkInfoSock#SIZE} bytes of the
     * bpf_link_info of link {@code linkFd}; 0 or -errno.
     */
    public static int linkInfoSock(int linkFd, NativeMemory info) {
        int r = objGetInfoByFd(linkFd, info.address(), BpfAttr.LinkInfo.SIZE);
        Reference.reachabilityFence(info);
        return r;
    }

    // --- cli ---

    /** The next program id after {@code startId}, or -ENOENT after the last. */
    public static int progGetNextId(int startId) {
        return nextId(BpfCmd.PROG_GET_NEXT_ID, startId);
    }

    // --- tracing ---

    /**
     * BPF_RAW_TRACEPOINT_OPEN: attaches {@code progFd} to raw tracepoint {@code name}, or, with
     * {@code name} null, to what the program was loaded for (tp_btf, fentry, fexit, fmod_ret, lsm,
     * freplace). Returns a link fd or -errno.
     */
    public static int rawTracepointOpen(String name, int progFd) {
        NativeMemory n = name == null ? null : Native.cString(name);
        NativeMemory a = attr(BpfAttr.RawTracepointOpen.SIZE);
        a.putLong(BpfAttr.RawTracepointOpen.NAME, n == null ? 0 : n.address());
        a.putInt(BpfAttr.RawTracepointOpen.PROG_FD, progFd);
        int r = call(BpfCmd.RAW_TRACEPOINT_OPEN, a, BpfAttr.RawTracepointOpen.SIZE);
        Reference.reachabilityFence(n);
        return r;
    }

    // --- probes ---

    /**
     * BPF_LINK_CREATE of program {@code progFd} to perf event {@code perfFd} (BPF_PERF_EVENT) with
     * {@code cookie} for bpf_get_attach_cookie(). Returns the link fd or -errno.
     */
    public static int linkCreatePerfEvent(int progFd, int perfFd, long cookie) {
        NativeMemory a = attr(BpfAttr.LinkCreatePerfEvent.SIZE);
        a.putInt(BpfAttr.LinkCreatePerfEvent.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreatePerfEvent.TARGET_FD, perfFd);
        a.putInt(BpfAttr.LinkCreatePerfEvent.ATTACH_TYPE, io.jbpf.uapi.AttachType.PERF_EVENT.value);
        a.putLong(BpfAttr.LinkCreatePerfEvent.BPF_COOKIE, cookie);
        return call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreatePerfEvent.SIZE);
    }

    /**
     * BPF_LINK_CREATE of tracing program {@code progFd} to the target it was loaded for, with
     * {@code attachType} its expected attach type and {@code cookie} for bpf_get_attach_cookie().
     * Returns the link fd or -errno.
     */
    public static int linkCreateTracing(int progFd, int attachType, long cookie) {
        NativeMemory a = attr(BpfAttr.LinkCreateTracing.SIZE);
        a.putInt(BpfAttr.LinkCreateTracing.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreateTracing.ATTACH_TYPE, attachType);
        a.putLong(BpfAttr.LinkCreateTracing.COOKIE, cookie);
        return call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreateTracing.SIZE);
    }

    /**
     * BPF_LINK_CREATE of a kprobe_multi link: program {@code progFd} on the kernel functions named
     * {@code symbols} (or, when that is null, at {@code addresses}), {@code cookies} one per function
     * or null; {@code multiFlags} {@link BpfAttr.LinkCreateKprobeMulti#F_RETURN} for kretprobes.
     * Returns the link fd or -errno.
     */
    public static int linkCreateKprobeMulti(int progFd, String[] symbols, long[] addresses, long[] cookies, int multiFlags) {
        int cnt = symbols != null ? symbols.length : addresses.length;
        NativeMemory[] names = new NativeMemory[symbols == null ? 0 : cnt];
        NativeMemory syms = null;
        if (symbols != null) {
            syms = Native.allocate(8 * cnt);
            for (int i = 0; i < cnt; i++) {
                names[i] = Native.cString(symbols[i]);
                syms.putLong(8 * i, names[i].address());
            }
        }
        NativeMemory addrs = addresses == null ? null : u64s(addresses);
        NativeMemory cooks = cookies == null ? null : u64s(cookies);
        NativeMemory a = attr(BpfAttr.LinkCreateKprobeMulti.SIZE);
        a.putInt(BpfAttr.LinkCreateKprobeMulti.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreateKprobeMulti.ATTACH_TYPE, io.jbpf.uapi.AttachType.TRACE_KPROBE_MULTI.value);
        a.putInt(BpfAttr.LinkCreateKprobeMulti.MULTI_FLAGS, multiFlags);
        a.putInt(BpfAttr.LinkCreateKprobeMulti.CNT, cnt);
        a.putLong(BpfAttr.LinkCreateKprobeMulti.SYMS, syms == null ? 0 : syms.address());
        a.putLong(BpfAttr.LinkCreateKprobeMulti.ADDRS, addrs == null ? 0 : addrs.address());
        a.putLong(BpfAttr.LinkCreateKprobeMulti.COOKIES, cooks == null ? 0 : cooks.address());
        int r = call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreateKprobeMulti.SIZE);
        Reference.reachabilityFence(names);
        Reference.reachabilityFence(syms);
        Reference.reachabilityFence(addrs);
        Reference.reachabilityFence(cooks);
        return r;
    }

    /**
     * BPF_LINK_CREATE of a uprobe_multi link: program {@code progFd} at file {@code offsets} of
     * {@code path}, {@code cookies} one per offset or null, for process {@code pid} (0: every
     * process); {@code multiFlags} {@link BpfAttr.LinkCreateUprobeMulti#F_RETURN} for uretprobes.
     * Returns the link fd or -errno.
     */
    public static int linkCreateUprobeMulti(int progFd, String path, long[] offsets, long[] cookies, int pid, int multiFlags) {
        NativeMemory p = Native.cString(path);
        NativeMemory offs = u64s(offsets);
        NativeMemory cooks = cookies == null ? null : u64s(cookies);
        NativeMemory a = attr(BpfAttr.LinkCreateUprobeMulti.SIZE);
        a.putInt(BpfAttr.LinkCreateUprobeMulti.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreateUprobeMulti.ATTACH_TYPE, io.jbpf.uapi.AttachType.TRACE_UPROBE_MULTI.value);
        a.putLong(BpfAttr.LinkCreateUprobeMulti.PATH, p.address());
        a.putLong(BpfAttr.LinkCreateUprobeMulti.OFFSETS, offs.address());
        a.putLong(BpfAttr.LinkCreateUprobeMulti.COOKIES, cooks == null ? 0 : cooks.address());
        a.putInt(BpfAttr.LinkCreateUprobeMulti.CNT, offsets.length);
        a.putInt(BpfAttr.LinkCreateUprobeMulti.MULTI_FLAGS, multiFlags);
        a.putInt(BpfAttr.LinkCreateUprobeMulti.PID, pid);
        int r = call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreateUprobeMulti.SIZE);
        Reference.reachabilityFence(p);
        Reference.reachabilityFence(offs);
        Reference.reachabilityFence(cooks);
        return r;
    }

    private static NativeMemory u64s(long[] values) {
        NativeMemory m = Native.allocate(8 * Math.max(1, values.length));
        for (int i = 0; i < values.length; i++) {
            m.putLong(8 * i, values[i]);
        }
        return m;
    }

    // --- cliattach ---

    /**
     * BPF_PROG_ATTACH of program {@code progFd} to cgroup {@code cgroupFd} at a position:
     * {@code relative} is a program fd (an id with BPF_F_ID), read with BPF_F_BEFORE/AFTER in
     * {@code flags}; {@code expectedRevision} 0 skips the revision check. 0 or -errno.
     */
    public static int progAttachOrdered(int cgroupFd, int progFd, int attachType, int flags, int relative,
                                        long expectedRevision) {
        NativeMemory a = attr(BpfAttr.ProgAttachOrdered.SIZE);
        a.putInt(BpfAttr.ProgAttach.TARGET_FD, cgroupFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_BPF_FD, progFd);
        a.putInt(BpfAttr.ProgAttach.ATTACH_TYPE, attachType);
        a.putInt(BpfAttr.ProgAttach.ATTACH_FLAGS, flags);
        a.putInt(BpfAttr.ProgAttachOrdered.RELATIVE, relative);
        a.putLong(BpfAttr.ProgAttachOrdered.EXPECTED_REVISION, expectedRevision);
        return call(BpfCmd.PROG_ATTACH, a, BpfAttr.ProgAttachOrdered.SIZE);
    }

    // --- perfbuf ---

    /** BPF_F_TEST_RUN_ON_CPU: BPF_PROG_TEST_RUN runs the program on the CPU given in the attr. */
    public static final int BPF_F_TEST_RUN_ON_CPU = 1;

    /**
     * BPF_PROG_TEST_RUN of a program that takes only a context (raw_tp) on CPU {@code cpu}
     * (BPF_F_TEST_RUN_ON_CPU, Linux 5.10+): where its bpf_perf_event_output(BPF_F_CURRENT_CPU)
     * records go.
     */
    public static TestRunResult progTestRunOnCpu(int progFd, long ctxIn, int ctxInSize, int cpu) {
        NativeMemory a = attr(BpfAttr.TestRun.SIZE);
        a.putInt(BpfAttr.TestRun.PROG_FD, progFd);
        a.putInt(BpfAttr.TestRun.CTX_SIZE_IN, ctxInSize);
        a.putLong(BpfAttr.TestRun.CTX_IN, ctxIn);
        a.putInt(BpfAttr.TestRun.FLAGS, BPF_F_TEST_RUN_ON_CPU);
        a.putInt(BpfAttr.TestRun.CPU, cpu);
        int r = call(BpfCmd.PROG_TEST_RUN, a, BpfAttr.TestRun.SIZE);
        return new TestRunResult(Math.min(r, 0), a.getInt(BpfAttr.TestRun.RETVAL), 0, a.getInt(BpfAttr.TestRun.DURATION));
    }

    // --- dump ---

    /** BPF_F_REPLACE: BPF_LINK_UPDATE swaps only when the link still runs {@code old_prog_fd}. */
    public static final int BPF_F_REPLACE = 4;

    /**
     * BPF_LINK_UPDATE with BPF_F_REPLACE: swaps the program of link {@code linkFd} for
     * {@code newProgFd} only if it still runs {@code oldProgFd}'s program (else EPERM); 0 or -errno.
     */
    public static int linkUpdateReplacing(int linkFd, int newProgFd, int oldProgFd) {
        NativeMemory a = attr(BpfAttr.LinkUpdate.SIZE);
        a.putInt(BpfAttr.LinkUpdate.LINK_FD, linkFd);
        a.putInt(BpfAttr.LinkUpdate.NEW_PROG_FD, newProgFd);
        a.putInt(BpfAttr.LinkUpdate.FLAGS, BPF_F_REPLACE);
        a.putInt(BpfAttr.LinkUpdate.OLD_PROG_FD, oldProgFd);
        return call(BpfCmd.LINK_UPDATE, a, BpfAttr.LinkUpdate.SIZE);
    }

    // --- multi ---

    /**
     * BPF_LINK_CREATE of freplace program {@code progFd} in place of the function with BTF id
     * {@code targetBtfId} of program {@code targetFd} (attach type 0, as libxdp makes it): the
     * function it was loaded for, or the same-prototype function of another program (Linux 5.10+:
     * how an XDP dispatcher's programs move to a new dispatcher). Returns the link fd or -errno.
     */
    public static int linkCreateFreplace(int progFd, int targetFd, int targetBtfId) {
        NativeMemory a = attr(BpfAttr.LinkCreateTracing.SIZE);
        a.putInt(BpfAttr.LinkCreateTracing.PROG_FD, progFd);
        a.putInt(BpfAttr.LinkCreateTracing.TARGET_FD, targetFd);
        a.putInt(BpfAttr.LinkCreateTracing.TARGET_BTF_ID, targetBtfId);
        return call(BpfCmd.LINK_CREATE, a, BpfAttr.LinkCreateTracing.SIZE);
    }
}
