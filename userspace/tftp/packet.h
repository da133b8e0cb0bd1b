// The TFTP wire codec (RFC 1350 packets, RFC 2347 options): parse a received
// UDP payload into a view of it, and build packets straight into a caller's
// buffer (a TxSink reservation). Nothing here allocates; parsed strings are
// views into the datagram and live as long as it does.
//
//   tftp::Request req;
//   switch (tftp::ParseRequest(payload, &req)) {
//     case tftp::RequestParse::kOk: Open(req.filename); break;
//     default: /* ERROR 4 or 8, see RequestParseMessage() */;
//   }
//   size_t n = tftp::BuildAck(room, 7);   // 0 when `room` is too small
#ifndef XDPXE_USERSPACE_TFTP_PACKET_H_
#define XDPXE_USERSPACE_TFTP_PACKET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace xdpxe::tftp {

inline constexpr uint16_t kTftpPort = 69;
inline constexpr uint16_t kDefaultBlockSize = 512;  // RFC 1350
inline constexpr uint16_t kMinBlockSize = 8;        // RFC 2348
inline constexpr uint16_t kMaxBlockSize = 65464;    // RFC 2348
inline constexpr size_t kDataHeaderLen = 4;         // opcode + block
// IPv4 (no options) + UDP + TFTP DATA header: blksize = MTU - this.
inline constexpr size_t kBlockOverhead = 20 + 8 + kDataHeaderLen;

enum class Opcode : uint16_t {
  kRrq = 1,
  kWrq = 2,
  kData = 3,
  kAck = 4,
  kError = 5,
  kOack = 6,  // RFC 2347
};

// RFC 1350 error codes, plus 8 from RFC 2347.
enum class ErrorCode : uint16_t {
  kNotDefined = 0,
  kFileNotFound = 1,
  kAccessViolation = 2,
  kDiskFull = 3,
  kIllegalOperation = 4,
  kUnknownTid = 5,
  kFileExists = 6,
  kNoSuchUser = 7,
  kOptionRefused = 8,
};
inline constexpr size_t kNumErrorCodes = 9;
std::string_view ErrorCodeName(ErrorCode code);  // "file_not_found"

enum class Mode : uint8_t { kOctet, kNetascii };

// The options of an RRQ that this server understands (RFC 2347/2348/2349/
// 7440), as the client sent them. Unknown options are skipped; the first
// occurrence of a repeated option wins.
struct RequestOptions {
  std::optional<uint32_t> blksize;     // as sent, not yet range-checked
  std::optional<uint64_t> tsize;       // 0 in a read request (RFC 2349)
  std::optional<uint32_t> timeout;     // seconds, as sent
  std::optional<uint32_t> windowsize;  // as sent
  // Set when a known option has a value that is not a decimal number or is
  // outside the range its RFC allows (blksize < 8, timeout not 1..255,
  // windowsize 0): the request is answered with ERROR 8 naming it.
  std::string_view refused_option;
  bool any() const { return blksize || tsize || timeout || windowsize; }
};

struct Request {
  Opcode opcode = Opcode::kRrq;  // kRrq or kWrq
  std::string_view filename;     // as sent: not yet mapped or checked
  Mode mode = Mode::kOctet;
  RequestOptions options;
};

enum class RequestParse : uint8_t {
  kOk,
  kTooShort,            // fewer than 2 bytes, or not a request opcode
  kNotRequest,          // opcode is not RRQ/WRQ
  kUnterminatedName,    // no NUL after the filename
  kEmptyName,           // filename of length 0
  kUnterminatedMode,    // no NUL after the mode
  kBadMode,             // mode is not octet or netascii ("mail" included)
  kUnterminatedOption,  // an option name or value without its NUL
  kOptionRefused,       // options.refused_option says which (ERROR 8)
};
// A short message for the ERROR packet answering `p`.
std::string_view RequestParseMessage(RequestParse p);

// The first two bytes, when they name a known opcode.
std::optional<Opcode> PeekOpcode(std::span<const uint8_t> payload);

RequestParse ParseRequest(std::span<const uint8_t> payload, Request* out);

struct DataPacket {
  uint16_t block;
  std::span<const uint8_t> data;
};
std::optional<DataPacket> ParseData(std::span<const uint8_t> payload);
std::optional<uint16_t> ParseAck(std::span<const uint8_t> payload);

struct ErrorPacket {
  ErrorCode code;            // raw value kept even when outside 0..8
  std::string_view message;  // without its NUL (empty if it had none)
};
std::optional<ErrorPacket> ParseError(std::span<const uint8_t> payload);

// An OACK as a client sees it: the values as numbers (unknown or
// non-numeric options skipped).
struct OackOptions {
  std::optional<uint32_t> blksize;
  std::optional<uint64_t> tsize;
  std::optional<uint32_t> timeout;
  std::optional<uint32_t> windowsize;
};
std::optional<OackOptions> ParseOack(std::span<const uint8_t> payload);

// Builders: write one packet at the start of `out`, return its length, or 0
// when `out` is too small (nothing useful was written then).
size_t WriteDataHeader(std::span<uint8_t> out, uint16_t block);  // 4 bytes
size_t BuildData(std::span<uint8_t> out, uint16_t block,
                 std::span<const uint8_t> data);
size_t BuildAck(std::span<uint8_t> out, uint16_t block);
// The message is truncated to fit `out`; it always gets its NUL.
size_t BuildError(std::span<uint8_t> out, ErrorCode code,
                  std::string_view message);

struct OptionPair {
  std::string_view name;
  std::string_view value;
};
// RRQ / WRQ with options (for clients: tests, fuzzing, benchmarks).
size_t BuildRequest(std::span<uint8_t> out, Opcode opcode,
                    std::string_view filename, std::string_view mode,
                    std::span<const OptionPair> options = {});

// Appends `name\0decimal\0` options after an OACK opcode.
//
//   OackWriter w(room);
//   w.Add("blksize", 1468); w.Add("tsize", size);
//   size_t n = w.size();   // 0 if anything did not fit
class OackWriter {
 public:
  explicit OackWriter(std::span<uint8_t> out);
  void Add(std::string_view name, uint64_t value);
  size_t size() const { return ok_ ? pos_ : 0; }

 private:
  std::span<uint8_t> out_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace xdpxe::tftp

#endif  // XDPXE_USERSPACE_TFTP_PACKET_H_
