/* got.h: swapping allocator hooks in and out of every object's GOT. */
#ifndef PAYLOAD_GOT_H
#define PAYLOAD_GOT_H

#include <stddef.h>

/* One function to intercept: every GOT slot bound to `name` gets `hook`. */
struct got_hook {
	const char *name;
	void *hook;
};

/*
 * Rewrite the JUMP_SLOT and GLOB_DAT slots of every loaded object (but
 * the payload itself, the loader and the vDSO) that are bound to one of
 * hooks[].  Called again after each dlopen, it patches only the slots not
 * yet hooked.  Returns the number of slots patched by this call.
 */
size_t got_patch_loaded(const struct got_hook *hooks, size_t nhooks);

/*
 * Put back the original value of every slot we rewrote that still holds
 * our hook, in objects still loaded (an object unloaded since is skipped:
 * its memory is gone).  Returns the number of slots restored.
 */
size_t got_restore_all(void);

/* Slots currently recorded as hooked (for the INFO record). */
size_t got_hooked_count(void);

#endif
