// What `fanfare community` shows: the authors the coordinator knows on an account
// (ListCommunityAuthors), and the ambassadors among them by the score content.ambassadors
// documents (workers/community/ambassadors.h), computed here over the coordinator's ledger.
//
// Thread-safe: pure functions.
#ifndef FANFARE_CLI_COMMUNITY_AUTHORS_H_
#define FANFARE_CLI_COMMUNITY_AUTHORS_H_

#include <string>

#include "absl/status/statusor.h"
#include "fanfare/v1/coordinator.pb.h"
#include "nlohmann/json.hpp"

namespace fanfare::cli {

// The authors as the ledger content.ambassadors reads: its 500 most recently seen authors
// (what that action keeps).
nlohmann::json AmbassadorLedger(const v1::ListCommunityAuthorsResponse& response);

// {ambassadors: [{id, handle, followers, score, posts, sentiment, comment_id, reasons}],
//  authors, as_of} at the response's as_of, the top `top` (1..50) with at least
// `min_posts` (1..100) praised posts.
absl::StatusOr<nlohmann::json> Ambassadors(const v1::ListCommunityAuthorsResponse& response,
                                           int top, int min_posts);

// A table of the authors: handle, comments, positive, negative, followers, first and last
// seen.
std::string RenderAuthors(const v1::ListCommunityAuthorsResponse& response);
// A table of the ambassadors with their reasons.
std::string RenderAmbassadors(const nlohmann::json& ambassadors);

}  // namespace fanfare::cli

#endif  // FANFARE_CLI_COMMUNITY_AUTHORS_H_
