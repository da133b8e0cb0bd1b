// The DHCP/BOOTP codec: ParseMessage validates a UDP payload and indexes its
// options without copying (a Message is a view into the payload), and
// MessageBuilder writes a message in place into a caller's buffer (the
// TxSink reservation), with no heap allocation on either side.
//
//   Message m;
//   if (ParseMessage(payload, &m) != ParseError::kOk) return;  // drop
//   if (m.type() == MessageType::kDiscover &&
//       m.Get(opt::kVendorClass).StartsWith("PXEClient")) ...
//
//   MessageBuilder b(sink.Reserve(kMinBootpLen + 64));
//   b.set_op(kBootReply).set_xid(m.header().xid);
//   b.AddU8(opt::kMessageType, uint8_t(MessageType::kOffer));
//   size_t n = b.Finish();   // 0: did not fit
//
// Parsing follows RFC 2131/2132: pad (0) and end (255); option overload (52)
// moves further options into `file` then `sname`; a repeated option is one
// option whose data is the concatenation of its instances in the order
// options, file, sname (RFC 3396). Anything malformed is rejected with a
// ParseError and never read out of bounds. Whatever this parser rejects, the
// steering classifier (classify.h) never classifies as kPxe/kIpxe.
#ifndef XDPXE_USERSPACE_DHCP_MESSAGE_H_
#define XDPXE_USERSPACE_DHCP_MESSAGE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "userspace/dhcp/protocol.h"
#include "userspace/net/addr.h"

namespace xdpxe::dhcp {

enum class ParseError : uint8_t {
  kOk = 0,
  kTruncated,        // shorter than the 240-byte fixed part
  kBadOp,            // op is neither BOOTREQUEST (1) nor BOOTREPLY (2)
  kBadHlen,          // hlen > 16
  kBadCookie,        // bytes 236..239 are not 63 82 53 63
  kOptionTruncated,  // an option's length byte is missing
  kOptionOverrun,    // an option's data runs past the end of its area
  kBadOverload,      // option 52 is not one byte of 1, 2 or 3
  kOverloadLoop,     // option 52 inside the file/sname area it overloads
};
std::string_view ParseErrorName(ParseError e);

// Where an option instance was found.
enum class OptionArea : uint8_t { kOptions, kFile, kSname };

// The fixed BOOTP header (RFC 2131 figure 1), decoded.
struct BootpHeader {
  uint8_t op = 0;
  uint8_t htype = 0;
  uint8_t hlen = 0;
  uint8_t hops = 0;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint16_t flags = 0;
  net::Ipv4Addr ciaddr;
  net::Ipv4Addr yiaddr;
  net::Ipv4Addr siaddr;
  net::Ipv4Addr giaddr;
  std::array<uint8_t, kChaddrLen> chaddr{};
};

class Message;

// One option's data: the concatenation of all its instances (RFC 3396).
// Usually one piece pointing straight into the payload. Valid while the
// Message and its payload are.
class OptionValue {
 public:
  OptionValue() = default;  // absent

  bool present() const { return msg_ != nullptr; }
  explicit operator bool() const { return present(); }
  size_t size() const { return size_; }
  size_t pieces() const { return count_; }
  // The data as one span when it is in one piece (the common case), else
  // empty: use CopyTo or ForEachPiece for split options.
  std::span<const uint8_t> contiguous() const;
  // Copies the first min(size(), out.size()) bytes; returns how many.
  size_t CopyTo(std::span<uint8_t> out) const;
  void ForEachPiece(absl::FunctionRef<void(std::span<const uint8_t>)> f) const;

  // Fixed-size values: nullopt unless size() is exactly the width.
  std::optional<uint8_t> U8() const;
  std::optional<uint16_t> U16() const;  // network byte order on the wire
  std::optional<uint32_t> U32() const;
  std::optional<net::Ipv4Addr> Ip() const;

  bool StartsWith(std::string_view prefix) const;
  bool Contains(std::string_view needle) const;  // needle <= 64 bytes
  bool Equals(std::span<const uint8_t> data) const;

 private:
  friend class Message;
  const Message* msg_ = nullptr;
  uint32_t first_ = 0;  // offset of the first instance's code byte
  uint32_t size_ = 0;
  uint32_t count_ = 0;
  OptionArea area_ = OptionArea::kOptions;
};

class Message {
 public:
  // Deliberately trivial: ParseMessage initialises what it uses, so a
  // Message on the stack costs nothing until parsed into.
  Message() {}

  const BootpHeader& header() const { return header_; }
  std::span<const uint8_t> payload() const { return payload_; }

  // Option 53, or kNone for plain BOOTP.
  MessageType type() const { return type_; }
  // Option 52's value (0: no overload).
  uint8_t overload() const { return overload_; }
  bool broadcast() const { return (header_.flags & kFlagBroadcast) != 0; }
  // chaddr as an Ethernet address (its first 6 bytes).
  net::MacAddr mac() const;
  // The text of sname / file up to the first NUL; empty when the field
  // carries options (overload).
  std::string_view sname() const;
  std::string_view file() const;

  bool Has(uint8_t code) const { return slot_[code] != 0; }
  OptionValue Get(uint8_t code) const;
  // Distinct option codes, in order of first appearance.
  size_t option_count() const { return count_; }
  uint8_t option_code(size_t i) const { return entries_[i].code; }

 private:
  friend ParseError ParseMessage(std::span<const uint8_t>, Message*);
  friend class OptionValue;
  struct Entry {  // no initialisers: see the constructor
    uint32_t first;
    uint32_t size;
    uint32_t count;
    uint8_t code;
    OptionArea area;
  };

  BootpHeader header_;
  std::span<const uint8_t> payload_;
  MessageType type_;
  uint8_t overload_;
  uint16_t count_;
  uint8_t slot_[256];   // 1 + index into entries_; 0: absent
  Entry entries_[254];  // codes 1..254 at most once each
};

// Parses `payload` (a UDP payload) into *out. On error *out is unusable.
ParseError ParseMessage(std::span<const uint8_t> payload, Message* out);

// Writes one message in place. Setters are cheap stores; an Add that does
// not fit sets a sticky error and Finish then returns 0. The buffer must
// stay valid until Finish.
class MessageBuilder {
 public:
  // Zeroes the fixed header and writes the magic cookie; options follow.
  explicit MessageBuilder(std::span<uint8_t> out);

  MessageBuilder& set_op(uint8_t v);
  MessageBuilder& set_htype(uint8_t v);
  MessageBuilder& set_hlen(uint8_t v);
  MessageBuilder& set_hops(uint8_t v);
  MessageBuilder& set_xid(uint32_t v);
  MessageBuilder& set_secs(uint16_t v);
  MessageBuilder& set_flags(uint16_t v);
  MessageBuilder& set_ciaddr(net::Ipv4Addr a);
  MessageBuilder& set_yiaddr(net::Ipv4Addr a);
  MessageBuilder& set_siaddr(net::Ipv4Addr a);
  MessageBuilder& set_giaddr(net::Ipv4Addr a);
  MessageBuilder& set_chaddr(const std::array<uint8_t, kChaddrLen>& c);
  // At most 64 / 128 bytes (a full field has no NUL, RFC 2131 allows it).
  MessageBuilder& set_sname(std::string_view s);
  MessageBuilder& set_file(std::string_view s);
  // Copies op..chaddr from a parsed header (then adjust what differs).
  MessageBuilder& CopyHeader(const BootpHeader& h);

  // Data longer than 255 bytes is split into several instances (RFC 3396).
  MessageBuilder& Add(uint8_t code, std::span<const uint8_t> data);
  MessageBuilder& Add(uint8_t code, std::string_view text);
  MessageBuilder& Add(uint8_t code, const OptionValue& v);  // echo
  MessageBuilder& AddU8(uint8_t code, uint8_t v);
  MessageBuilder& AddU16(uint8_t code, uint16_t v);
  MessageBuilder& AddU32(uint8_t code, uint32_t v);
  MessageBuilder& AddIp(uint8_t code, net::Ipv4Addr a);

  bool ok() const { return ok_; }
  // Appends the end option and pads to kMinBootpLen. Returns the message
  // length, or 0 when something did not fit.
  size_t Finish();

 private:
  uint8_t* Room(size_t n);  // nullptr (and !ok_) when n bytes do not fit

  std::span<uint8_t> out_;
  size_t len_ = 0;
  bool ok_ = true;
};

// Names for logs and Describe.
std::string_view MessageTypeName(MessageType t);  // "DHCPDISCOVER"
std::string_view OptionName(uint8_t code);        // "vendor-class"; "" if none
std::string_view ArchName(uint16_t arch);         // "x64 UEFI"; "" if none

// A multi-line human-readable decoding of every field and option, for
// `xdpxe replay` and test failures. Allocates; not for the packet path.
std::string Describe(const Message& m);

}  // namespace xdpxe::dhcp

#endif  // XDPXE_USERSPACE_DHCP_MESSAGE_H_
