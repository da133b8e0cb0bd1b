/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header parsing for the XDP program, in the shape of xdp-tools'
 * parsing_helpers.h: a hdr_cursor advanced by parse_*hdr() helpers, each of
 * which bounds-checks against data_end and returns -1 on failure.
 *
 *   struct hdr_cursor nh = { .pos = data };
 *   int proto = parse_ethhdr(&nh, data_end, &eth, &vlans);
 *   if (proto == bpf_htons(ETH_P_IP) && parse_iphdr(&nh, data_end, &iph) ...
 *
 * The rules mirror net::ParseUdpFrame (userspace/net/frame.cc), which the
 * agreement test in tests/bpf checks frame by frame.
 */
#ifndef XDPXE_BPF_PARSING_H_
#define XDPXE_BPF_PARSING_H_

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* 802.1Q and QinQ (802.1ad): a third tag is not parsed (not IPv4). */
#define VLAN_MAX_DEPTH 2

#define IP_MF	  0x2000
#define IP_OFFSET 0x1fff

struct hdr_cursor {
	void *pos;
};

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

static __always_inline int proto_is_vlan(__u16 h_proto)
{
	return h_proto == bpf_htons(ETH_P_8021Q) ||
	       h_proto == bpf_htons(ETH_P_8021AD);
}

/*
 * Parses the Ethernet header and up to VLAN_MAX_DEPTH VLAN tags. Returns the
 * EtherType after the tags (network byte order; still a VLAN type when there
 * were more tags than we parse), or -1 when the frame ends inside them.
 * *vlans gets the number of tags.
 */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end,
					struct ethhdr **ethhdr, int *vlans)
{
	struct ethhdr *eth = nh->pos;
	struct vlan_hdr *vlh;
	__u16 h_proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	nh->pos = eth + 1;
	*ethhdr = eth;
	*vlans = 0;
	h_proto = eth->h_proto;

#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (!proto_is_vlan(h_proto))
			break;
		vlh = nh->pos;
		if ((void *)(vlh + 1) > data_end)
			return -1;
		h_proto = vlh->h_vlan_encapsulated_proto;
		nh->pos = vlh + 1;
		*vlans = i + 1;
	}
	return h_proto;
}

/*
 * Parses an IPv4 header with options (IHL 5..15). The frame must hold the
 * whole datagram (total length); bytes beyond it are Ethernet padding.
 * Returns the IP protocol, or -1 for a truncated or inconsistent header.
 */
static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end,
				       struct iphdr **iphdr)
{
	struct iphdr *iph = nh->pos;
	__u32 hdrsize, tot_len;

	if ((void *)(iph + 1) > data_end)
		return -1;
	if (iph->version != 4)
		return -1;
	hdrsize = iph->ihl * 4;
	if (hdrsize < sizeof(*iph))
		return -1;
	if (nh->pos + hdrsize > data_end)
		return -1;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < hdrsize)
		return -1;
	if (nh->pos + tot_len > data_end)
		return -1;
	nh->pos += hdrsize;
	*iphdr = iph;
	return iph->protocol;
}

static __always_inline int ip_is_fragment(const struct iphdr *iph)
{
	return (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET)) != 0;
}

/*
 * Parses the UDP header of the datagram under iph. The UDP length must fit
 * inside the IP payload. Returns the UDP payload length, or -1.
 */
static __always_inline int parse_udphdr(struct hdr_cursor *nh, void *data_end,
					const struct iphdr *iph,
					struct udphdr **udphdr)
{
	struct udphdr *h = nh->pos;
	__u32 ip_payload, len;

	ip_payload = bpf_ntohs(iph->tot_len) - iph->ihl * 4;
	if (ip_payload < sizeof(*h))
		return -1;
	if ((void *)(h + 1) > data_end)
		return -1;
	len = bpf_ntohs(h->len);
	if (len < sizeof(*h) || len > ip_payload)
		return -1;
	nh->pos = h + 1;
	*udphdr = h;
	return len - sizeof(*h);
}

#endif /* XDPXE_BPF_PARSING_H_ */
