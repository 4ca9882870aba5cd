/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rtnetlink socket and its request/ack exchange (libmnl for the socket
 * and the message layout, our own loop for the replies).
 *
 * Why our own receive loop instead of mnl_cb_run(): libmnl turns an
 * NLMSG_ERROR into errno and drops the extended ack, and the kernel's
 * extack message ("Unknown device type", "Nexthop has invalid gateway") is
 * often the only useful part of an error. The loop also drains a dump to its
 * NLMSG_DONE even when a callback failed, and skips replies of an earlier
 * sequence number, so one failed call never desynchronises the next.
 *
 * Why setns there and back in isola_nl_open: a netlink socket stays bound to
 * the netns it was created in, so opening it inside the container's netns
 * once is enough for everything after; the thread's own netns is restored
 * before returning (the callers are single-threaded helpers).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "core/cleanup.h"
#include "net/nl-internal.h"

/* A dump's messages come in skbs of up to 32 KiB when the reader's buffer is
 * that big (the kernel sizes them after the largest recvmsg buffer seen). */
#define NL_BUFSIZE 32768

struct isola_nl {
	struct mnl_socket *sock;
	unsigned portid, seq;
	char buf[NL_BUFSIZE];
};

struct nl_reply {
	unsigned seq;
	mnl_cb_t cb;
	void *data;
	struct isola_error *err;
	bool done, failed, interrupted;
};

static struct isola_nl *nl_new(struct isola_error *err)
{
	struct isola_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;
	if (!nl) {
		isola_err_sys(err, "allocate netlink socket");
		return NULL;
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		isola_err_sys(err, "open rtnetlink socket");
		isola_nl_close(nl);
		return NULL;
	}
	/* Extended acks carry the kernel's message; capped acks leave our
	 * request out of the error reply. Both are optional (Linux 4.12/4.3). */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return nl;
}

struct isola_nl *isola_nl_open(int netns_fd, struct isola_error *err)
{
	cleanup_close int home = -1;
	struct isola_nl *nl;

	if (netns_fd >= 0) {
		home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (home < 0) {
			isola_err_sys(err, "open \"/proc/thread-self/ns/net\"");
			return NULL;
		}
		if (setns(netns_fd, CLONE_NEWNET) < 0) {
			isola_err_sys(err, "enter network namespace (fd %d)", netns_fd);
			return NULL;
		}
	}
	nl = nl_new(err);
	/* Staying in the other netns would silently misdirect all that follows. */
	if (home >= 0 && setns(home, CLONE_NEWNET) < 0) {
		isola_err_sys(err, "return to the caller's network namespace");
		isola_nl_close(nl);
		return NULL;
	}
	return nl;
}

void isola_nl_close(struct isola_nl *nl)
{
	if (!nl)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

struct nlmsghdr *isola_nl_msg(struct isola_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	/* The dump bits mean something else on NEW requests (NLM_F_EXCL is
	 * NLM_F_MATCH): only a GET (type % 4 == 2 in rtnetlink) is a dump. */
	if ((type & 3) != 2 || (flags & NLM_F_DUMP) != NLM_F_DUMP)
		h->nlmsg_flags |= NLM_F_ACK;
	h->nlmsg_seq = ++nl->seq;
	return h;
}

static int ext_ack_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int errno_kind(int e)
{
	switch (e) {
	case EEXIST:
		return ISOLA_ERR_EXISTS;
	case ENODEV:
	case ENOENT:
		return ISOLA_ERR_NOT_FOUND;
	case EOPNOTSUPP:
		return ISOLA_ERR_UNSUPPORTED;
	case EBUSY:
		return ISOLA_ERR_BUSY;
	case EINVAL:
	case ERANGE:
		return ISOLA_ERR_INVALID;
	default:
		return ISOLA_ERR_SYSTEM;
	}
}

/* NLMSG_ERROR (an ack when error is 0) or NLMSG_DONE: both start with the
 * error code; the extended ack's attributes follow, after our own request
 * unless the ack was capped. */
static void nl_end(struct nl_reply *r, const struct nlmsghdr *h)
{
	const char *ext = NULL;
	size_t off = sizeof(int);
	int e;

	if (mnl_nlmsg_get_payload_len(h) < sizeof(int))
		return;
	e = -*(const int *)mnl_nlmsg_get_payload(h);
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *ne = mnl_nlmsg_get_payload(h);
		if (mnl_nlmsg_get_payload_len(h) < sizeof(*ne))
			return;
		off = sizeof(*ne);
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += ne->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (e == 0 || r->failed)
		return;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && off < mnl_nlmsg_get_payload_len(h))
		mnl_attr_parse(h, (unsigned)off, ext_ack_attr, &ext);
	if (ext && *ext)
		isola_err(r->err, errno_kind(e), e, "%s", ext);
	else
		isola_err(r->err, errno_kind(e), 0, "%s", strerror(e));
	r->err->errnum = e;
	r->failed = true;
}

static void nl_dispatch(struct isola_nl *nl, struct nl_reply *r, int len)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)nl->buf;

	for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		if (h->nlmsg_seq != r->seq || h->nlmsg_pid != nl->portid)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
			nl_end(r, h);
			r->done = true;
			return;
		}
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			r->interrupted = true;
		if (r->cb && !r->failed && r->cb(h, r->data) == MNL_CB_ERROR)
			r->failed = true;
	}
}

int isola_nl_talk(struct isola_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		  struct isola_error *err)
{
	struct nl_reply r = {.seq = nlh->nlmsg_seq, .cb = cb, .data = data, .err = err};

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return isola_err_sys(err, "send netlink request");
	while (!r.done) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return isola_err_sys(err, "receive netlink reply");
		nl_dispatch(nl, &r, (int)n);
	}
	if (r.failed)
		return -1;
	/* The table changed while the kernel walked it: the caller retries. */
	if (r.interrupted)
		return isola_err(err, ISOLA_ERR_SYSTEM, EINTR, "netlink dump interrupted");
	return 0;
}

int isola_nl_check_name(const char *name, struct isola_error *err)
{
	if (!name || !*name)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "empty link name");
	if (strlen(name) >= IFNAMSIZ)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "link name \"%s\" is longer than %d characters", name,
				 IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n\r\v\f"))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid link name \"%s\"", name);
	return 0;
}
