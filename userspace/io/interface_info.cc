#include "userspace/io/interface_info.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "userspace/common/errno_status.h"

namespace xdpxe::io {

namespace {

// Queue count: ethtool channels when the driver reports them (real NICs),
// else the rx-N entries sysfs shows (veth, virtio without multiqueue).
uint32_t CountRxQueues(int fd, const std::string& ifname) {
  ethtool_channels ch{};
  ch.cmd = ETHTOOL_GCHANNELS;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(&ch);
  if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
    uint32_t n = ch.combined_count + ch.rx_count;
    if (n > 0) return n;
  }
  uint32_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(
           "/sys/class/net/" + ifname + "/queues", ec)) {
    if (e.path().filename().string().rfind("rx-", 0) == 0) ++n;
  }
  return n > 0 ? n : 1;
}

}  // namespace

absl::StatusOr<InterfaceInfo> ReadInterfaceInfo(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(
        absl::StrCat("interface name '", ifname,
                     "' is empty or too long (at most 15 characters)"));
  }
  InterfaceInfo info;
  info.name = ifname;
  info.ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (info.ifindex == 0) {
    return absl::NotFoundError(
        absl::StrCat(ifname, ": no such interface (ip -br link lists them)"));
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoToStatus(errno, "socket(AF_INET) for ioctls");
  absl::Cleanup close_fd = [fd] { close(fd); };

  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
    return ErrnoToStatus(errno, absl::StrCat(ifname, ": SIOCGIFHWADDR"));
  }
  for (int i = 0; i < 6; ++i) {
    info.mac.bytes[i] = static_cast<uint8_t>(ifr.ifr_hwaddr.sa_data[i]);
  }
  if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
    return ErrnoToStatus(errno, absl::StrCat(ifname, ": SIOCGIFMTU"));
  }
  info.mtu = static_cast<uint32_t>(ifr.ifr_mtu);
  info.rx_queues = CountRxQueues(fd, ifname);

  ifaddrs* addrs = nullptr;
  if (getifaddrs(&addrs) < 0) return ErrnoToStatus(errno, "getifaddrs");
  absl::Cleanup free_addrs = [addrs] { freeifaddrs(addrs); };
  for (ifaddrs* a = addrs; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if (ifname != a->ifa_name) continue;
    const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    info.ipv4 = net::Ipv4Addr::FromNetworkOrder(sin->sin_addr.s_addr);
    if (a->ifa_netmask != nullptr) {
      const auto* m = reinterpret_cast<const sockaddr_in*>(a->ifa_netmask);
      info.prefix_len = __builtin_popcount(m->sin_addr.s_addr);
    }
    break;
  }
  return info;
}

absl::Status RequireIpv4(const InterfaceInfo& info) {
  if (!info.ipv4.IsAny()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      info.name, ": no IPv4 address (add one: ip addr add ADDR/LEN dev ",
      info.name, ")"));
}

}  // namespace xdpxe::io
