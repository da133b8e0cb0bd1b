// One simulated PXE machine: the boot as OVMF/EDK2 (or a BIOS PXE ROM) and
// then iPXE perform it (tests/fixtures/README.md), as a sans-I/O state
// machine. It is handed received payloads and `now`, and sends through a
// FrameTx; Storm (storm.h) owns the sockets, the timers and the demux.
//
//   firmware DHCP (DISCOVER, both offers, REQUEST, ACK)
//   -> 4011 boot-server REQUEST/ACK when the proxy offer had no file
//   -> NBP over TFTP (tsize probe, ERROR 8, RRQ blksize 1468 windowsize 4)
//   -> iPXE DHCP (user class iPXE, option 175) -> script, lock-step 1432
//   -> done, every byte compared with the file on disk.
#ifndef XDPXE_BENCH_BOOTSTORM_MACHINE_H_
#define XDPXE_BENCH_BOOTSTORM_MACHINE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bootstorm/dhcp_wire.h"
#include "userspace/net/addr.h"
#include "userspace/net/datagram.h"
#include "userspace/net/frame.h"

namespace xdpxe::bootstorm {

enum class Arch : uint8_t { kBios, kX64, kArm64 };
std::string_view ArchName(Arch a);

// Phases of a boot, in order; a machine's time is split among them.
enum class Phase : uint8_t {
  kFwDhcp,    // firmware DISCOVER .. ACK
  kBinl,      // port-4011 exchange (skipped when the offer named the file)
  kNbp,       // boot program download (with the tsize probe)
  kIpxeDhcp,  // iPXE's DISCOVER .. ACK
  kScript,    // autoexec.ipxe download
};
inline constexpr int kNumPhases = 5;
std::string_view PhaseName(Phase p);

// Client-side sending: room for a UDP payload behind the headers of `spec`,
// then End(len) writes the headers and queues the frame. Begin returns an
// empty span when the TX ring is full (the timers recover, as on a wire).
class FrameTx {
 public:
  virtual ~FrameTx() = default;
  virtual std::span<uint8_t> Begin(const net::UdpFrameSpec& spec) = 0;
  virtual void End(size_t payload_len) = 0;
};

struct BootFile {
  std::string name;
  std::vector<uint8_t> data;
};

struct MachineConfig {
  uint16_t fw_blksize = 1468;
  uint16_t fw_window = 4;  // 0: no windowsize option
  bool fw_tsize_probe = true;
  uint16_t bios_blksize = 1456;
  uint16_t ipxe_blksize = 1432;
  // Firmware DHCP/4011: 4 s, doubling, 4 tries (EDK2 PxeBc).
  double fw_dhcp_rto_s = 4.0;
  int fw_dhcp_tries = 4;
  // iPXE DHCP: 1 s doubling, 5 tries.
  double ipxe_dhcp_rto_s = 1.0;
  int ipxe_dhcp_tries = 5;
  // TFTP: EDK2 MTFTP 4 s x 6; iPXE starts at 1/4 s and doubles to 10 s.
  double fw_tftp_rto_s = 4.0;
  int fw_tftp_tries = 6;
  double ipxe_tftp_rto_s = 0.25;
  double ipxe_tftp_rto_max_s = 10.0;
  int ipxe_tftp_tries = 10;
  // Raw TFTP mode: no DHCP; machine i at raw_ip_base + i downloads
  // raw_file from raw_server with blksize fw_blksize and window raw_window.
  bool raw = false;
  std::string raw_file;
  net::Ipv4Addr raw_ip_base;
  net::Ipv4Addr raw_server;
  net::MacAddr raw_server_mac;
  uint16_t raw_window = 1;
  // First TFTP source port of each machine. Successive raw steps against
  // one server use fresh ranges, so no RRQ reuses the (address, port) of a
  // transfer the server may still remember.
  uint16_t port_base = 1800;
  // The boot files by name, as on the server's disk, for byte comparison.
  const std::vector<BootFile>* files = nullptr;
};

class Machine {
 public:
  enum class State : uint8_t {
    kIdle,
    kDiscover,  // collecting offers
    kRequest,   // REQUEST sent
    kBinl,      // 4011 REQUEST sent
    kProbe,     // tsize RRQ sent
    kRrq,       // RRQ sent
    kData,      // receiving DATA
    kDone,
    kFailed,
  };

  Machine(uint32_t id, Arch arch, const MachineConfig* cfg);
  static std::string_view StateName(State s);
  // BOOTSTORM_TRACE=<id>: that machine logs every event to stderr.
  static void SetTrace(int64_t id) { trace_id_ = id; }

  static net::MacAddr MacFor(uint32_t id);
  // The machine id encoded in a MAC from MacFor, or -1.
  static int64_t IdFromMac(const net::MacAddr& mac);

  void Start(net::Time now, FrameTx& tx);
  // A DHCP reply (port 68, or 4011) whose chaddr is ours.
  void OnDhcp(const ReplyView& r, const net::MacAddr& from_mac, net::Time now,
              FrameTx& tx);
  // A UDP datagram to our address and current TFTP port.
  void OnTftp(const net::Endpoint& from, std::span<const uint8_t> payload,
              net::Time now, FrameTx& tx);
  void OnTimer(net::Time now, FrameTx& tx);

  net::Time deadline() const { return deadline_; }
  uint32_t timer_gen() const { return timer_gen_; }
  State state() const { return state_; }
  bool finished() const {
    return state_ == State::kDone || state_ == State::kFailed;
  }
  uint32_t id() const { return id_; }
  Arch arch() const { return arch_; }
  const net::MacAddr& mac() const { return mac_; }
  net::Ipv4Addr ip() const { return ip_; }
  uint16_t tftp_port() const { return local_port_; }
  bool ipxe_stage() const { return ipxe_; }

  // Results.
  net::Time start_time() const { return t_start_; }
  net::Time end_time() const { return t_end_; }
  // Start of each phase; equal to the next one's when skipped.
  net::Time phase_start(int p) const { return t_phase_[p]; }
  const std::string& failure() const { return failure_; }
  uint32_t retransmits() const { return retransmits_; }
  uint32_t dup_data() const { return dup_data_; }
  uint64_t tftp_bytes() const { return tftp_bytes_; }
  uint16_t negotiated_window() const { return nbp_window_; }

 private:
  // Headers of our next frame (a fresh IP id each), and a client message
  // with our identity filled in.
  net::UdpFrameSpec Spec(const net::MacAddr& dst_mac, const net::Endpoint& src,
                         const net::Endpoint& dst);
  ClientMessage Message(dhcp::MessageType type) const;
  void SendDhcp(dhcp::MessageType type, FrameTx& tx);
  void SendBinl(FrameTx& tx);
  void StartFirmwareDhcp(net::Time now, FrameTx& tx);
  void StartIpxeDhcp(net::Time now, FrameTx& tx);
  void AfterAck(net::Time now, FrameTx& tx);
  void StartTftp(net::Time now, FrameTx& tx, bool probe);
  void SendRrq(FrameTx& tx);
  void SendAck(uint16_t block, FrameTx& tx);
  void SendTftpError(const net::Endpoint& to, uint16_t code,
                     std::string_view msg, FrameTx& tx);
  void TftpFinished(net::Time now, FrameTx& tx);
  void Arm(net::Time now, double seconds);
  void Fail(net::Time now, std::string why);
  void EnterPhase(Phase p, net::Time now);
  void DhcpTimeout(net::Time now, FrameTx& tx);
  void TftpTimeout(net::Time now, FrameTx& tx);
  void OnTftpData(uint16_t block, std::span<const uint8_t> data, net::Time now,
                  FrameTx& tx);
  double TftpRto() const;
  ClientKind kind() const;

  void Trace(const char* what, net::Time now) const;
  static inline int64_t trace_id_ = -1;

  const MachineConfig* cfg_;
  uint32_t id_;
  Arch arch_;
  net::MacAddr mac_;
  State state_ = State::kIdle;
  bool ipxe_ = false;  // in the iPXE stage
  bool raw_ = false;   // raw TFTP mode
  uint32_t xid_ = 0;
  uint16_t ip_id_ = 0;

  // DHCP.
  bool have_ip_offer_ = false;
  bool have_proxy_offer_ = false;
  net::Ipv4Addr offered_ip_;
  net::Ipv4Addr primary_id_;
  net::Ipv4Addr proxy_id_;
  net::Ipv4Addr boot_server_;
  net::MacAddr server_mac_;
  std::string boot_file_;
  uint16_t boot_item_ = 0;  // BIOS boot-server discovery
  net::Ipv4Addr ip_;
  int tries_ = 0;
  double rto_ = 0;

  // TFTP.
  const BootFile* file_ = nullptr;
  uint16_t local_port_ = 0;
  uint16_t port_seq_ = 0;
  net::Endpoint tid_;  // server's transfer endpoint
  uint16_t blksize_ = 512;
  uint16_t window_ = 1;
  uint16_t nbp_window_ = 0;
  uint64_t next_block_ = 1;  // 64-bit count; on the wire modulo 65536
  uint16_t since_ack_ = 0;
  uint64_t received_ = 0;
  bool probe_ = false;
  bool last_was_gap_ack_ = false;
  int tftp_tries_ = 0;
  double tftp_rto_ = 0;

  // Timers and results.
  net::Time deadline_ = net::Time::max();
  uint32_t timer_gen_ = 0;
  net::Time t_start_{};
  net::Time t_end_{};
  net::Time t_phase_[kNumPhases]{};
  int phase_ = -1;
  std::string failure_;
  uint32_t retransmits_ = 0;
  uint32_t dup_data_ = 0;
  uint64_t tftp_bytes_ = 0;
};

}  // namespace xdpxe::bootstorm

#endif  // XDPXE_BENCH_BOOTSTORM_MACHINE_H_
