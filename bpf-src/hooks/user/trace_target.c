// SPDX-License-Identifier: GPL-2.0
/*
 * A user program for the uprobe tests, built with gcc by the tests (not by bpf-src's Makefile,
 * which builds BPF objects only from the .c files directly in hooks/):
 *   trace_target calls N   calls jtr_work(i) for i = 1..N, then prints the sum of its results
 *   trace_target offset F  prints the file offset of function F's code and the file it is in,
 *                          computed at run time from /proc/self/maps (address - mapping start +
 *                          mapping file offset): what the ELF reader must compute from the file
 *                          alone. F is jtr_work, or a libc function found with dlsym.
 *   trace_target getppid N calls getppid() N times
 * Used by elf/src/test/java/io/jbpf/elf/ExecutableFileTest.java and
 * loader/src/test/java/io/jbpf/link/UprobeIT.java.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) int jtr_work(int i)
{
	/* Keeps the call from being folded away. */
	__asm__ volatile("" ::: "memory");
	return i * 2;
}

static int file_offset(void *addr)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long a = (unsigned long)addr;

	if (!maps)
		return 1;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end, off;
		char path[256] = "";

		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %255s", &start, &end, &off, path) >= 3
		    && a >= start && a < end) {
			printf("0x%lx %s\n", a - start + off, path);
			fclose(maps);
			return 0;
		}
	}
	fclose(maps);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "offset") == 0)
		return file_offset(strcmp(argv[2], "jtr_work") == 0 ? (void *)jtr_work : dlsym(RTLD_DEFAULT, argv[2]));
	if (argc == 3 && strcmp(argv[1], "calls") == 0) {
		long n = atol(argv[2]), sum = 0;

		for (long i = 1; i <= n; i++)
			sum += jtr_work((int)i);
		printf("%ld\n", sum);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "getppid") == 0) {
		long n = atol(argv[2]);

		for (long i = 0; i < n; i++)
			getppid();
		return 0;
	}
	fprintf(stderr, "usage: trace_target calls N | offset FUNCTION | getppid N\n");
	return 2;
}
