// SPDX-License-Identifier: GPL-2.0
/* Placeholder XDP program: passes everything (filled in by the XDP issue). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdpxe_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
