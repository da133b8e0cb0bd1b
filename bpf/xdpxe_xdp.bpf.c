// SPDX-License-Identifier: GPL-2.0
/*
 * xdpxe's XDP program: steers PXE/iPXE DHCP requests and our ProxyDHCP/TFTP
 * traffic to the AF_XDP socket of the RX queue, passes everything else to
 * the kernel untouched (DESIGN.md "The XDP program").
 *
 *   UDP to port 67, BOOTREQUEST with option 60 "PXEClient"/"HTTPClient"
 *     or option 77 containing "iPXE"                        -> XSK
 *   UDP to config.server_ip, port 4011, 69 or the transfer range -> XSK
 *   anything else (ordinary DHCP, ARP, IPv6, TCP, fragments, malformed,
 *     other ports or addresses)                             -> XDP_PASS
 *
 * Every packet bumps one per-CPU counter (enum xdpxe_stat) before the
 * redirect, so bpf_prog_test_run sees "steered" without a bound socket. An
 * empty XSKMAP slot falls back to XDP_PASS: a stopped daemon blackholes
 * nothing. The config map can be rewritten while attached (xdpctl config).
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bootp.h"
#include "parsing.h"
#include "xdpxe_shared.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPXE_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpxe_config);
} xdpxe_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPXE_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xdpxe_counter);
} xdpxe_stats SEC(".maps");

static __always_inline void count(__u32 stat, __u64 bytes)
{
	struct xdpxe_counter *c = bpf_map_lookup_elem(&xdpxe_stats, &stat);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

static __always_inline enum xdpxe_stat dhcp_verdict(enum bootp_class cls)
{
	switch (cls) {
	case BOOTP_PXE:
		return XDPXE_STAT_STEER_DHCP_PXE;
	case BOOTP_IPXE:
		return XDPXE_STAT_STEER_DHCP_IPXE;
	case BOOTP_ORDINARY:
		return XDPXE_STAT_PASS_DHCP_ORDINARY;
	case BOOTP_NOT_REQUEST:
		return XDPXE_STAT_PASS_DHCP_NOT_REQUEST;
	case BOOTP_OVERLOAD:
		return XDPXE_STAT_PASS_DHCP_OVERLOAD;
	default:
		return XDPXE_STAT_PASS_DHCP_MALFORMED;
	}
}

static __always_inline int is_steer(enum xdpxe_stat s)
{
	return s < XDPXE_STAT_STEER_NO_SOCKET;
}

/* Decides what happens to the frame; returns the counter to bump. */
static __always_inline enum xdpxe_stat classify(struct xdp_md *ctx,
						const struct xdpxe_config *cfg)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct hdr_cursor nh = {.pos = data};
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udph;
	int proto, vlans, plen;
	__u16 dport;

	proto = parse_ethhdr(&nh, data_end, &eth, &vlans);
	if (proto < 0)
		return XDPXE_STAT_PASS_MALFORMED;
	if (proto != bpf_htons(ETH_P_IP))
		return XDPXE_STAT_PASS_NOT_IPV4;
	proto = parse_iphdr(&nh, data_end, &iph);
	if (proto < 0)
		return XDPXE_STAT_PASS_MALFORMED;
	if (ip_is_fragment(iph))
		return XDPXE_STAT_PASS_FRAGMENT;
	if (proto != IPPROTO_UDP)
		return XDPXE_STAT_PASS_NOT_UDP;
	plen = parse_udphdr(&nh, data_end, iph, &udph);
	if (plen < 0)
		return XDPXE_STAT_PASS_MALFORMED;

	dport = bpf_ntohs(udph->dest);
	if (dport == XDPXE_PORT_DHCP_SERVER) {
		if (cfg->flags & XDPXE_F_PASS_DHCP)
			return XDPXE_STAT_PASS_DHCP_CONFIG;
		/* Ethernet + tags + IPv4 header + UDP header. */
		return dhcp_verdict(bootp_classify(
			ctx, ETH_HLEN + vlans * 4 + iph->ihl * 4 + 8, plen));
	}
	if (!cfg->server_ip || iph->daddr != cfg->server_ip)
		return XDPXE_STAT_PASS_NOT_OURS;
	if (dport == XDPXE_PORT_PXE_PROXY)
		return XDPXE_STAT_STEER_PROXY;
	if (dport == XDPXE_PORT_TFTP)
		return XDPXE_STAT_STEER_TFTP;
	if (dport >= cfg->tftp_port_lo && dport <= cfg->tftp_port_hi)
		return XDPXE_STAT_STEER_TFTP_XFER;
	return XDPXE_STAT_PASS_NOT_OURS;
}

SEC("xdp")
int xdpxe_xdp(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	const struct xdpxe_config *cfg;
	enum xdpxe_stat verdict;
	__u32 zero = 0;
	int act;

	cfg = bpf_map_lookup_elem(&xdpxe_config, &zero);
	if (!cfg)
		return XDP_PASS;
	verdict = classify(ctx, cfg);
	if (is_steer(verdict) && (cfg->flags & XDPXE_F_PASS_ALL))
		verdict = XDPXE_STAT_PASS_DISABLED;
	count(verdict, bytes);
	if (!is_steer(verdict))
		return XDP_PASS;

	act = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	if (act != XDP_REDIRECT)
		count(XDPXE_STAT_STEER_NO_SOCKET, bytes);
	return act;
}

char LICENSE[] SEC("license") = "GPL";
