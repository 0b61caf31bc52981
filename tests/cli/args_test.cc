// cli::Args: flags as `--name value` and `--name=value`, repeated flags, `--`, and whole
// numbers read within a range with an error naming the flag.
#include "cli/args.h"

#include <cstdint>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fanfare::cli {
namespace {

using ::testing::ElementsAre;

const std::vector<FlagSpec> kFlags = {{"limit", "N", "how many"},
                                      {"label", "K=V", "a label", /*repeated=*/true},
                                      {"watch", "", "follow"}};

TEST(ArgsTest, FlagsRepeatsAndPositionals) {
  absl::StatusOr<Args> args = Args::Parse(
      {"run", "--limit", "5", "--label=a=1", "--label", "b=2", "--watch", "--", "--limit"},
      kFlags);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->Get("limit"), "5");
  EXPECT_THAT(args->GetAll("label"), ElementsAre("a=1", "b=2"));
  EXPECT_TRUE(args->Has("watch"));
  EXPECT_THAT(args->positional(), ElementsAre("run", "--limit"));
  EXPECT_EQ(Args::Parse({"--limt", "5"}, kFlags).status().message(),
            "unknown flag --limt (did you mean 'limit'?)");
  EXPECT_FALSE(Args::Parse({"--watch=yes"}, kFlags).ok());
  EXPECT_FALSE(Args::Parse({"--limit"}, kFlags).ok());
}

TEST(ArgsTest, WholeNumbersAreReadWithinTheirRange) {
  auto get = [](const std::string& value, int64_t lo, int64_t hi) {
    return Args::Parse({"--limit", value}, kFlags)->GetInt("limit", 7, lo, hi);
  };
  EXPECT_EQ(*Args::Parse({}, kFlags)->GetInt("limit", 7, 1, 50), 7) << "absent: the fallback";
  EXPECT_EQ(*get("50", 1, 50), 50);
  EXPECT_EQ(*get("-100", -100, 100), -100);
  EXPECT_EQ(get("51", 1, 50).status().message(),
            "--limit 51: expected a whole number from 1 to 50");
  EXPECT_EQ(get("0", 1, INT64_MAX).status().message(),
            "--limit 0: expected a positive whole number");
  for (const char* bad : {"", "five", "5.0", "5x", "99999999999999999999"}) {
    EXPECT_EQ(get(bad, 1, INT64_MAX).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace fanfare::cli
