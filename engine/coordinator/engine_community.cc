// Community: what the community ledger (community_ledger.h) knows of an account's authors.
#include <algorithm>
#include <utility>

#include "base/proto_time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/namespaces.h"

namespace fanfare::coordinator {
namespace {

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

}  // namespace

void Engine::ListCommunityAuthors(const v1::ListCommunityAuthorsRequest& request,
                                  Reply<v1::ListCommunityAuthorsResponse> reply) {
  v1::ListCommunityAuthorsResponse response;
  if (const internal::CommunityAuthors* authors = community_.Authors(
          NamespaceOr(request.namespace_()), request.network(), request.account())) {
    std::vector<const internal::CommunityAuthor*> recent;
    for (const internal::CommunityAuthor& known : authors->authors()) recent.push_back(&known);
    std::stable_sort(recent.begin(), recent.end(), [](const auto* a, const auto* b) {
      return a->last_seen_unix() > b->last_seen_unix();
    });
    for (const internal::CommunityAuthor* known : recent) *response.add_authors() = AuthorOf(*known);
  }
  *response.mutable_as_of() = ToProtoTime(clock_->Now());
  ReplyAfterCommit<v1::ListCommunityAuthorsResponse>(std::move(reply), std::move(response));
}

}  // namespace fanfare::coordinator
