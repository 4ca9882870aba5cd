/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PUBLIC_SUPERVISE_H
#define ISOLA_PUBLIC_SUPERVISE_H

/*
 * Supervising a container process in the foreground (`isola-runtime run`,
 * `exec -t`, `isola exec -t`): wait for it, pass the caller's signals on,
 * and relay its pty to the caller's own stdin and stdout, with the caller's
 * terminal in raw mode and window-size changes passed on.
 */
#include <sys/types.h>

struct isola_container;

/* Receive the pty master the container sent on sock (its console socket), or -1. */
int isola_tty_take_master(int sock);
/* Relay until the container side closes; restores the terminal. */
void isola_tty_relay(int master);

/*
 * What a foreground `run` does until its container's init exits: SIGHUP,
 * SIGINT, SIGQUIT, SIGTERM, SIGUSR1/2, SIGWINCH, SIGCONT and the job-control
 * stops are passed on to the init, the pty (if the container has one and
 * run asked for relay_tty) is relayed, and every child that comes to the
 * caller (orphans, as a subreaper) is reaped. Returns the init's exit status
 * (128 + signal when killed).
 */
int isola_container_supervise(struct isola_container *c);

#endif
