// SHA-256 (FIPS 180-4), to log which autoexec.ipxe is live. Written here
// rather than linked: OpenSSL is not a dependency of xdpxe, and the TLS
// library inside libcurl is not an API we may call. Tested against the
// NIST vectors in tests/unit/app/sha256_test.cc.
//
//   std::string hex = xdpxe::app::Sha256Hex(script_text);
#ifndef XDPXE_USERSPACE_APP_SHA256_H_
#define XDPXE_USERSPACE_APP_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace xdpxe::app {

class Sha256 {
 public:
  Sha256();
  void Update(absl::string_view data);
  std::array<uint8_t, 32> Finish();  // the object is spent afterwards

 private:
  void Block(const uint8_t* p);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

// Lower-case hex digest of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace xdpxe::app

#endif  // XDPXE_USERSPACE_APP_SHA256_H_
