// Community: what the community ledger (community_ledger.h) knows of an account's authors.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/namespaces.h"

namespace fanfare::coordinator {
namespace {

constexpr size_t kAuthorsPageSize = 100;

v1::CommunityAuthor AuthorOf(const internal::CommunityAuthor& known) {
  v1::CommunityAuthor author;
  author.set_id(known.id());
  author.set_handle(known.handle());
  author.set_followers(known.followers());
  *author.mutable_first_seen() = ToProtoTime(absl::FromUnixSeconds(known.first_seen_unix()));
  *author.mutable_last_seen() = ToProtoTime(absl::FromUnixSeconds(known.last_seen_unix()));
  author.set_comments(known.comments());
  author.set_positive(known.positive());
  author.set_negative(known.negative());
  if (known.last_negative_unix() != 0) {
    *author.mutable_last_negative() =
        ToProtoTime(absl::FromUnixSeconds(known.last_negative_unix()));
  }
  for (const internal::AuthorPost& post : known.posts()) {
    v1::CommunityAuthor::Post& out = *author.add_posts();
    out.set_post_id(post.post_id());
    out.set_comments(post.comments());
    out.set_sentiment(post.sentiment_sum() / std::max<int64_t>(1, post.comments()));
    *out.mutable_last() = ToProtoTime(absl::FromUnixSeconds(post.last_unix()));
    out.set_comment_id(post.comment_id());
  }
  return author;
}

// A place in the listing's order — most recently seen first, then by id — as a page token.
struct Place {
  int64_t last_seen_unix = 0;
  std::string id;
};

// Whether (a_seen, a_id) comes before (b_seen, b_id) in the listing's order.
bool Precedes(int64_t a_seen, absl::string_view a_id, int64_t b_seen, absl::string_view b_id) {
  if (a_seen != b_seen) return a_seen > b_seen;
  return a_id < b_id;
}

std::string TokenOf(const internal::CommunityAuthor& author) {
  return absl::WebSafeBase64Escape(absl::StrCat(author.last_seen_unix(), ":", author.id()));
}

absl::StatusOr<std::optional<Place>> PlaceOfToken(const std::string& token) {
  if (token.empty()) return std::nullopt;
  std::string decoded;
  Place place;
  const size_t colon = absl::WebSafeBase64Unescape(token, &decoded) ? decoded.find(':')
                                                                     : std::string::npos;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(decoded).substr(0, colon), &place.last_seen_unix)) {
    return absl::InvalidArgumentError("page_token: not a token from ListCommunityAuthors");
  }
  place.id = decoded.substr(colon + 1);
  return place;
}

}  // namespace

void Engine::ListCommunityAuthors(const v1::ListCommunityAuthorsRequest& request,
                                  Reply<v1::ListCommunityAuthorsResponse> reply) {
  absl::StatusOr<std::optional<Place>> after = PlaceOfToken(request.page_token());
  if (!after.ok()) {
    std::move(reply)(after.status());
    return;
  }
  v1::ListCommunityAuthorsResponse response;
  if (const internal::CommunityAuthors* authors = community_.Authors(
          NamespaceOr(request.namespace_()), request.network(), request.account())) {
    std::vector<const internal::CommunityAuthor*> page;
    for (const internal::CommunityAuthor& known : authors->authors()) {
      if (!after->has_value() || Precedes((*after)->last_seen_unix, (*after)->id,
                                          known.last_seen_unix(), known.id())) {
        page.push_back(&known);
      }
    }
    const size_t size = request.page_size() > 0 ? request.page_size() : kAuthorsPageSize;
    // Only this page and whether another follows are needed in order.
    const size_t sorted = std::min(page.size(), size + 1);
    std::partial_sort(page.begin(), page.begin() + sorted, page.end(),
                      [](const auto* a, const auto* b) {
                        return Precedes(a->last_seen_unix(), a->id(), b->last_seen_unix(), b->id());
                      });
    for (size_t i = 0; i < page.size() && i < size; ++i) *response.add_authors() = AuthorOf(*page[i]);
    if (page.size() > size) response.set_next_page_token(TokenOf(*page[size - 1]));
  }
  *response.mutable_as_of() = ToProtoTime(clock_->Now());
  ReplyAfterCommit<v1::ListCommunityAuthorsResponse>(std::move(reply), std::move(response));
}

void Engine::DeliverComments(const v1::DeliverCommentsRequest& request,
                             Reply<v1::DeliverCommentsResponse> reply) {
  const absl::StatusOr<InboxDelivery> delivery =
      community_.Deliver(NamespaceOr(request.namespace_()), request.network(), request.account(),
                         request.comments(), clock_->Now());
  if (!delivery.ok()) {
    std::move(reply)(delivery.status());
    return;
  }
  v1::DeliverCommentsResponse response;
  response.set_accepted(delivery->accepted);
  response.set_duplicates(delivery->duplicates);
  // A delivery of duplicates only changes nothing, but is still answered after the cycle's
  // commit: the first delivery of the same comments may be in it.
  ReplyAfterCommit<v1::DeliverCommentsResponse>(std::move(reply), std::move(response));
}

void Engine::FlushInbox() {
  community_.SweepInboxes(clock_->Now());
  InboxChanges changes = community_.TakeInboxChanges();
  for (const internal::CommunityInbox& inbox : changes.emptied) {
    state_.DeleteCommunityInbox(inbox);
  }
  for (const internal::CommunityInbox& inbox : changes.inboxes) state_.PutCommunityInbox(inbox);
  for (const internal::InboxComment& comment : changes.added) state_.PutInboxComment(comment);
  for (const internal::InboxComment& comment : changes.removed) {
    state_.DeleteInboxComment(comment);
  }
}

}  // namespace fanfare::coordinator
