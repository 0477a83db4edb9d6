package io.jbpf.xdp;

import io.jbpf.btf.Btf;
import io.jbpf.btf.BtfKind;
import io.jbpf.btf.BtfType;
import io.jbpf.common.BpfException;
import io.jbpf.spec.BpfObjectSpec;
import io.jbpf.uapi.XdpAction;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a program runs in an XDP dispatcher: its run priority (lower runs first) and the actions
 * after which the next program runs (its chain-call actions; any other action ends the chain and
 * is the packet's verdict). A program declares them in its object as libxdp's
 * {@code XDP_RUN_CONFIG(func)} writes them (BTF only: a variable {@code _<func>} in section
 * {@code .xdp_run_config} whose struct members are {@code __uint(priority, N)} and
 * {@code __uint(XDP_PASS, 1)}-style action flags), read by {@link #of}.
 *
 * @param priority         run priority, 0 or more; lower runs first
 * @param chainCallActions the actions after which the chain goes on (an unmodifiable copy)
 */
public record RunConfig(int priority, Set<XdpAction> chainCallActions) {
    /** libxdp's default priority. */
    public static final int DEFAULT_PRIORITY = 50;
    /** libxdp's defaults: priority 50, the chain goes on after XDP_PASS. */
    public static final RunConfig DEFAULT = new RunConfig(DEFAULT_PRIORITY, EnumSet.of(XdpAction.PASS));
    /** The section libxdp's XDP_RUN_CONFIG puts the variables in. */
    public static final String SECTION = ".xdp_run_config";

    /** Checks the priority and copies the actions. */
    public RunConfig {
        if (priority < 0) {
            throw new BpfException("run priority " + priority + " is negative; give 0 or more (lower runs first)");
        }
        Objects.requireNonNull(chainCallActions, "chainCallActions");
        chainCallActions = Collections.unmodifiableSet(chainCallActions.isEmpty() ? EnumSet.noneOf(XdpAction.class)
                : EnumSet.copyOf(chainCallActions));
    }

    /** This config with {@code priority}. */
    public RunConfig withPriority(int priority) {
        return new RunConfig(priority, chainCallActions);
    }

    /** This config with {@code actions} as the chain-call actions. */
    public RunConfig withChainCallActions(Set<XdpAction> actions) {
        return new RunConfig(priority, actions);
    }

    /** The chain-call actions as the dispatcher's bitmap: bit {@code 1 << action} for each. */
    public int actionBits() {
        int bits = 0;
        for (XdpAction a : chainCallActions) {
            bits |= 1 << a.value;
        }
        return bits;
    }

    /** The actions of bitmap {@code bits} (bits of no XDP action, such as the dispatcher's bit 31, are ignored). */
    public static Set<XdpAction> actions(int bits) {
        Set<XdpAction> out = EnumSet.noneOf(XdpAction.class);
        for (XdpAction a : XdpAction.values()) {
            if ((bits & 1 << a.value) != 0) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The run config program {@code program} of {@code spec} declares in {@code .xdp_run_config},
     * or {@link #DEFAULT} when it declares none (or the object has no BTF); a declared config
     * without a priority gets the default priority, one without actions the default actions, as
     * libxdp reads it.
     */
    public static RunConfig of(BpfObjectSpec spec, String program) {
        Btf btf = spec.btf().orElse(null);
        if (btf == null) {
            return DEFAULT;
        }
        BtfType datasec = btf.find(BtfKind.DATASEC, SECTION).orElse(null);
        if (datasec == null) {
            return DEFAULT;
        }
        for (BtfType.Member v : datasec.members()) {
            BtfType var = btf.type(v.type());
            if (var.kind() != BtfKind.VAR || !var.name().equals("_" + program)) {
                continue;
            }
            BtfType struct = btf.type(btf.skipQualifiers(var.type()));
            if (struct.kind() != BtfKind.STRUCT) {
                throw new BpfException(spec.source() + ": " + SECTION + " variable " + var.name() + " is not a struct "
                        + "of __uint(priority, N) and __uint(XDP_..., 1) members, as XDP_RUN_CONFIG declares it");
            }
            int priority = DEFAULT_PRIORITY;
            Set<XdpAction> actions = EnumSet.noneOf(XdpAction.class);
            for (BtfType.Member m : struct.members()) {
                int value = uintValue(btf, m.type(), spec.source(), var.name() + "." + m.name());
                if (m.name().equals("priority")) {
                    priority = value;
                    continue;
                }
                XdpAction action = action(m.name());
                if (action == null) {
                    throw new BpfException(spec.source() + ": " + SECTION + " of program " + program + " has member "
                            + m.name() + ", which is neither priority nor an XDP action (XDP_ABORTED, XDP_DROP, XDP_PASS, "
                            + "XDP_TX, XDP_REDIRECT)");
                }
                if (value != 0) {
                    actions.add(action);
                }
            }
            return new RunConfig(priority, actions.isEmpty() ? DEFAULT.chainCallActions : actions);
        }
        return DEFAULT;
    }

    /** The XDP action named {@code name} ("XDP_PASS"), or null. */
    static XdpAction action(String name) {
        for (XdpAction a : XdpAction.values()) {
            if (a.kernelName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The value of a {@code __uint(name, N)} member: a pointer to an array of N elements. */
    private static int uintValue(Btf btf, int typeId, String source, String what) {
        BtfType ptr = btf.type(typeId);
        if (ptr.kind() == BtfKind.PTR) {
            BtfType arr = btf.type(ptr.type());
            if (arr.kind() == BtfKind.ARRAY) {
                return arr.array().nelems();
            }
        }
        throw new BpfException(source + ": " + SECTION + " member " + what + " is not declared as __uint(name, value)");
    }
}
