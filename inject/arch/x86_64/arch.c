/* arch.c: x86-64 registers, remote syscall and call frames, syscall restart. */
#include "config.h"

#include <elf.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "arch.h"

/* Kernel-internal return codes (include/linux/errno.h): userspace never sees
 * them, but a tracer does while the thread sits in a stop. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

int arch_get_regs(pid_t tid, arch_regs *r)
{
	return ptrace(PTRACE_GETREGS, tid, NULL, r) < 0 ? -1 : 0;
}

int arch_set_regs(pid_t tid, const arch_regs *r)
{
	return ptrace(PTRACE_SETREGS, tid, NULL, r) < 0 ? -1 : 0;
}

int arch_get_fpstate(pid_t tid, struct arch_fpstate *fp)
{
	/* The XSAVE area holds everything (AVX, AVX-512, ...); a CPU or
	 * kernel without it still has the FXSAVE area. */
	static const int kinds[] = { NT_X86_XSTATE, NT_PRFPREG };
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct iovec iov = { fp->buf, sizeof(fp->buf) };

		if (ptrace(PTRACE_GETREGSET, tid, (void *)(long)kinds[i],
			   &iov) == 0) {
			fp->len = iov.iov_len;
			fp->kind = kinds[i];
			return 0;
		}
	}
	return -1;
}

int arch_set_fpstate(pid_t tid, struct arch_fpstate *fp)
{
	struct iovec iov = { fp->buf, fp->len };

	return ptrace(PTRACE_SETREGSET, tid, (void *)(long)fp->kind, &iov) < 0
		? -1 : 0;
}

uint64_t arch_pc(const arch_regs *r)
{
	return r->rip;
}

uint64_t arch_sp(const arch_regs *r)
{
	return r->rsp;
}

long arch_syscall_nr(const arch_regs *r)
{
	return (long)r->orig_rax;
}

long arch_syscall_ret(const arch_regs *r)
{
	return (long)r->rax;
}

bool arch_restart_syscall(arch_regs *r)
{
	if ((long)r->orig_rax < 0)
		return false;
	switch (-(long)r->rax) {
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
		/* No handler runs, so every flavour restarts: back up over
		 * the syscall instruction with the number reloaded (the
		 * argument registers are untouched by the kernel). */
		r->rax = r->orig_rax;
		r->rip -= ARCH_SYSCALL_INSN_LEN;
		break;
	case ERESTART_RESTARTBLOCK:
		/* nanosleep, clock_nanosleep, poll with a timeout...: the
		 * kernel saved the remaining time in the thread's restart
		 * block, which restart_syscall resumes. */
		r->rax = SYS_restart_syscall;
		r->rip -= ARCH_SYSCALL_INSN_LEN;
		break;
	default:
		return false;
	}
	/* The kernel must not restart it a second time on resume. */
	r->orig_rax = (unsigned long long)-1;
	return true;
}

void arch_setup_syscall(arch_regs *r, uint64_t insn, long nr,
			const uint64_t args[ARCH_NR_ARGS])
{
	r->rip = insn;
	r->rax = (unsigned long long)nr;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
	/* Not in a syscall: keeps the kernel's restart logic away from the
	 * registers we set. */
	r->orig_rax = (unsigned long long)-1;
}

uint64_t arch_after_syscall(uint64_t insn)
{
	return insn + ARCH_SYSCALL_INSN_LEN;
}

long arch_syscall_result(const arch_regs *r)
{
	return (long)r->rax;
}

uint64_t arch_scratch(const arch_regs *r)
{
	/* Below the red zone: no code of the thread keeps anything there
	 * while it is stopped. */
	return (r->rsp - ARCH_RED_ZONE - ARCH_SCRATCH_SIZE) &
	       ~(uint64_t)(ARCH_STACK_ALIGN - 1);
}

uint64_t arch_call_stack(const arch_regs *r)
{
	/* Below the scratch area, aligned so that rsp + 8 is 16-aligned at
	 * the callee's first instruction, as after a "call". */
	return arch_scratch(r) - 8;
}

void arch_setup_call(arch_regs *r, uint64_t fn, uint64_t sp,
		     const uint64_t args[ARCH_NR_ARGS])
{
	r->rip = fn;
	r->rsp = sp;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->rcx = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
	/* A variadic callee reads the count of vector arguments in al. */
	r->rax = 0;
	/* The ABI wants the direction flag clear at every call. */
	r->eflags &= ~0x400ull;
	r->orig_rax = (unsigned long long)-1;
}

uint64_t arch_call_result(const arch_regs *r)
{
	return r->rax;
}
