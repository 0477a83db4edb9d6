// SPDX-License-Identifier: GPL-2.0
/*
 * A user program for the probes tests (cookies, SYMBOL+offset, uprobe_multi), built with gcc by
 * the tests (not by bpf-src's Makefile, which builds BPF objects only from hooks/*.c):
 *   probe_target calls A B C   calls jpr_one A times, jpr_two B times, jpr_three C times, with
 *                              arguments 1.., and prints the sum of what they returned
 * jpr_two is written in assembly so that its layout is known exactly: four one-byte nops, then
 * the body at offset 4 (a place a uprobe may go: the first byte of an instruction), 8 bytes in all
 * (its symbol's size), so an offset of 8 or more is past its end. jpr_one returns i, jpr_two 2i,
 * jpr_three 3i. Used by loader/src/test/java/io/jbpf/link/UprobeCookieIT.java and UprobeMultiIT.java.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jpr_two(int i);

__asm__(".text\n"
	".globl jpr_two\n"
	".type jpr_two, @function\n"
	"jpr_two:\n"
	"	nop\n"
	"	nop\n"
	"	nop\n"
	"	nop\n"
	"	leal (%rdi,%rdi,1), %eax\n"
	"	ret\n"
	".size jpr_two, .-jpr_two\n");

__attribute__((noinline)) int jpr_one(int i)
{
	/* Keeps the call from being folded away. */
	__asm__ volatile("" ::: "memory");
	return i;
}

__attribute__((noinline)) int jpr_three(int i)
{
	__asm__ volatile("" ::: "memory");
	return 3 * i;
}

int main(int argc, char **argv)
{
	long sum = 0;

	if (argc != 5 || strcmp(argv[1], "calls") != 0) {
		fprintf(stderr, "usage: probe_target calls A B C\n");
		return 2;
	}
	for (long i = 1; i <= atol(argv[2]); i++)
		sum += jpr_one((int)i);
	for (long i = 1; i <= atol(argv[3]); i++)
		sum += jpr_two((int)i);
	for (long i = 1; i <= atol(argv[4]); i++)
		sum += jpr_three((int)i);
	printf("%ld\n", sum);
	return 0;
}
