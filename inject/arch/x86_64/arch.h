/* arch.h: the x86-64 register and instruction details the injector needs. */
#ifndef INJECT_ARCH_H
#define INJECT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

/* Every architecture provides these same names (see docs/injection.md). */
typedef struct user_regs_struct arch_regs;

#define ARCH_SYSCALL_INSN "\x0f\x05"	/* syscall */
#define ARCH_SYSCALL_INSN_LEN 2
/* The System V ABI lets a leaf function use 128 bytes below rsp. */
#define ARCH_RED_ZONE 128
#define ARCH_STACK_ALIGN 16
#define ARCH_NR_ARGS 6
/* Bytes below the red zone lent to the injector for strings and results;
 * calls are set up below them. */
#define ARCH_SCRATCH_SIZE 256

int arch_get_regs(pid_t tid, arch_regs *r);
int arch_set_regs(pid_t tid, const arch_regs *r);

/* The vector and floating point state (x87, SSE, AVX...): a remote call
 * clobbers it, so it is saved and put back as well. */
struct arch_fpstate {
	size_t len;
	int kind;		/* the regset it came from */
	uint8_t buf[16384];
};
int arch_get_fpstate(pid_t tid, struct arch_fpstate *fp);
int arch_set_fpstate(pid_t tid, struct arch_fpstate *fp);

uint64_t arch_pc(const arch_regs *r);
uint64_t arch_sp(const arch_regs *r);

/* The syscall the thread was stopped in, or -1 if it was in user code. */
long arch_syscall_nr(const arch_regs *r);
/* The syscall's return value as the kernel left it (e.g. -ERESTARTSYS). */
long arch_syscall_ret(const arch_regs *r);

/*
 * Registers to resume a thread with so that the syscall it was stopped in
 * is restarted exactly as the kernel would restart it after a stop with no
 * signal delivered.  Returns true if anything was changed.
 */
bool arch_restart_syscall(arch_regs *r);

/* Registers that run "syscall" at insn with nr and args. */
void arch_setup_syscall(arch_regs *r, uint64_t insn, long nr,
			const uint64_t args[ARCH_NR_ARGS]);
/* Where the thread is after the syscall instruction ran. */
uint64_t arch_after_syscall(uint64_t insn);
long arch_syscall_result(const arch_regs *r);

/*
 * Registers that call fn(args...) with the stack pointer at sp, where the
 * caller has stored the return address; sp is computed by
 * arch_call_stack().
 */
void arch_setup_call(arch_regs *r, uint64_t fn, uint64_t sp,
		     const uint64_t args[ARCH_NR_ARGS]);
/* Where to store the return address for a call made from regs r. */
uint64_t arch_call_stack(const arch_regs *r);
/* The ARCH_SCRATCH_SIZE bytes of stack the injector may use. */
uint64_t arch_scratch(const arch_regs *r);
uint64_t arch_call_result(const arch_regs *r);

#endif /* INJECT_ARCH_H */
