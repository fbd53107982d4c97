# inject/local.mk: libinject.a, the ptrace injector (never prints, never exits).
noinst_LIBRARIES += libinject.a
libinject_a_SOURCES =
