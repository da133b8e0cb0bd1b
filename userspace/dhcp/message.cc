// ParseMessage, OptionValue and MessageBuilder (see message.h). The option
// walker is written once and used both to validate and index a message and
// to revisit the pieces of a split (RFC 3396) option later.
#include "userspace/dhcp/message.h"

#include <algorithm>
#include <cstring>

namespace xdpxe::dhcp {
namespace {

struct AreaBounds {
  size_t begin;
  size_t end;
};

AreaBounds Bounds(OptionArea a, size_t payload_size) {
  switch (a) {
    case OptionArea::kFile:
      return {kOffFile, kOffFile + kFileLen};
    case OptionArea::kSname:
      return {kOffSname, kOffSname + kSnameLen};
    case OptionArea::kOptions:
      break;
  }
  return {kOffOptions, payload_size};
}

// RFC 3396 section 7: options, then file, then sname.
bool NextArea(OptionArea* a, uint8_t overload) {
  if (*a == OptionArea::kOptions && (overload & kOverloadFile)) {
    *a = OptionArea::kFile;
    return true;
  }
  if (*a != OptionArea::kSname && (overload & kOverloadSname)) {
    *a = OptionArea::kSname;
    return true;
  }
  return false;
}

// Walks the options of p[begin, end) from `begin`, calling
// visit(code, offset_of_code_byte, data) for each option other than pad;
// stops at end (255). `visit` returns kOk to go on, kTruncated to stop
// early (not an error), or an error to fail.
template <typename Visit>
ParseError WalkArea(std::span<const uint8_t> p, size_t begin, size_t end,
                    Visit&& visit) {
  size_t off = begin;
  while (off < end) {
    const uint8_t code = p[off];
    if (code == opt::kPad) {
      ++off;
      continue;
    }
    if (code == opt::kEnd) break;
    if (off + 1 >= end) return ParseError::kOptionTruncated;
    const size_t len = p[off + 1];
    if (off + 2 + len > end) return ParseError::kOptionOverrun;
    const ParseError e = visit(code, off, p.subspan(off + 2, len));
    if (e == ParseError::kTruncated) return ParseError::kOk;
    if (e != ParseError::kOk) return e;
    off += 2 + len;
  }
  return ParseError::kOk;
}

uint32_t Load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | p[3];
}
uint16_t Load16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
void Store32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
void Store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}

std::string_view FieldText(std::span<const uint8_t> p, size_t off, size_t len) {
  const char* s = reinterpret_cast<const char*>(p.data() + off);
  return std::string_view(s, strnlen(s, len));
}

}  // namespace

std::string_view ParseErrorName(ParseError e) {
  switch (e) {
    case ParseError::kOk:
      return "ok";
    case ParseError::kTruncated:
      return "truncated";
    case ParseError::kBadOp:
      return "bad-op";
    case ParseError::kBadHlen:
      return "bad-hlen";
    case ParseError::kBadCookie:
      return "bad-cookie";
    case ParseError::kOptionTruncated:
      return "option-truncated";
    case ParseError::kOptionOverrun:
      return "option-overrun";
    case ParseError::kBadOverload:
      return "bad-overload";
    case ParseError::kOverloadLoop:
      return "overload-loop";
  }
  return "?";
}

// --- OptionValue ---------------------------------------------------------

void OptionValue::ForEachPiece(
    absl::FunctionRef<void(std::span<const uint8_t>)> f) const {
  if (msg_ == nullptr) return;
  const std::span<const uint8_t> p = msg_->payload_;
  if (count_ == 1) {  // the common case: no walk needed
    f(p.subspan(first_ + 2, size_));
    return;
  }
  const uint8_t code = p[first_];
  uint32_t found = 0;
  OptionArea area = area_;
  size_t from = first_;
  do {
    const AreaBounds b = Bounds(area, p.size());
    WalkArea(
        p, from, b.end, [&](uint8_t c, size_t, std::span<const uint8_t> data) {
          if (c != code) return ParseError::kOk;
          f(data);
          return ++found == count_ ? ParseError::kTruncated : ParseError::kOk;
        });
    if (found == count_) return;
    if (!NextArea(&area, msg_->overload_)) return;
    from = Bounds(area, p.size()).begin;
  } while (true);
}

std::span<const uint8_t> OptionValue::contiguous() const {
  if (msg_ == nullptr || count_ != 1) return {};
  return msg_->payload_.subspan(first_ + 2, size_);
}

size_t OptionValue::CopyTo(std::span<uint8_t> out) const {
  size_t n = 0;
  ForEachPiece([&](std::span<const uint8_t> piece) {
    const size_t k = std::min(piece.size(), out.size() - n);
    if (k > 0) std::memcpy(out.data() + n, piece.data(), k);
    n += k;
  });
  return n;
}

std::optional<uint8_t> OptionValue::U8() const {
  uint8_t b[1];
  if (size_ != 1 || CopyTo(b) != 1) return std::nullopt;
  return b[0];
}

std::optional<uint16_t> OptionValue::U16() const {
  uint8_t b[2];
  if (size_ != 2 || CopyTo(b) != 2) return std::nullopt;
  return Load16(b);
}

std::optional<uint32_t> OptionValue::U32() const {
  uint8_t b[4];
  if (size_ != 4 || CopyTo(b) != 4) return std::nullopt;
  return Load32(b);
}

std::optional<net::Ipv4Addr> OptionValue::Ip() const {
  const auto v = U32();
  if (!v) return std::nullopt;
  return net::Ipv4Addr{*v};
}

bool OptionValue::StartsWith(std::string_view prefix) const {
  if (!present() || size_ < prefix.size()) return false;
  size_t matched = 0;
  bool ok = true;
  ForEachPiece([&](std::span<const uint8_t> piece) {
    const size_t k = std::min(piece.size(), prefix.size() - matched);
    if (ok && k > 0) {
      ok = std::memcmp(piece.data(), prefix.data() + matched, k) == 0;
      matched += k;
    }
  });
  return ok;
}

bool OptionValue::Contains(std::string_view needle) const {
  if (needle.empty()) return present();
  if (needle.size() > 64 || size_ < needle.size()) return false;
  // Slide over the logical (concatenated) data keeping the last
  // needle.size() bytes in a window, so a match may span pieces.
  uint8_t window[64];
  size_t filled = 0;
  bool found = false;
  const size_t m = needle.size();
  ForEachPiece([&](std::span<const uint8_t> piece) {
    for (uint8_t c : piece) {
      if (found) return;
      if (filled == m) {
        std::memmove(window, window + 1, m - 1);
        filled = m - 1;
      }
      window[filled++] = c;
      found = filled == m && std::memcmp(window, needle.data(), m) == 0;
    }
  });
  return found;
}

bool OptionValue::Equals(std::span<const uint8_t> data) const {
  if (!present() || data.size() != size_) return false;
  size_t at = 0;
  bool ok = true;
  ForEachPiece([&](std::span<const uint8_t> piece) {
    // memcmp wants valid pointers even for 0 bytes; an empty span's may be
    // null.
    ok = ok && (piece.empty() ||
                std::memcmp(piece.data(), data.data() + at, piece.size()) == 0);
    at += piece.size();
  });
  return ok;
}

// --- Message -------------------------------------------------------------

net::MacAddr Message::mac() const {
  return net::MacAddr::FromBytes(
      std::span<const uint8_t, 6>(header_.chaddr.data(), 6));
}

std::string_view Message::sname() const {
  if (overload_ & kOverloadSname) return {};
  return FieldText(payload_, kOffSname, kSnameLen);
}

std::string_view Message::file() const {
  if (overload_ & kOverloadFile) return {};
  return FieldText(payload_, kOffFile, kFileLen);
}

OptionValue Message::Get(uint8_t code) const {
  OptionValue v;
  if (slot_[code] == 0) return v;
  const Entry& e = entries_[slot_[code] - 1];
  v.msg_ = this;
  v.first_ = e.first;
  v.size_ = e.size;
  v.count_ = e.count;
  v.area_ = e.area;
  return v;
}

ParseError ParseMessage(std::span<const uint8_t> p, Message* m) {
  if (p.size() < kFixedLen) return ParseError::kTruncated;
  const uint8_t op = p[kOffOp];
  if (op != kBootRequest && op != kBootReply) return ParseError::kBadOp;
  if (p[kOffHlen] > kMaxHlen) return ParseError::kBadHlen;
  if (std::memcmp(p.data() + kOffCookie, kMagicCookie, 4) != 0) {
    return ParseError::kBadCookie;
  }
  BootpHeader& h = m->header_;
  h.op = op;
  h.htype = p[kOffHtype];
  h.hlen = p[kOffHlen];
  h.hops = p[kOffHops];
  h.xid = Load32(&p[kOffXid]);
  h.secs = Load16(&p[kOffSecs]);
  h.flags = Load16(&p[kOffFlags]);
  h.ciaddr = net::Ipv4Addr{Load32(&p[kOffCiaddr])};
  h.yiaddr = net::Ipv4Addr{Load32(&p[kOffYiaddr])};
  h.siaddr = net::Ipv4Addr{Load32(&p[kOffSiaddr])};
  h.giaddr = net::Ipv4Addr{Load32(&p[kOffGiaddr])};
  std::memcpy(h.chaddr.data(), &p[kOffChaddr], kChaddrLen);
  m->payload_ = p;
  m->type_ = MessageType::kNone;
  m->overload_ = 0;
  m->count_ = 0;
  std::memset(m->slot_, 0, sizeof(m->slot_));

  OptionArea area = OptionArea::kOptions;
  auto record = [&](uint8_t code, size_t off, std::span<const uint8_t> data) {
    if (code == opt::kOverload && area != OptionArea::kOptions) {
      return ParseError::kOverloadLoop;
    }
    if (m->slot_[code] == 0) {
      Message::Entry& e = m->entries_[m->count_];
      e.first = uint32_t(off);
      e.size = uint32_t(data.size());
      e.count = 1;
      e.code = code;
      e.area = area;
      m->slot_[code] = uint8_t(++m->count_);
    } else {
      Message::Entry& e = m->entries_[m->slot_[code] - 1];
      e.size += uint32_t(data.size());
      ++e.count;
    }
    return ParseError::kOk;
  };
  ParseError e = WalkArea(p, kOffOptions, p.size(), record);
  if (e != ParseError::kOk) return e;
  if (m->Has(opt::kOverload)) {
    const auto v = m->Get(opt::kOverload).U8();
    if (!v || *v < kOverloadFile || *v > kOverloadBoth) {
      return ParseError::kBadOverload;
    }
    m->overload_ = *v;
    while (NextArea(&area, m->overload_)) {
      const AreaBounds b = Bounds(area, p.size());
      e = WalkArea(p, b.begin, b.end, record);
      if (e != ParseError::kOk) return e;
    }
  }
  if (const auto t = m->Get(opt::kMessageType).U8()) {
    m->type_ = MessageType(*t);
  }
  return ParseError::kOk;
}

// --- MessageBuilder ------------------------------------------------------

MessageBuilder::MessageBuilder(std::span<uint8_t> out) : out_(out) {
  if (out_.size() < kFixedLen) {
    out_ = {};
    ok_ = false;
    return;
  }
  std::memset(out_.data(), 0, kFixedLen);
  std::memcpy(out_.data() + kOffCookie, kMagicCookie, 4);
  len_ = kFixedLen;
}

#define XDPXE_HDR_SETTER(name, type, store)      \
  MessageBuilder& MessageBuilder::name(type v) { \
    if (!out_.empty()) store;                    \
    return *this;                                \
  }
XDPXE_HDR_SETTER(set_op, uint8_t, out_[kOffOp] = v)
XDPXE_HDR_SETTER(set_htype, uint8_t, out_[kOffHtype] = v)
XDPXE_HDR_SETTER(set_hlen, uint8_t, out_[kOffHlen] = v)
XDPXE_HDR_SETTER(set_hops, uint8_t, out_[kOffHops] = v)
XDPXE_HDR_SETTER(set_xid, uint32_t, Store32(&out_[kOffXid], v))
XDPXE_HDR_SETTER(set_secs, uint16_t, Store16(&out_[kOffSecs], v))
XDPXE_HDR_SETTER(set_flags, uint16_t, Store16(&out_[kOffFlags], v))
XDPXE_HDR_SETTER(set_ciaddr, net::Ipv4Addr, Store32(&out_[kOffCiaddr], v.value))
XDPXE_HDR_SETTER(set_yiaddr, net::Ipv4Addr, Store32(&out_[kOffYiaddr], v.value))
XDPXE_HDR_SETTER(set_siaddr, net::Ipv4Addr, Store32(&out_[kOffSiaddr], v.value))
XDPXE_HDR_SETTER(set_giaddr, net::Ipv4Addr, Store32(&out_[kOffGiaddr], v.value))
#undef XDPXE_HDR_SETTER

MessageBuilder& MessageBuilder::set_chaddr(
    const std::array<uint8_t, kChaddrLen>& c) {
  if (!out_.empty()) std::memcpy(&out_[kOffChaddr], c.data(), kChaddrLen);
  return *this;
}

MessageBuilder& MessageBuilder::set_sname(std::string_view s) {
  if (s.size() > kSnameLen) {
    ok_ = false;
  } else if (!out_.empty()) {
    std::memset(&out_[kOffSname], 0, kSnameLen);
    if (!s.empty()) std::memcpy(&out_[kOffSname], s.data(), s.size());
  }
  return *this;
}

MessageBuilder& MessageBuilder::set_file(std::string_view s) {
  if (s.size() > kFileLen) {
    ok_ = false;
  } else if (!out_.empty()) {
    std::memset(&out_[kOffFile], 0, kFileLen);
    if (!s.empty()) std::memcpy(&out_[kOffFile], s.data(), s.size());
  }
  return *this;
}

MessageBuilder& MessageBuilder::CopyHeader(const BootpHeader& h) {
  set_op(h.op).set_htype(h.htype).set_hlen(h.hlen).set_hops(h.hops);
  set_xid(h.xid).set_secs(h.secs).set_flags(h.flags);
  set_ciaddr(h.ciaddr).set_yiaddr(h.yiaddr).set_siaddr(h.siaddr);
  return set_giaddr(h.giaddr).set_chaddr(h.chaddr);
}

uint8_t* MessageBuilder::Room(size_t n) {
  if (!ok_ || out_.size() - len_ < n) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* at = out_.data() + len_;
  len_ += n;
  return at;
}

MessageBuilder& MessageBuilder::Add(uint8_t code,
                                    std::span<const uint8_t> data) {
  if (code == opt::kPad || code == opt::kEnd) {
    ok_ = false;  // not options a caller can add
    return *this;
  }
  do {
    const size_t k = std::min<size_t>(data.size(), 255);
    uint8_t* at = Room(2 + k);
    if (at == nullptr) return *this;
    at[0] = code;
    at[1] = uint8_t(k);
    if (k > 0) std::memcpy(at + 2, data.data(), k);
    data = data.subspan(k);
  } while (!data.empty());
  return *this;
}

MessageBuilder& MessageBuilder::Add(uint8_t code, std::string_view text) {
  return Add(code,
             std::span<const uint8_t>(
                 reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

MessageBuilder& MessageBuilder::Add(uint8_t code, const OptionValue& v) {
  if (!v.present()) return *this;
  if (v.size() == 0) return Add(code, std::span<const uint8_t>());
  v.ForEachPiece([&](std::span<const uint8_t> piece) {
    if (!piece.empty()) Add(code, piece);
  });
  return *this;
}

MessageBuilder& MessageBuilder::AddU8(uint8_t code, uint8_t v) {
  return Add(code, std::span<const uint8_t>(&v, 1));
}

MessageBuilder& MessageBuilder::AddU16(uint8_t code, uint16_t v) {
  uint8_t b[2];
  Store16(b, v);
  return Add(code, b);
}

MessageBuilder& MessageBuilder::AddU32(uint8_t code, uint32_t v) {
  uint8_t b[4];
  Store32(b, v);
  return Add(code, b);
}

MessageBuilder& MessageBuilder::AddIp(uint8_t code, net::Ipv4Addr a) {
  return AddU32(code, a.value);
}

size_t MessageBuilder::Finish() {
  uint8_t* end = Room(1);
  if (end == nullptr) return 0;
  *end = opt::kEnd;
  // Pad to the BOOTP minimum as far as the buffer allows: a shorter reply
  // is still valid DHCP, only some relays and old ROMs want 300 bytes.
  const size_t target = std::min(kMinBootpLen, out_.size());
  if (len_ < target) {
    std::memset(out_.data() + len_, 0, target - len_);
    len_ = target;
  }
  return len_;
}

}  // namespace xdpxe::dhcp
