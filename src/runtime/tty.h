/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_RUNTIME_TTY_H
#define ISOLA_RUNTIME_TTY_H

/*
 * A foreground `run` of a terminal container without --console-socket (what
 * `isola-runtime spec && isola-runtime run ID` gives): the runtime receives
 * the pty master itself and relays it to its own stdin/stdout, with the
 * caller's terminal in raw mode and window-size changes passed on.
 */

/* Receive the master from the runtime's console socketpair, if the container sent one. */
int tty_take_master(int sock);
/* Relay until the container side closes; restores the terminal. */
void tty_relay(int master);

#endif
