package io.jbpf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Instructions as the kernel's disassembler (and bpftool prog dump xlated) writes them; the
 * expected lines are bpftool's output for the same bytes (CliInspectIT compares whole programs).
 */
class DisassemblerTest {
    private static List<String> text(String hex) {
        return Disassembler.disassemble(HexFormat.of().parseHex(hex.replace(" ", "")), imm -> imm == 353184
                ? "array_map_update_elem" : null).stream().map(l -> l.index() + ": " + l.text()).toList();
    }

    @Test
    void everyClassPrintsAsTheKernelDoes() {
        assertThat(text(
                "18 01 00 00 04 f6 00 00 00 00 00 00 00 00 00 00" // ld_imm64 map value (src 2 in the high nibble: 0x21)
                        .replace("18 01", "18 21")
                + "61 12 00 00 00 00 00 00" // r2 = *(u32 *)(r1 +0)
                + "07 04 00 00 0a 00 00 00" // r4 += 10
                + "63 43 0c 00 00 00 00 00" // *(u32 *)(r3 +12) = r4
                + "7b 3a f0 ff 00 00 00 00" // *(u64 *)(r10 -16) = r3
                + "b7 01 00 00 00 00 00 00" // r1 = 0
                + "18 11 00 00 02 f6 00 00 00 00 00 00 00 00 00 00" // ld_imm64 map fd
                + "85 00 00 00 a0 63 05 00" // call
                + "35 00 05 00 04 00 00 00" // if r0 >= 0x4 goto pc+5
                + "1d 12 fd ff 00 00 00 00" // if r2 == r1 goto pc-3
                + "05 00 01 00 00 00 00 00" // goto pc+1
                + "bc 21 00 00 00 00 00 00" // w1 = w2
                + "c3 21 00 00 00 00 00 00" // lock *(u32 *)(r1 +0) += r2
                + "dc 01 00 00 10 00 00 00" // r1 = be16 r1
                + "bf 21 08 00 00 00 00 00" // r1 = (s8)r2
                + "18 01 00 00 ef be ad de 00 00 00 00 01 00 00 00" // r1 = 0x1deadbeef
                + "95 00 00 00 00 00 00 00"))
                .containsExactly(
                        "0: (18) r1 = map[id:62980][0]+0",
                        "2: (61) r2 = *(u32 *)(r1 +0)",
                        "3: (07) r4 += 10",
                        "4: (63) *(u32 *)(r3 +12) = r4",
                        "5: (7b) *(u64 *)(r10 -16) = r3",
                        "6: (b7) r1 = 0",
                        "7: (18) r1 = map[id:62978]",
                        "9: (85) call array_map_update_elem#353184",
                        "10: (35) if r0 >= 0x4 goto pc+5",
                        "11: (1d) if r2 == r1 goto pc-3",
                        "12: (05) goto pc+1",
                        "13: (bc) w1 = w2",
                        "14: (c3) lock *(u32 *)(r1 +0) += r2",
                        "15: (dc) r1 = be16 r1",
                        "16: (bf) r1 = (s8)r2",
                        "17: (18) r1 = 0x1deadbeef",
                        "19: (95) exit");
    }

    @Test
    void unknownHelpersPrintTheirNumberAlone() {
        assertThat(text("85 00 00 00 07 00 00 00")).containsExactly("0: (85) call #7");
    }
}
