#include "engine/dispatch/quota_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/durations.h"
#include "yaml-cpp/yaml.h"

namespace fanfare::dispatch {
namespace {

using Kind = LimitSpec::Kind;

LimitSpec Limit(std::string name, Kind kind, int64_t limit, absl::Duration period,
                std::map<std::string, int64_t> cost) {
  LimitSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.limit = limit;
  spec.period = period;
  spec.cost = std::move(cost);
  return spec;
}

LimitSpec Daily(std::string name, int64_t limit, std::string timezone,
                std::map<std::string, int64_t> cost) {
  LimitSpec spec = Limit(std::move(name), Kind::kDaily, limit, absl::Hours(24), std::move(cost));
  spec.timezone = std::move(timezone);
  return spec;
}

// The largest account cap, in currency units: its micros must fit in an int64 (9.2e18).
constexpr double kMaxAmount = 9e12;

absl::Status Bad(absl::string_view source, const YAML::Node& node, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", node.Mark().line + 1, ":",
                                                 node.Mark().column + 1, ": ", what));
}

absl::StatusOr<Kind> ParseKind(absl::string_view source, const YAML::Node& node) {
  const std::string text = node.as<std::string>("");
  if (text == "window") return Kind::kWindow;
  if (text == "rolling") return Kind::kRolling;
  if (text == "bucket") return Kind::kBucket;
  if (text == "daily") return Kind::kDaily;
  return Bad(source, node, "kind must be window, rolling, bucket or daily");
}

// "00:00" → minutes after midnight.
absl::StatusOr<int> ParseReset(absl::string_view source, const YAML::Node& node) {
  std::vector<std::string> parts = absl::StrSplit(node.as<std::string>(""), ':');
  int hours = 0, minutes = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &hours) ||
      !absl::SimpleAtoi(parts[1], &minutes) || hours < 0 || hours > 23 || minutes < 0 ||
      minutes > 59) {
    return Bad(source, node, "reset must be a time of day such as \"00:00\"");
  }
  return hours * 60 + minutes;
}

absl::StatusOr<LimitSpec> ParseLimit(absl::string_view source, const YAML::Node& node) {
  if (!node.IsMap()) return Bad(source, node, "a limit must be a map");
  LimitSpec spec;
  spec.name = node["name"].as<std::string>("");
  if (spec.name.empty()) return Bad(source, node, "a limit needs a `name`");
  if (!node["kind"]) return Bad(source, node, "a limit needs a `kind`");
  absl::StatusOr<Kind> kind = ParseKind(source, node["kind"]);
  if (!kind.ok()) return kind.status();
  spec.kind = *kind;
  if (!node["limit"] || !absl::SimpleAtoi(node["limit"].as<std::string>(""), &spec.limit) ||
      spec.limit <= 0) {
    return Bad(source, node, "a limit needs a positive integer `limit`");
  }
  if (spec.kind == Kind::kDaily) {
    if (node["reset"]) {
      absl::StatusOr<int> reset = ParseReset(source, node["reset"]);
      if (!reset.ok()) return reset.status();
      spec.reset_minutes = *reset;
    }
    spec.timezone = node["timezone"].as<std::string>("UTC");
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(spec.timezone, &zone)) {
      return Bad(source, node["timezone"], absl::StrCat("unknown time zone '", spec.timezone, "'"));
    }
  } else {
    absl::StatusOr<absl::Duration> period = ParseDuration(node["period"].as<std::string>(""));
    if (!period.ok() || *period <= absl::ZeroDuration()) {
      return Bad(source, node, "a window, rolling or bucket limit needs a `period` such as 15m");
    }
    spec.period = *period;
  }
  const YAML::Node classes = node["classes"];
  // A missing key is an invalid node, on which IsMap() throws: test presence first.
  if (!classes || !classes.IsMap() || classes.size() == 0) {
    return Bad(source, node, "a limit needs `classes`: the endpoint classes it counts and their "
                             "cost, e.g. {publish: 1}");
  }
  for (const auto& entry : classes) {
    int64_t cost = 0;
    if (!absl::SimpleAtoi(entry.second.as<std::string>(""), &cost) || cost <= 0) {
      return Bad(source, entry.second, "a class's cost must be a positive integer");
    }
    spec.cost[entry.first.as<std::string>("")] = cost;
  }
  return spec;
}

absl::Status ParseAccounts(absl::string_view source, const YAML::Node& node, QuotaConfig& config) {
  if (!node.IsMap()) return Bad(source, node, "`accounts` maps network/account to a cap");
  for (const auto& entry : node) {
    if (!entry.second.IsMap()) return Bad(source, entry.second, "an account cap is a map");
    const std::string key = entry.first.as<std::string>("");
    if (key.find('/') == std::string::npos) {
      return Bad(source, entry.first, "account caps are keyed network/account, e.g. facebook/acme_fb");
    }
    AccountCap cap;
    cap.currency = entry.second["currency"].as<std::string>("");
    std::string amount = entry.second["daily_max"].as<std::string>("");
    double units = 0;
    // Written so that NaN fails too; the bound keeps the micros within an int64.
    if (cap.currency.size() != 3 || !absl::SimpleAtod(amount, &units) ||
        !(units > 0 && units <= kMaxAmount)) {
      return Bad(source, entry.second, "an account cap needs `daily_max` (an amount) and `currency`");
    }
    cap.daily_max_micros = static_cast<int64_t>(units * 1'000'000 + 0.5);
    config.account_caps[key] = cap;
  }
  return absl::OkStatus();
}

}  // namespace

std::string EndpointClass(absl::string_view verb) {
  if (verb == "publish") return "publish";
  if (verb == "insights" || verb == "reconcile") return "read";
  if (verb == "boost" || verb == "set_budget" || verb == "pause" || verb == "resume") return "ads";
  if (verb == "comments" || verb == "moderate" || verb == "search") return std::string(verb);
  return "other";
}

int64_t LimitSpec::CostOf(absl::string_view klass) const {
  auto it = cost.find(std::string(klass));
  return it == cost.end() ? 0 : it->second;
}

QuotaConfig QuotaConfig::Defaults() {
  QuotaConfig config;
  const auto all = std::map<std::string, int64_t>{{"publish", 1}, {"read", 1}, {"ads", 1}};
  // A Graph `comments` task reads the post list, at most 5 pages of each of 10 posts and 5
  // pages of mentions.
  auto graph_calls = all;
  graph_calls.insert({{"comments", 56}, {"moderate", 1}});
  config.networks["facebook"] = {Limit("calls", Kind::kWindow, 200, absl::Hours(1), graph_calls)};
  graph_calls.erase("publish");
  graph_calls.insert({"search", 6});  // the hashtag's id, then 5 pages of recent media
  config.networks["instagram"] = {
      Limit("posts", Kind::kRolling, 100, absl::Hours(24), {{"publish", 1}}),
      Limit("calls", Kind::kWindow, 200, absl::Hours(1), graph_calls)};
  // A `comments` task reads at most 5 pages of mentions (YouTube: 10 of threads), and is
  // charged for all of them; a reply is a post, so every `moderate` counts against posts too.
  config.networks["x"] = {
      Limit("posts", Kind::kWindow, 200, absl::Minutes(15), {{"publish", 1}, {"moderate", 1}}),
      Limit("reads", Kind::kWindow, 900, absl::Minutes(15), {{"read", 1}}),
      Limit("mentions", Kind::kWindow, 180, absl::Minutes(15), {{"comments", 5}}),
      Limit("search", Kind::kWindow, 180, absl::Minutes(15), {{"search", 5}}),
      Limit("moderation", Kind::kWindow, 50, absl::Minutes(15), {{"moderate", 1}})};
  config.networks["linkedin"] = {Daily("posts", 150, "UTC", {{"publish", 1}})};
  config.networks["youtube"] = {
      Daily("units", 10'000, "America/Los_Angeles",
            {{"publish", 1600}, {"read", 1}, {"comments", 10}, {"moderate", 50},
             {"search", 200}})};  // search.list: 100 units a page, two pages a run
  config.networks["tiktok"] = {Limit("inits", Kind::kBucket, 6, absl::Minutes(1), {{"publish", 1}})};
  config.networks["snapchat"] = {Limit("requests", Kind::kWindow, 600, absl::Minutes(1), all)};
  return config;
}

absl::StatusOr<QuotaConfig> QuotaConfig::Parse(absl::string_view yaml, absl::string_view source) {
  QuotaConfig config = Defaults();
  YAML::Node root;
  try {
    // yaml-cpp reports syntax errors by exception; they stop here.
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ":", e.mark.line + 1, ":",
                                                   e.mark.column + 1, ": ", e.msg));
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) return Bad(source, root, "a quota file is a map with `networks` and `accounts`");
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>("");
    if (key == "networks") {
      if (!entry.second.IsMap()) return Bad(source, entry.second, "`networks` maps network names to limits");
      for (const auto& network : entry.second) {
        if (!network.second.IsSequence()) {
          return Bad(source, network.second, "a network's limits are a list");
        }
        std::vector<LimitSpec> limits;
        for (const auto& limit : network.second) {
          absl::StatusOr<LimitSpec> spec = ParseLimit(source, limit);
          if (!spec.ok()) return spec.status();
          limits.push_back(*std::move(spec));
        }
        config.networks[network.first.as<std::string>("")] = std::move(limits);
      }
    } else if (key == "accounts") {
      if (absl::Status s = ParseAccounts(source, entry.second, config); !s.ok()) return s;
    } else if (key == "weights") {
      if (!entry.second.IsMap()) return Bad(source, entry.second, "`weights` maps namespace/campaign to a weight");
      for (const auto& weight : entry.second) {
        int value = 0;
        if (!absl::SimpleAtoi(weight.second.as<std::string>(""), &value) || value < 1 || value > 100) {
          return Bad(source, weight.second, "a weight is a whole number from 1 to 100");
        }
        config.campaign_weights[weight.first.as<std::string>("")] = value;
      }
    } else {
      return Bad(source, entry.first,
                 absl::StrCat("unknown field '", key, "'; a quota file has networks, accounts and weights"));
    }
  }
  return config;
}

absl::StatusOr<QuotaConfig> QuotaConfig::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read quota file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

}  // namespace fanfare::dispatch
