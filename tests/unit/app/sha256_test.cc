// SHA-256 against the FIPS 180-4 / NIST CAVP vectors, and streaming in odd
// pieces across the 64-byte block and 56-byte padding boundaries.
#include "userspace/app/sha256.h"

#include <string>

#include "gtest/gtest.h"

namespace xdpxe::app {
namespace {

TEST(Sha256Test, NistVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(
      Sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, StreamingMatchesOneShot) {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t len : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300}) {
    std::string prefix = data.substr(0, len);
    for (size_t chunk : {1, 3, 63, 64, 100}) {
      Sha256 s;
      for (size_t off = 0; off < prefix.size(); off += chunk) {
        s.Update(absl::string_view(prefix).substr(off, chunk));
      }
      std::array<uint8_t, 32> d = s.Finish();
      Sha256 one;
      one.Update(prefix);
      EXPECT_EQ(d, one.Finish()) << "len " << len << " chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace xdpxe::app
