// KeyWriter and KeyReader: every field reads back as written; encoded keys sort bytewise (as
// RocksDB compares them) in the order the header promises; a prefix of whole string fields
// selects exactly the keys that start with those fields; short or corrupt keys are refused.
#include "engine/store/key_codec.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace fanfare::store {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const absl::Time kNow = absl::FromUnixMicros(1'800'000'000'123'456);  // 2027-01-15T08:00:00.123456Z

// Whether `keys` are in strictly increasing order as RocksDB's default comparator orders
// them: std::string::compare is memcmp, bytes compared unsigned.
::testing::AssertionResult SortedBytewise(const std::vector<std::string>& keys) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i - 1].compare(keys[i]) >= 0) {
      return ::testing::AssertionFailure() << "key " << i - 1 << " does not sort before key " << i;
    }
  }
  return ::testing::AssertionSuccess();
}

template <typename T, typename Write>
std::vector<std::string> Encode(const std::vector<T>& values, Write write) {
  std::vector<std::string> keys;
  for (const T& v : values) {
    KeyWriter writer;
    write(writer, v);
    keys.push_back(writer.Take());
  }
  return keys;
}

TEST(KeyCodecTest, EveryFieldReadsBackAsWritten) {
  const std::string binary("a\0\xff\x00z", 5);
  const std::string key = KeyWriter()
                              .U64(std::numeric_limits<uint64_t>::max())
                              .I64(kMin)
                              .I64Descending(-42)
                              .Time(kNow)
                              .TimeDescending(absl::UnixEpoch() - absl::Microseconds(1))
                              .String("")
                              .String(binary)
                              .Take();
  KeyReader reader(key);
  uint64_t u = 0;
  int64_t i = 0, d = 0;
  absl::Time t, td;
  std::string empty = "not empty", s;
  ASSERT_TRUE(reader.U64(&u) && reader.I64(&i) && reader.I64Descending(&d) && reader.Time(&t) &&
              reader.TimeDescending(&td) && reader.String(&empty) && reader.String(&s));
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(i, kMin);
  EXPECT_EQ(d, -42);
  EXPECT_EQ(t, kNow);
  EXPECT_EQ(td, absl::UnixEpoch() - absl::Microseconds(1));
  EXPECT_EQ(empty, "");
  EXPECT_EQ(s, binary);
}

TEST(KeyCodecTest, UnsignedIntegersSortNumerically) {
  const std::vector<uint64_t> values = {0, 1, 255, 256, 65'535, uint64_t{1} << 32,
                                        std::numeric_limits<uint64_t>::max()};
  EXPECT_TRUE(SortedBytewise(Encode(values, [](KeyWriter& w, uint64_t v) { w.U64(v); })));
}

TEST(KeyCodecTest, SignedIntegersSortNumericallyWithNegativesFirst) {
  const std::vector<int64_t> values = {kMin, -(int64_t{1} << 40), -256, -1, 0, 1, 255, kMax};
  EXPECT_TRUE(SortedBytewise(Encode(values, [](KeyWriter& w, int64_t v) { w.I64(v); })));
}

TEST(KeyCodecTest, DescendingIntegersSortLargestFirst) {
  std::vector<int64_t> values = {kMax, 1'000, 1, 0, -1, -1'000, kMin};
  EXPECT_TRUE(SortedBytewise(Encode(values, [](KeyWriter& w, int64_t v) { w.I64Descending(v); })));
}

TEST(KeyCodecTest, TimesSortChronologicallyAndDescendingTimesNewestFirst) {
  const std::vector<absl::Time> times = {absl::FromUnixSeconds(-86'400), absl::UnixEpoch(),
                                         kNow, kNow + absl::Microseconds(1)};
  EXPECT_TRUE(SortedBytewise(Encode(times, [](KeyWriter& w, absl::Time t) { w.Time(t); })));
  std::vector<absl::Time> newest_first(times.rbegin(), times.rend());
  EXPECT_TRUE(SortedBytewise(
      Encode(newest_first, [](KeyWriter& w, absl::Time t) { w.TimeDescending(t); })));
}

TEST(KeyCodecTest, ANumberAfterEqualStringsSortsNumericallyNotAsText) {
  // "run-1" then seq: 2 before 10, which text would order the other way.
  const std::vector<std::string> keys = {
      KeyWriter().String("default").String("run-1").U64(2).Take(),
      KeyWriter().String("default").String("run-1").U64(10).Take(),
      KeyWriter().String("default").String("run-1").U64(300).Take(),
  };
  EXPECT_TRUE(SortedBytewise(keys));
}

TEST(KeyCodecTest, APrefixOfWholeStringFieldsSelectsExactlyTheKeysWithThoseFields) {
  const std::string prefix = KeyWriter().String("default").String("run-1").Take();
  const std::vector<std::string> inside = {
      KeyWriter().String("default").String("run-1").U64(1).Take(),
      KeyWriter().String("default").String("run-1").String("publish").Take(),
      prefix,
  };
  const std::vector<std::string> outside = {
      KeyWriter().String("default").String("run-10").U64(1).Take(),
      KeyWriter().String("default").String("run-").Take(),
      KeyWriter().String("default").String("run").String("-1").Take(),
      KeyWriter().String("default-2").String("run-1").Take(),
      KeyWriter().String("defaul").String("trun-1").Take(),
  };
  for (const std::string& key : inside) EXPECT_TRUE(absl::StartsWith(key, prefix));
  for (const std::string& key : outside) EXPECT_FALSE(absl::StartsWith(key, prefix));
}

TEST(KeyCodecTest, StringFieldsSortByLengthFirstNotAlphabetically) {
  // The length prefix comes first: a scan of string-keyed records (campaign names, run ids)
  // meets shorter strings first. Callers that list by name must sort for themselves.
  const std::vector<std::string> keys = {KeyWriter().String("zz").Take(),
                                         KeyWriter().String("aaa").Take(),
                                         KeyWriter().String("aab").Take()};
  EXPECT_TRUE(SortedBytewise(keys));
}

TEST(KeyCodecTest, EveryTruncationOfAKeyIsRefusedAndLeavesTheOutputUntouched) {
  const std::string key = KeyWriter().String("default").U64(7).Time(kNow).Take();
  const size_t ns_end = KeyWriter().String("default").key().size();
  const size_t seq_end = ns_end + 8;
  for (size_t size = 0; size < key.size(); ++size) {
    KeyReader reader(absl::string_view(key).substr(0, size));
    std::string ns = "untouched";
    uint64_t seq = 99;
    absl::Time at = absl::InfinitePast();
    EXPECT_FALSE(reader.String(&ns) && reader.U64(&seq) && reader.Time(&at)) << size << " bytes";
    // The first field that did not fit keeps its old value.
    if (size < ns_end) EXPECT_EQ(ns, "untouched") << size;
    if (size >= ns_end && size < seq_end) EXPECT_EQ(seq, 99u) << size;
    if (size >= seq_end) EXPECT_EQ(at, absl::InfinitePast()) << size;
  }
}

TEST(KeyCodecTest, AStringLengthBeyondTheKeyIsRefused) {
  std::string key = KeyWriter().String("default").Take();
  key[0] = '\x7f';  // the length now says 2 GiB
  KeyReader reader(key);
  std::string s = "untouched";
  EXPECT_FALSE(reader.String(&s));
  EXPECT_EQ(s, "untouched");
  EXPECT_FALSE(reader.done());
}

TEST(KeyCodecTest, BytesLeftAfterTheExpectedFieldsShowAForeignKey) {
  const std::string key = KeyWriter().String("default").String("run-1").U64(3).Take();
  KeyReader reader(key);
  std::string ns, run_id;
  ASSERT_TRUE(reader.String(&ns) && reader.String(&run_id));
  EXPECT_FALSE(reader.done()) << "a reader expecting (ns, run_id) must not take this key";
  uint64_t seq = 0;
  ASSERT_TRUE(reader.U64(&seq));
  EXPECT_TRUE(reader.done());
}

}  // namespace
}  // namespace fanfare::store
