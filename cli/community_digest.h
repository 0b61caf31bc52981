// CommunityDigest: the daily watch of a run's community steps, for `fanfare summary`.
//
// Fed the outputs of `*.comments` / `*.search` steps (the comments read) and `*.moderate`
// steps (what was done), it tells per day (UTC): how many comments were read, their mean
// sentiment (engine/community/text_signals.h) and share of negative ones, what was hidden,
// answered and liked, and whether the volume spiked — more than twice the mean of the up to
// seven days before it, once three days are known. Then the posts that drew the most comments
// (with their mean sentiment), the most active authors, and the ambassadors as the last
// content.ambassadors step listed them, with the reasons.
//
// Not thread-safe.
#ifndef FANFARE_CLI_COMMUNITY_DIGEST_H_
#define FANFARE_CLI_COMMUNITY_DIGEST_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "nlohmann/json.hpp"

namespace fanfare::cli {

class CommunityDigest {
 public:
  // The output of a comments or search step that succeeded at `at`.
  void AddRead(absl::Time at, const google::protobuf::Value& output);
  // The output of a moderate step that succeeded at `at`.
  void AddModeration(absl::Time at, const google::protobuf::Value& output);
  // The output of a content.ambassadors step that succeeded at `at`: its new ambassadors
  // count for that day, and the last such output gives the current list.
  void AddAmbassadors(absl::Time at, const google::protobuf::Value& output);

  // "" when nothing was read or moderated; else the "Community" section.
  std::string Render() const;
  // The same as a JSON value (null when nothing was read or moderated):
  //   {days: [{date, read, mean_sentiment, negative, hidden, replied, liked, reshared,
  //            spike, spike_ratio?, new_ambassadors}], top_posts: [{post_id, comments,
  //            mean_sentiment}], most_active: [{handle, comments}],
  //    ambassadors: [as content.ambassadors listed them last]}
  nlohmann::json ToJson() const;

 private:
  struct Day {
    int64_t read = 0;
    double sentiment_sum = 0;
    int64_t negative = 0;
    std::map<std::string, int64_t> actions;  // "hide" → 3
    std::vector<std::string> new_ambassadors;  // handles
  };
  // One day as shown: its counts, mean sentiment and, for a spike, the volume's ratio to
  // the days before (0 otherwise).
  struct Row {
    std::string date;
    const Day* day = nullptr;
    double mean_sentiment = 0;
    double spike = 0;
  };
  std::vector<Row> Rows() const;
  // The five most active authors: handle, comments.
  std::vector<std::pair<std::string, int64_t>> MostActive() const;
  struct PostTally {
    int64_t comments = 0;
    double sentiment_sum = 0;
  };
  // The three posts with the most comments read.
  std::vector<std::pair<std::string, PostTally>> TopPosts() const;
  static int64_t Count(const Day& day, const char* action);
  std::string RenderAmbassadors() const;
  static std::string DayOf(absl::Time at);

  std::map<std::string, Day> days_;  // by "2026-12-08"
  std::map<std::string, int64_t> authors_;
  std::map<std::string, PostTally> posts_;  // by post id
  google::protobuf::Value ambassadors_;  // the latest list
};

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_COMMUNITY_DIGEST_H_
