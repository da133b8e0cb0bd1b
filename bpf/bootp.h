/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classifies the BOOTP request in a UDP payload exactly like
 * dhcp::ClassifyBootRequest (userspace/dhcp/classify.h): op, hlen, magic
 * cookie, then a walk of the whole options area looking for option 52
 * (overload), 60 beginning "PXEClient"/"HTTPClient" and 77 containing "iPXE".
 *
 *   switch (bootp_classify(ctx, payload_off, payload_len)) { ... }
 *
 * Why bpf_loop and a per-CPU scratch value: a plain bounded loop over up to
 * ~3.5 KiB of options is verified iteration by iteration (the loop counter
 * and the offset are precise scalars that differ each time), which runs into
 * the verifier's jump-sequence limit long before the bound. bpf_loop's
 * callback is verified until its entry state repeats; keeping the
 * loop-carried state in a map value (which the verifier does not track)
 * makes that happen on the first pass. The kernel inlines bpf_loop, so the
 * runtime cost is a direct call per option. Every call consumes at least
 * one byte of the options area, so XDPXE_MAX_OPT_WALK calls always reach
 * its end.
 */
#ifndef XDPXE_BPF_BOOTP_H_
#define XDPXE_BPF_BOOTP_H_

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpxe_shared.h"

#define BOOTP_OPTIONS_OFF 240 /* fixed header (236) + magic cookie (4) */
#define BOOTP_OP_REQUEST  1
#define BOOTP_MAX_HLEN	  16

#define DHCP_OPT_PAD	   0
#define DHCP_OPT_END	   255
#define DHCP_OPT_OVERLOAD  52
#define DHCP_OPT_VENDOR_CL 60
#define DHCP_OPT_USER_CL   77

/* Frame offsets are masked with this to keep packet pointers bounded. */
#define BOOTP_OFF_MASK 0x1fff

enum bootp_class {
	BOOTP_NOT_REQUEST,
	BOOTP_MALFORMED,
	BOOTP_OVERLOAD,
	BOOTP_ORDINARY,
	BOOTP_PXE,
	BOOTP_IPXE,
};

enum bootp_seen {
	SEEN_OVERLOAD = 1 << 0,
	SEEN_PXE = 1 << 1,
	SEEN_IPXE = 1 << 2,
};

enum bootp_walk_state {
	WALK_RUNNING = 0,
	WALK_DONE, /* option 255 or the end of the payload */
	WALK_MALFORMED,
};

/* Loop-carried state of one walk (per-CPU scratch; offsets from ctx->data). */
struct bootp_walk {
	__u32 off;	/* next option code */
	__u32 end;	/* end of the UDP payload */
	__u32 scan;	/* next position searched for "iPXE" ... */
	__u32 scan_end; /* ... inside option 77 data; 0: not searching */
	__u32 seen;	/* enum bootp_seen */
	__u32 state;	/* enum bootp_walk_state */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bootp_walk);
} xdpxe_walk SEC(".maps");

struct bootp_walk_ctx {
	struct xdp_md *xdp;
	struct bootp_walk *w;
};

static __always_inline long walk_stop(struct bootp_walk *w, __u32 state)
{
	w->state = state;
	return 1;
}

/*
 * Pad runs and long user classes are what a hostile client would send to
 * make the walk slow, so both take several bytes per call: up to
 * BOOTP_UNROLL "iPXE" search positions, or BOOTP_UNROLL * 8 pads. A 1514-byte
 * DISCOVER of pads then costs well under 1 us (bench/xdp_benchmark.cc).
 */
#define BOOTP_UNROLL 8

static __always_inline long walk_scan(struct bootp_walk *w, void *data,
				      void *data_end)
{
	__u32 at = w->scan, stop = w->scan_end;
	__u8 *p;
	int k;

	/* A bounded loop (clang 14 will not unroll its four exits). */
	for (k = 0; k < BOOTP_UNROLL; k++) {
		if (at + 4 > stop)
			break;
		p = data + (at & BOOTP_OFF_MASK);
		if ((void *)(p + 4) > data_end)
			break; /* cannot happen: stop <= end <= frame */
		if (p[0] == 'i' && p[1] == 'P' && p[2] == 'X' && p[3] == 'E') {
			w->seen |= SEEN_IPXE;
			at = stop;
			break;
		}
		at++;
	}
	if (at == w->scan)
		return walk_stop(w, WALK_MALFORMED);
	if (at + 4 > stop) {
		w->off = stop;
		w->scan_end = 0;
	} else {
		w->scan = at;
	}
	return 0;
}

/*
 * Skips the pad run starting at off (a pad): eight bytes at a time while
 * they are all pads (the verifier allows unaligned packet loads unless
 * BPF_F_STRICT_ALIGNMENT), then byte by byte.
 */
static __always_inline long walk_pads(struct bootp_walk *w, __u32 off,
				      __u32 end, void *data, void *data_end)
{
	__u8 *p;
	int k;

	off++;
	for (k = 0; k < BOOTP_UNROLL; k++) {
		p = data + (off & BOOTP_OFF_MASK);
		if (off + 8 > end || (void *)(p + 8) > data_end ||
		    *(const __u64 *)p != 0)
			break;
		off += 8;
	}
	for (k = 0; k < 7; k++) {
		if (off >= end)
			break;
		p = data + (off & BOOTP_OFF_MASK);
		if ((void *)(p + 1) > data_end || *p != DHCP_OPT_PAD)
			break;
		off++;
	}
	w->off = off;
	return 0;
}

static __always_inline int vendor_class_is_pxe(const __u8 *v, __u8 len,
					       void *data_end)
{
	if (len >= 9 && (void *)(v + 9) <= data_end && v[0] == 'P' &&
	    v[1] == 'X' && v[2] == 'E' && v[3] == 'C' && v[4] == 'l' &&
	    v[5] == 'i' && v[6] == 'e' && v[7] == 'n' && v[8] == 't')
		return 1;
	if (len >= 10 && (void *)(v + 10) <= data_end && v[0] == 'H' &&
	    v[1] == 'T' && v[2] == 'T' && v[3] == 'P' && v[4] == 'C' &&
	    v[5] == 'l' && v[6] == 'i' && v[7] == 'e' && v[8] == 'n' &&
	    v[9] == 't')
		return 1;
	return 0;
}

/* bpf_loop callback: one option, a pad run or a stretch of "iPXE" search. */
static long bootp_walk_step(__u32 index, struct bootp_walk_ctx *c)
{
	void *data_end = (void *)(long)c->xdp->data_end;
	void *data = (void *)(long)c->xdp->data;
	struct bootp_walk *w = c->w;
	__u32 off = w->off, end = w->end;
	__u8 *p, code, len;

	if (w->scan_end)
		return walk_scan(w, data, data_end);
	if (off >= end)
		return walk_stop(w, WALK_DONE);
	p = data + (off & BOOTP_OFF_MASK);
	if ((void *)(p + 1) > data_end)
		return walk_stop(w, WALK_MALFORMED);
	code = p[0];
	if (code == DHCP_OPT_PAD)
		return walk_pads(w, off, end, data, data_end);
	if (code == DHCP_OPT_END)
		return walk_stop(w, WALK_DONE);
	if (off + 2 > end || (void *)(p + 2) > data_end)
		return walk_stop(w, WALK_MALFORMED);
	len = p[1];
	if (off + 2 + len > end)
		return walk_stop(w, WALK_MALFORMED);
	w->off = off + 2 + len;

	switch (code) {
	case DHCP_OPT_OVERLOAD:
		w->seen |= SEEN_OVERLOAD;
		break;
	case DHCP_OPT_VENDOR_CL:
		if (vendor_class_is_pxe(p + 2, len, data_end))
			w->seen |= SEEN_PXE;
		break;
	case DHCP_OPT_USER_CL:
		if (len >= 4 && !(w->seen & SEEN_IPXE)) {
			w->scan = off + 2;
			w->scan_end = off + 2 + len;
		}
		break;
	}
	return 0;
}

/*
 * Classifies the BOOTP message of payload_len bytes at frame offset
 * payload_off (the UDP payload, without Ethernet padding).
 */
static __always_inline enum bootp_class
bootp_classify(struct xdp_md *ctx, __u32 payload_off, __u32 payload_len)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct bootp_walk_ctx c = {.xdp = ctx};
	struct bootp_walk *w;
	__u32 zero = 0;
	__u8 *b;

	if (payload_len < BOOTP_OPTIONS_OFF)
		return BOOTP_MALFORMED;
	b = data + (payload_off & BOOTP_OFF_MASK);
	if ((void *)(b + BOOTP_OPTIONS_OFF) > data_end)
		return BOOTP_MALFORMED;
	if (b[0] != BOOTP_OP_REQUEST)
		return BOOTP_NOT_REQUEST;
	if (b[2] > BOOTP_MAX_HLEN)
		return BOOTP_MALFORMED;
	if (b[236] != 0x63 || b[237] != 0x82 || b[238] != 0x53 ||
	    b[239] != 0x63)
		return BOOTP_MALFORMED;

	w = bpf_map_lookup_elem(&xdpxe_walk, &zero);
	if (!w)
		return BOOTP_MALFORMED;
	w->off = payload_off + BOOTP_OPTIONS_OFF;
	w->end = payload_off + payload_len;
	w->scan = 0;
	w->scan_end = 0;
	w->seen = 0;
	w->state = WALK_RUNNING;
	c.w = w;
	bpf_loop(XDPXE_MAX_OPT_WALK, bootp_walk_step, &c, 0);

	if (w->state != WALK_DONE)
		return BOOTP_MALFORMED; /* malformed, or (never) out of steps */
	if (w->seen & SEEN_OVERLOAD)
		return BOOTP_OVERLOAD;
	if (w->seen & SEEN_IPXE)
		return BOOTP_IPXE;
	if (w->seen & SEEN_PXE)
		return BOOTP_PXE;
	return BOOTP_ORDINARY;
}

#endif /* XDPXE_BPF_BOOTP_H_ */
