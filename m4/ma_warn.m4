# ma_warn.m4: the one place that decides the compiler warnings.
AC_DEFUN([MA_WARN_CFLAGS], [
	WARN_CFLAGS=""
	for flag in -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith \
		-Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
		-Wno-missing-field-initializers; do
		AC_MSG_CHECKING([whether $CC accepts $flag])
		save_CFLAGS="$CFLAGS"
		CFLAGS="$CFLAGS -Werror $flag"
		AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
			[AC_MSG_RESULT([yes]); WARN_CFLAGS="$WARN_CFLAGS $flag"],
			[AC_MSG_RESULT([no])])
		CFLAGS="$save_CFLAGS"
	done
])
