// A simulated machine's TFTP side (machine.h): EDK2's size probe and
// windowed download, iPXE's lock-step script fetch, RFC 1350/2347/7440
// receive rules, and the byte-for-byte comparison with the file on disk.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "bench/bootstorm/machine.h"
#include "userspace/tftp/packet.h"

namespace xdpxe::bootstorm {

namespace {

std::string_view Strip(std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return name;
}

}  // namespace

double Machine::TftpRto() const {
  return ipxe_ ? cfg_->ipxe_tftp_rto_s : cfg_->fw_tftp_rto_s;
}

void Machine::StartTftp(net::Time now, FrameTx& tx, bool probe) {
  EnterPhase(ipxe_ ? Phase::kScript : Phase::kNbp, now);
  file_ = nullptr;
  for (const BootFile& f : *cfg_->files) {
    if (f.name == Strip(boot_file_)) file_ = &f;
  }
  if (file_ == nullptr) {
    Fail(now, absl::StrCat("server named a file not in the tftp root: '",
                           boot_file_, "'"));
    return;
  }
  probe_ = probe;
  state_ = probe ? State::kProbe : State::kRrq;
  // A new source port per request, as EDK2 and iPXE do.
  local_port_ = static_cast<uint16_t>(cfg_->port_base + (port_seq_++ % 1000));
  tid_ = {};
  next_block_ = 1;
  since_ack_ = 0;
  received_ = 0;
  blksize_ = 512;
  window_ = 1;
  last_was_gap_ack_ = false;
  tftp_tries_ = 0;
  tftp_rto_ = TftpRto();
  SendRrq(tx);
  Arm(now, tftp_rto_);
}

void Machine::SendRrq(FrameTx& tx) {
  std::span<uint8_t> room = tx.Begin(
      Spec(server_mac_, {ip_, local_port_}, {boot_server_, tftp::kTftpPort}));
  if (room.empty()) return;
  char bs[8], ws[8];
  tftp::OptionPair opts[3];
  size_t n = 0;
  if (raw_) {
    std::snprintf(bs, sizeof(bs), "%u", cfg_->fw_blksize);
    opts[n++] = {"blksize", bs};
    if (cfg_->raw_window > 1) {
      std::snprintf(ws, sizeof(ws), "%u", cfg_->raw_window);
      opts[n++] = {"windowsize", ws};
    }
  } else if (ipxe_) {
    std::snprintf(bs, sizeof(bs), "%u", cfg_->ipxe_blksize);
    opts[n++] = {"blksize", bs};
    opts[n++] = {"tsize", "0"};
  } else {
    uint16_t blk = arch_ == Arch::kBios ? cfg_->bios_blksize : cfg_->fw_blksize;
    std::snprintf(bs, sizeof(bs), "%u", blk);
    if (probe_) opts[n++] = {"tsize", "0"};
    opts[n++] = {"blksize", bs};
    if (arch_ != Arch::kBios && cfg_->fw_window > 0) {
      std::snprintf(ws, sizeof(ws), "%u", cfg_->fw_window);
      opts[n++] = {"windowsize", ws};
    }
  }
  tx.End(tftp::BuildRequest(room, tftp::Opcode::kRrq, boot_file_, "octet",
                            std::span<const tftp::OptionPair>(opts, n)));
}

void Machine::SendAck(uint16_t block, FrameTx& tx) {
  std::span<uint8_t> room =
      tx.Begin(Spec(server_mac_, {ip_, local_port_}, tid_));
  if (room.empty()) return;
  tx.End(tftp::BuildAck(room, block));
}

void Machine::SendTftpError(const net::Endpoint& to, uint16_t code,
                            std::string_view msg, FrameTx& tx) {
  std::span<uint8_t> room = tx.Begin(Spec(server_mac_, {ip_, local_port_}, to));
  if (room.empty()) return;
  tx.End(tftp::BuildError(room, static_cast<tftp::ErrorCode>(code), msg));
}

void Machine::OnTftp(const net::Endpoint& from,
                     std::span<const uint8_t> payload, net::Time now,
                     FrameTx& tx) {
  if (state_ != State::kProbe && state_ != State::kRrq &&
      state_ != State::kData) {
    return;
  }
  if (from.addr != boot_server_) return;
  if (tid_.port == 0) {
    tid_ = from;  // the server's transfer port, fixed from its first reply
  } else if (from != tid_) {
    return;  // RFC 1350: another TID; ignore
  }
  std::optional<tftp::Opcode> op = tftp::PeekOpcode(payload);
  if (!op) return;
  switch (*op) {
    case tftp::Opcode::kOack: {
      std::optional<tftp::OackOptions> o = tftp::ParseOack(payload);
      if (!o) {
        Fail(now, "unparsable OACK");
        return;
      }
      if (state_ == State::kProbe) {
        if (o->tsize && *o->tsize != file_->data.size()) {
          Fail(now, absl::StrCat("tsize ", *o->tsize, " != file size ",
                                 file_->data.size()));
          return;
        }
        // EDK2 ends the probe with ERROR 8 and asks again.
        SendTftpError(tid_, 8, "User aborted the transfer", tx);
        StartTftp(now, tx, /*probe=*/false);
        return;
      }
      if (state_ == State::kRrq) {
        blksize_ = static_cast<uint16_t>(o->blksize.value_or(512));
        window_ = static_cast<uint16_t>(o->windowsize.value_or(1));
        if (!ipxe_) nbp_window_ = window_;
        state_ = State::kData;
      }
      // (A repeated OACK in kData: our ACK 0 was lost.)
      SendAck(0, tx);
      tftp_tries_ = 0;
      tftp_rto_ = TftpRto();
      Arm(now, tftp_rto_);
      return;
    }
    case tftp::Opcode::kData: {
      std::optional<tftp::DataPacket> d = tftp::ParseData(payload);
      if (!d) return;
      if (state_ == State::kProbe) {
        // The server ignores options: the probe got data; stop it the same.
        SendTftpError(tid_, 8, "User aborted the transfer", tx);
        StartTftp(now, tx, /*probe=*/false);
        return;
      }
      if (state_ == State::kRrq) {
        state_ = State::kData;  // no OACK: RFC 1350 defaults
        blksize_ = 512;
        window_ = 1;
        if (!ipxe_) nbp_window_ = 1;
      }
      OnTftpData(d->block, d->data, now, tx);
      return;
    }
    case tftp::Opcode::kError: {
      std::optional<tftp::ErrorPacket> e = tftp::ParseError(payload);
      Fail(now, absl::StrCat("tftp ERROR ", e ? static_cast<int>(e->code) : -1,
                             " '", e ? std::string(e->message) : "", "' for ",
                             boot_file_));
      return;
    }
    default:
      return;
  }
}

void Machine::OnTftpData(uint16_t block, std::span<const uint8_t> data,
                         net::Time now, FrameTx& tx) {
  const uint16_t expected = static_cast<uint16_t>(next_block_);
  tftp_bytes_ += data.size();
  if (block == expected) {
    if (data.size() > blksize_ ||
        received_ + data.size() > file_->data.size() ||
        std::memcmp(file_->data.data() + received_, data.data(), data.size()) !=
            0) {
      Fail(now, absl::StrCat(boot_file_,
                             ": bytes differ from the file on "
                             "disk in block ",
                             next_block_));
      return;
    }
    received_ += data.size();
    ++next_block_;
    ++since_ack_;
    last_was_gap_ack_ = false;
    tftp_tries_ = 0;
    tftp_rto_ = TftpRto();
    if (data.size() < blksize_) {
      SendAck(block, tx);
      TftpFinished(now, tx);
      return;
    }
    if (since_ack_ >= window_) {
      SendAck(block, tx);
      since_ack_ = 0;
    }
    Arm(now, tftp_rto_);
    return;
  }
  const uint16_t behind = static_cast<uint16_t>(expected - block);
  if (behind != 0 && behind < 0x8000) {
    // A block we have: the server retransmits. Re-ACK the last good block
    // when the retransmission reaches it (our ACK was lost).
    ++dup_data_;
    if (behind == 1) SendAck(block, tx);
    return;
  }
  // A block from the future: one was lost. RFC 7440: ACK the last block
  // received in order, once per gap, so the server restarts the window.
  if (!last_was_gap_ack_) {
    SendAck(static_cast<uint16_t>(expected - 1), tx);
    last_was_gap_ack_ = true;
    since_ack_ = 0;
  }
}

void Machine::TftpFinished(net::Time now, FrameTx& tx) {
  if (received_ != file_->data.size()) {
    Fail(now, absl::StrCat(boot_file_, ": got ", received_, " of ",
                           file_->data.size(), " bytes"));
    return;
  }
  if (!ipxe_ && !raw_) {
    StartIpxeDhcp(now, tx);
    return;
  }
  state_ = State::kDone;
  t_end_ = now;
  deadline_ = net::Time::max();
  ++timer_gen_;
}

void Machine::TftpTimeout(net::Time now, FrameTx& tx) {
  const int max_tries = ipxe_ ? cfg_->ipxe_tftp_tries : cfg_->fw_tftp_tries;
  if (++tftp_tries_ >= max_tries) {
    Fail(now,
         absl::StrCat(boot_file_, ": TFTP timed out in block ", next_block_));
    return;
  }
  ++retransmits_;
  if (ipxe_) {
    tftp_rto_ = std::min(tftp_rto_ * 2, cfg_->ipxe_tftp_rto_max_s);
  }
  if (state_ == State::kData) {
    SendAck(static_cast<uint16_t>(next_block_ - 1), tx);
    since_ack_ = 0;
  } else {
    SendRrq(tx);
  }
  Arm(now, tftp_rto_);
}

}  // namespace xdpxe::bootstorm
