// A fresh directory under gtest's TempDir(), removed with everything in it
// when the object goes.
//
//   testing::ScopedTempDir tmp;
//   std::ofstream(tmp / "boot.bin") << "...";
#ifndef XDPXE_TESTS_TESTING_TEMP_DIR_H_
#define XDPXE_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "gtest/gtest.h"

namespace xdpxe::testing {

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string tmpl = ::testing::TempDir() + "/xdpxe-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const {
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_TEMP_DIR_H_
