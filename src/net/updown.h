/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NET_UPDOWN_H
#define ISOLA_NET_UPDOWN_H

/* isola-net up|down ROOT RUNROOT ID: a container's network, for its monitor. */
int net_updown_main(int argc, char **argv);

#endif
