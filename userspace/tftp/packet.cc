// The TFTP wire codec: see packet.h.
#include "userspace/tftp/packet.h"

#include <algorithm>
#include <cstring>

namespace xdpxe::tftp {
namespace {

uint16_t Load16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
void Store16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
    if (x != y) return false;
  }
  return true;
}

// Decimal digits only (no sign, no spaces), at most 20 digits, no overflow.
std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// Reads a NUL-terminated string starting at `pos`; advances past the NUL.
std::optional<std::string_view> NextString(std::span<const uint8_t> p,
                                           size_t* pos) {
  if (*pos >= p.size()) return std::nullopt;
  const uint8_t* start = p.data() + *pos;
  const void* nul = std::memchr(start, 0, p.size() - *pos);
  if (nul == nullptr) return std::nullopt;
  size_t len = static_cast<const uint8_t*>(nul) - start;
  *pos += len + 1;
  return std::string_view(reinterpret_cast<const char*>(start), len);
}

// Records a known option; returns false (and names it) when its value is
// out of the range its RFC allows.
bool TakeOption(std::string_view name, std::string_view value,
                RequestOptions* o) {
  std::optional<uint64_t> v = ParseDecimal(value);
  auto refuse = [&] {
    if (o->refused_option.empty()) o->refused_option = name;
    return false;
  };
  if (EqualsIgnoreCase(name, "blksize")) {
    if (o->blksize) return true;
    if (!v || *v < kMinBlockSize) return refuse();
    o->blksize = uint32_t(std::min<uint64_t>(*v, UINT32_MAX));
  } else if (EqualsIgnoreCase(name, "tsize")) {
    if (o->tsize) return true;
    if (!v) return refuse();
    o->tsize = *v;
  } else if (EqualsIgnoreCase(name, "timeout")) {
    if (o->timeout) return true;
    if (!v || *v < 1 || *v > 255) return refuse();
    o->timeout = uint32_t(*v);
  } else if (EqualsIgnoreCase(name, "windowsize")) {
    if (o->windowsize) return true;
    if (!v || *v < 1) return refuse();
    o->windowsize = uint32_t(std::min<uint64_t>(*v, UINT32_MAX));
  }
  return true;  // unknown options are ignored (RFC 2347)
}

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotDefined:
      return "not_defined";
    case ErrorCode::kFileNotFound:
      return "file_not_found";
    case ErrorCode::kAccessViolation:
      return "access_violation";
    case ErrorCode::kDiskFull:
      return "disk_full";
    case ErrorCode::kIllegalOperation:
      return "illegal_operation";
    case ErrorCode::kUnknownTid:
      return "unknown_tid";
    case ErrorCode::kFileExists:
      return "file_exists";
    case ErrorCode::kNoSuchUser:
      return "no_such_user";
    case ErrorCode::kOptionRefused:
      return "option_refused";
  }
  return "unknown";
}

std::string_view RequestParseMessage(RequestParse p) {
  switch (p) {
    case RequestParse::kOk:
      return "ok";
    case RequestParse::kTooShort:
      return "malformed request: too short";
    case RequestParse::kNotRequest:
      return "illegal operation: expected RRQ";
    case RequestParse::kUnterminatedName:
      return "malformed request: filename not NUL-terminated";
    case RequestParse::kEmptyName:
      return "malformed request: empty filename";
    case RequestParse::kUnterminatedMode:
      return "malformed request: mode not NUL-terminated";
    case RequestParse::kBadMode:
      return "unsupported mode (use octet or netascii)";
    case RequestParse::kUnterminatedOption:
      return "malformed request: option without NUL-terminated value";
    case RequestParse::kOptionRefused:
      return "option refused";
  }
  return "malformed request";
}

std::optional<Opcode> PeekOpcode(std::span<const uint8_t> payload) {
  if (payload.size() < 2) return std::nullopt;
  uint16_t op = Load16(payload.data());
  if (op < 1 || op > 6) return std::nullopt;
  return Opcode(op);
}

RequestParse ParseRequest(std::span<const uint8_t> payload, Request* out) {
  std::optional<Opcode> op = PeekOpcode(payload);
  if (!op) return RequestParse::kTooShort;
  if (*op != Opcode::kRrq && *op != Opcode::kWrq) {
    return RequestParse::kNotRequest;
  }
  *out = Request{};
  out->opcode = *op;
  size_t pos = 2;
  std::optional<std::string_view> name = NextString(payload, &pos);
  if (!name) return RequestParse::kUnterminatedName;
  if (name->empty()) return RequestParse::kEmptyName;
  out->filename = *name;
  std::optional<std::string_view> mode = NextString(payload, &pos);
  if (!mode) return RequestParse::kUnterminatedMode;
  if (EqualsIgnoreCase(*mode, "octet")) {
    out->mode = Mode::kOctet;
  } else if (EqualsIgnoreCase(*mode, "netascii")) {
    out->mode = Mode::kNetascii;
  } else {
    return RequestParse::kBadMode;
  }
  while (pos < payload.size()) {
    std::optional<std::string_view> oname = NextString(payload, &pos);
    std::optional<std::string_view> ovalue;
    if (oname) ovalue = NextString(payload, &pos);
    if (!ovalue) return RequestParse::kUnterminatedOption;
    TakeOption(*oname, *ovalue, &out->options);
  }
  if (!out->options.refused_option.empty()) {
    return RequestParse::kOptionRefused;
  }
  return RequestParse::kOk;
}

std::optional<DataPacket> ParseData(std::span<const uint8_t> payload) {
  if (payload.size() < kDataHeaderLen || PeekOpcode(payload) != Opcode::kData) {
    return std::nullopt;
  }
  return DataPacket{Load16(payload.data() + 2), payload.subspan(4)};
}

std::optional<uint16_t> ParseAck(std::span<const uint8_t> payload) {
  // Trailing bytes are tolerated: some stacks pad short frames.
  if (payload.size() < 4 || PeekOpcode(payload) != Opcode::kAck) {
    return std::nullopt;
  }
  return Load16(payload.data() + 2);
}

std::optional<ErrorPacket> ParseError(std::span<const uint8_t> payload) {
  if (payload.size() < 4 || PeekOpcode(payload) != Opcode::kError) {
    return std::nullopt;
  }
  ErrorPacket e{ErrorCode(Load16(payload.data() + 2)), {}};
  size_t pos = 4;
  if (std::optional<std::string_view> msg = NextString(payload, &pos)) {
    e.message = *msg;
  }
  return e;
}

std::optional<OackOptions> ParseOack(std::span<const uint8_t> payload) {
  if (PeekOpcode(payload) != Opcode::kOack) return std::nullopt;
  OackOptions o;
  size_t pos = 2;
  while (pos < payload.size()) {
    std::optional<std::string_view> name = NextString(payload, &pos);
    std::optional<std::string_view> value;
    if (name) value = NextString(payload, &pos);
    if (!value) return std::nullopt;
    std::optional<uint64_t> v = ParseDecimal(*value);
    if (!v) continue;
    if (EqualsIgnoreCase(*name, "blksize")) o.blksize = uint32_t(*v);
    if (EqualsIgnoreCase(*name, "tsize")) o.tsize = *v;
    if (EqualsIgnoreCase(*name, "timeout")) o.timeout = uint32_t(*v);
    if (EqualsIgnoreCase(*name, "windowsize")) o.windowsize = uint32_t(*v);
  }
  return o;
}

size_t WriteDataHeader(std::span<uint8_t> out, uint16_t block) {
  if (out.size() < kDataHeaderLen) return 0;
  Store16(out.data(), uint16_t(Opcode::kData));
  Store16(out.data() + 2, block);
  return kDataHeaderLen;
}

size_t BuildData(std::span<uint8_t> out, uint16_t block,
                 std::span<const uint8_t> data) {
  if (out.size() < kDataHeaderLen + data.size()) return 0;
  WriteDataHeader(out, block);
  if (!data.empty()) std::memcpy(out.data() + 4, data.data(), data.size());
  return kDataHeaderLen + data.size();
}

size_t BuildAck(std::span<uint8_t> out, uint16_t block) {
  if (out.size() < 4) return 0;
  Store16(out.data(), uint16_t(Opcode::kAck));
  Store16(out.data() + 2, block);
  return 4;
}

size_t BuildError(std::span<uint8_t> out, ErrorCode code,
                  std::string_view message) {
  if (out.size() < 5) return 0;
  Store16(out.data(), uint16_t(Opcode::kError));
  Store16(out.data() + 2, uint16_t(code));
  // A NUL inside the message would end it early on the wire: cut there.
  message = message.substr(0, message.find('\0'));
  size_t len = std::min(message.size(), out.size() - 5);
  if (len > 0) std::memcpy(out.data() + 4, message.data(), len);
  out[4 + len] = 0;
  return 5 + len;
}

size_t BuildRequest(std::span<uint8_t> out, Opcode opcode,
                    std::string_view filename, std::string_view mode,
                    std::span<const OptionPair> options) {
  size_t need = 2 + filename.size() + 1 + mode.size() + 1;
  for (const OptionPair& o : options) {
    need += o.name.size() + 1 + o.value.size() + 1;
  }
  if (out.size() < need) return 0;
  Store16(out.data(), uint16_t(opcode));
  size_t pos = 2;
  auto put = [&](std::string_view s) {
    if (!s.empty()) std::memcpy(out.data() + pos, s.data(), s.size());
    pos += s.size();
    out[pos++] = 0;
  };
  put(filename);
  put(mode);
  for (const OptionPair& o : options) {
    put(o.name);
    put(o.value);
  }
  return pos;
}

OackWriter::OackWriter(std::span<uint8_t> out) : out_(out) {
  if (out_.size() < 2) {
    ok_ = false;
    return;
  }
  Store16(out_.data(), uint16_t(Opcode::kOack));
  pos_ = 2;
}

void OackWriter::Add(std::string_view name, uint64_t value) {
  char digits[21];
  size_t n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value != 0);
  if (!ok_ || out_.size() - pos_ < name.size() + n + 2) {
    ok_ = false;
    return;
  }
  std::memcpy(out_.data() + pos_, name.data(), name.size());
  pos_ += name.size();
  out_[pos_++] = 0;
  while (n > 0) out_[pos_++] = uint8_t(digits[--n]);
  out_[pos_++] = 0;
}

}  // namespace xdpxe::tftp
