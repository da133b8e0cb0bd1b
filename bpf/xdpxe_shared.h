/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header shared by the XDP program (bpf/xdpxe_xdp.bpf.c) and
 * userspace (userspace/io/xdp_loader.cc, tests, xdpctl): the config map's
 * value, the stat indices and the flag bits. Plain C with fixed-width types
 * so both clang -target bpf and the C++ build read it the same way.
 *
 *   struct xdpxe_config cfg = { .server_ip = htonl(ip), .tftp_port_lo = 61000,
 *                               .tftp_port_hi = 65535 };
 *   bpf_map_update_elem(config_fd, &(__u32){0}, &cfg, BPF_ANY);
 */
#ifndef XDPXE_BPF_XDPXE_SHARED_H_
#define XDPXE_BPF_XDPXE_SHARED_H_

#include <linux/types.h>

#define XDPXE_PORT_DHCP_SERVER 67
#define XDPXE_PORT_TFTP	       69
#define XDPXE_PORT_PXE_PROXY   4011

/* Upper bound of the XSKMAP (one slot per RX queue). */
#define XDPXE_MAX_QUEUES 64

/*
 * Iterations of the BOOTP option walk. Every iteration consumes at least one
 * byte of the options area, and a linear (non-frags) XDP frame is at most a
 * page minus headroom and skb_shared_info (~3.5 KiB), so the walk always
 * reaches the end of the options area before this bound.
 */
#define XDPXE_MAX_OPT_WALK 4096

/* struct xdpxe_config.flags */
enum xdpxe_config_flag {
	/*
	 * Leave UDP port 67 to the kernel: a primary DHCP server runs on this
	 * host, and xdpxe reads copies of PXE requests from AF_PACKET.
	 */
	XDPXE_F_PASS_DHCP = 1u << 0,
	/* Steer nothing (maintenance); counters still run. */
	XDPXE_F_PASS_ALL = 1u << 1,
};
#define XDPXE_F_ALL (XDPXE_F_PASS_DHCP | XDPXE_F_PASS_ALL)

/*
 * Value of the one-entry config map (key 0). Userspace rewrites it whole
 * with one bpf_map_update_elem while the program runs; a packet racing the
 * update may see old and new fields mixed (one packet's decision, never an
 * unsafe access), which is why there is no lock.
 */
struct xdpxe_config {
	__u32 server_ip;    /* network byte order; 0: steer no 4011/TFTP */
	__u16 tftp_port_lo; /* host byte order, inclusive */
	__u16 tftp_port_hi; /* host byte order, inclusive; lo > hi: none */
	__u32 flags;	    /* enum xdpxe_config_flag */
	__u32 reserved;
};

/* Per-CPU counters, one per verdict and reason (index of the stats map). */
enum xdpxe_stat {
	XDPXE_STAT_STEER_DHCP_PXE = 0, /* port 67, option 60 PXE/HTTPClient */
	XDPXE_STAT_STEER_DHCP_IPXE,    /* port 67, option 77 has "iPXE" */
	XDPXE_STAT_STEER_PROXY,	       /* our address, port 4011 */
	XDPXE_STAT_STEER_TFTP,	       /* our address, port 69 */
	XDPXE_STAT_STEER_TFTP_XFER,    /* our address, transfer port range */
	XDPXE_STAT_STEER_NO_SOCKET,    /* steered, but no XSK in the slot */
	XDPXE_STAT_PASS_NOT_IPV4,      /* ARP, IPv6, > 2 VLAN tags, ... */
	XDPXE_STAT_PASS_NOT_UDP,       /* TCP, ICMP, ... */
	XDPXE_STAT_PASS_FRAGMENT,      /* IPv4 fragment (MF or offset) */
	XDPXE_STAT_PASS_MALFORMED, /* truncated/bad L2, IPv4 or UDP header */
	XDPXE_STAT_PASS_NOT_OURS,  /* UDP to other ports / addresses */
	XDPXE_STAT_PASS_DHCP_ORDINARY,	  /* BOOTREQUEST, no PXE/iPXE mark */
	XDPXE_STAT_PASS_DHCP_NOT_REQUEST, /* port 67, op != BOOTREQUEST */
	XDPXE_STAT_PASS_DHCP_MALFORMED,	  /* short, hlen, cookie, options */
	XDPXE_STAT_PASS_DHCP_OVERLOAD,	  /* option 52: never steered */
	XDPXE_STAT_PASS_DHCP_CONFIG,	  /* XDPXE_F_PASS_DHCP set */
	XDPXE_STAT_PASS_DISABLED,	  /* XDPXE_F_PASS_ALL set */
	XDPXE_STAT_MAX,
};

struct xdpxe_counter {
	__u64 packets;
	__u64 bytes;
};

#endif /* XDPXE_BPF_XDPXE_SHARED_H_ */
