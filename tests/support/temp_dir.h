// TempDir: a fresh directory under $TMPDIR, removed with everything in it on destruction.
#ifndef FANFARE_TESTS_SUPPORT_TEMP_DIR_H_
#define FANFARE_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace fanfare::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_TEMP_DIR_H_
