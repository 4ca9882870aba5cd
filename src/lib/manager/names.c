/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "manager/manager.h"

/* Names people can say aloud, as docker's adjective_surname. */
static const char *const adjectives[] = {
    "agile",  "bold",	"brave",  "calm",   "clever", "cosy",  "eager",	 "fancy",
    "gentle", "happy",	"jolly",  "keen",   "lucid",  "merry", "nimble", "proud",
    "quiet",  "quirky", "rapid",  "serene", "sharp",  "shy",   "sleepy", "smart",
    "sturdy", "swift",	"tender", "vivid",  "wise",   "witty", "zen",	 "zesty",
};
static const char *const nouns[] = {
    "badger",  "beaver", "bison",  "condor", "crane",  "dingo",	 "falcon", "ferret",
    "gecko",   "heron",	 "ibex",   "jackal", "koala",  "lemur",	 "lynx",   "marmot",
    "narwhal", "ocelot", "otter",  "panda",  "puffin", "quokka", "raven",  "salmon",
    "tapir",   "toucan", "urchin", "walrus", "wombat", "yak",	 "zebra",  "osprey",
};

void isola_ctr_random_name(char *buf, size_t size)
{
	unsigned int r[2] = {0, 0};
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		r[0] = (unsigned int)rand(), r[1] = (unsigned int)rand();
	snprintf(buf, size, "%s_%s", adjectives[r[0] % (sizeof(adjectives) / sizeof(*adjectives))],
		 nouns[r[1] % (sizeof(nouns) / sizeof(*nouns))]);
}

int isola_ctr_name_check(const char *name, struct isola_error *err)
{
	size_t n = strlen(name);
	bool ok = n >= 1 && n <= 128 && isalnum((unsigned char)name[0]);
	for (size_t i = 1; ok && i < n; i++)
		ok = isalnum((unsigned char)name[i]) || strchr("_.-", name[i]);
	if (ok)
		return 0;
	return err ? isola_err(err, ISOLA_ERR_INVALID, 0,
			       "invalid container name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] "
			       "are allowed",
			       name)
		   : -1;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT}, {"IOT", SIGIOT},	     {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},	   {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},	   {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"PWR", SIGPWR},	     {"SYS", SIGSYS},
};

int isola_signal_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);
		return *end || v < 1 || v > SIGRTMAX ? -1 : (int)v;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(*signals); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		int base = !strncasecmp(s, "RTMIN", 5) ? SIGRTMIN : SIGRTMAX;
		if (!s[5])
			return base;
		char *end;
		long off = strtol(s + 5, &end, 10);
		int v = base + (int)off;
		return *end || v < SIGRTMIN || v > SIGRTMAX ? -1 : v;
	}
	return -1;
}

int64_t isola_parse_bytes(const char *s)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	double v = strtod(s, &end);
	int64_t mult = 1;
	switch (tolower((unsigned char)*end)) {
	case 'b':
		mult = 1;
		break;
	case 'k':
		mult = 1LL << 10;
		break;
	case 'm':
		mult = 1LL << 20;
		break;
	case 'g':
		mult = 1LL << 30;
		break;
	case 't':
		mult = 1LL << 40;
		break;
	case 0:
		return (int64_t)v;
	default:
		return -1;
	}
	end++;
	if (*end && tolower((unsigned char)*end) == 'b' && mult > 1)
		end++;
	return *end || v * mult > 9.2e18 ? -1 : (int64_t)(v * mult);
}
