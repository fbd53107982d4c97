/* commands.h: the entry point of each memattach command. */
#ifndef MEMATTACH_COMMANDS_H
#define MEMATTACH_COMMANDS_H

/*
 * Each gets argv starting at the command word (argv[0] is "run", "report",
 * ... or, for attach, the PID), so getopt_long can parse from argv[1] as
 * usual.  Each returns the process exit status.
 */
int cmd_run(int argc, char **argv);	/* memattach run ... */
int cmd_attach(int argc, char **argv);	/* memattach PID ... (argv[0]=PID) */
int cmd_detach(int argc, char **argv);	/* memattach detach PID */
int cmd_status(int argc, char **argv);	/* memattach status PID */
int cmd_live(int argc, char **argv);	/* memattach live PID */
int cmd_report(int argc, char **argv);	/* memattach report KIND FILE ... */

#endif /* MEMATTACH_COMMANDS_H */
