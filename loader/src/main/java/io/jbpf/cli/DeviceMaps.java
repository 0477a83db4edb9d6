package io.jbpf.cli;

import io.jbpf.common.BpfException;
import io.jbpf.BpfMap;
import io.jbpf.BpfProgram;
import io.jbpf.KernelInfo;
import io.jbpf.link.XdpAttach;
import io.jbpf.link.XdpMode;
import io.jbpf.link.XdpStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finding live maps by name: among those of the XDP program on a device, or among all maps. */
final class DeviceMaps {
    private DeviceMaps() {
    }

    /** Ids of the maps the XDP program(s) on {@code device} use; {@code purpose} completes the error. */
    static Set<Integer> ofXdpProgram(String device, String purpose) {
        return ofXdpProgram(XdpAttach.query(device), device, purpose);
    }

    /** Ids of the maps the XDP program(s) of {@code s}, the state of {@code device}, use. */
    static Set<Integer> ofXdpProgram(XdpStatus s, String device, String purpose) {
        if (!s.hasProgram()) {
            throw new BpfException("device '" + device + "' has no XDP program attached, so no " + purpose);
        }
        Set<Integer> ids = new LinkedHashSet<>();
        for (XdpMode m : s.modes()) {
            try (BpfProgram p = BpfProgram.fromId(s.progId(m))) {
                for (int id : p.info().mapIds()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** The maps among {@code ids} whose kernel name is that of {@code name}, open; the caller closes them. */
    static List<BpfMap> named(Collection<Integer> ids, String name) {
        String kernelName = KernelInfo.kernelName(name);
        List<BpfMap> matches = new ArrayList<>();
        for (int id : ids) {
            BpfMap m;
            try {
                m = BpfMap.fromId(id);
            } catch (BpfException e) {
                continue; // freed between listing and opening
            }
            if (m.info().name().equals(kernelName)) {
                matches.add(m);
            } else {
                m.close();
            }
        }
        return matches;
    }
}
