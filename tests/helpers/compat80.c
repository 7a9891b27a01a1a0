// SPDX-License-Identifier: MIT
/*
 * tests/helpers/compat80.c - a 64-bit process making one 32-bit (ia32) syscall, for the
 * recorder's raw_tp path: ia32 read is number 3, which is close on x86_64, so a recorder that
 * dispatched on the number without telling compat calls apart would see this read as a close.
 *
 * On a unix stream socketpair (a, b): b writes "hello", a reads it with `int $0x80` (eax 3,
 * the ia32 read; rdi holds a too, where a 64-bit close would take its fd from), then a writes
 * "world" and b reads it, both with 64-bit syscalls. Prints one JSON line:
 *   {"a": FD, "b": FD, "ia32_read": RET}
 * A kernel without ia32 emulation (int $0x80 faults, or returns -ENOSYS), or not x86_64: prints
 * {"skip": "why"} and exits 0.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__x86_64__)
static sigjmp_buf fault;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault, 1);
}
#endif

int main(void)
{
#if defined(__x86_64__)
	int sv[2];
	char buf[8] = {0};
	char *low;
	long ret;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("compat80: socketpair");
		return 1;
	}
	/* an ia32 syscall takes 32-bit pointers: a buffer below 4 GiB */
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		   0);
	if (low == MAP_FAILED) {
		perror("compat80: mmap");
		return 1;
	}
	if (write(sv[1], "hello", 5) != 5) {
		perror("compat80: write");
		return 1;
	}
	signal(SIGSEGV, on_fault);
	if (sigsetjmp(fault, 1)) {
		printf("{\"skip\": \"no ia32 emulation in this kernel (int $0x80 faults)\"}\n");
		return 0;
	}
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(3L), "b"((long)sv[0]), "c"((long)low), "d"(5L), "D"((long)sv[0])
			 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	signal(SIGSEGV, SIG_DFL);
	if (ret == -38) {
		printf("{\"skip\": \"no ia32 emulation in this kernel (ENOSYS)\"}\n");
		return 0;
	}
	if (write(sv[0], "world", 5) != 5 || read(sv[1], buf, 5) != 5 || memcmp(buf, "world", 5)) {
		perror("compat80: write/read");
		return 1;
	}
	printf("{\"a\": %d, \"b\": %d, \"ia32_read\": %ld}\n", sv[0], sv[1], ret);
	return 0;
#else
	printf("{\"skip\": \"ia32 syscalls are x86_64 only\"}\n");
	return 0;
#endif
}
