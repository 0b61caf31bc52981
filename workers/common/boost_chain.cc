#include "workers/common/boost_chain.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {
namespace {

constexpr int kMaxListingPages = 100;

// The coordinator takes "not_found" for "the boost never started": a network's failure that
// happens to carry that code must not pass for Campaign's own answer.
absl::Status NeverNotFound(const absl::Status& status) {
  if (status.ok() || ToTaskFailure(status).code() != kNotFoundCode) return status;
  return Recode(status, "network_not_found");
}

}  // namespace

std::string BoostName(const ActionCall& call) {
  return absl::StrCat("Fanfare ", ClientReference(call.ctx.idempotency_key()));
}

absl::StatusOr<Json> BoostChain::Campaign(const BoostLevel& level) {
  ASSIGN_OR_RETURN(std::optional<Json> found, Find(level));
  if (found.has_value()) return *std::move(found);
  if (call_.ctx.is_reconcile()) {
    return ReconcileNotFound(absl::StrCat(call_.input.action(), ": not found: no ", level.what,
                                          " named '", BoostName(call_),
                                          "', so the boost never started"));
  }
  return Create(level);
}

absl::StatusOr<Json> BoostChain::FindOrCreate(const BoostLevel& level) {
  if (created_) return Create(level);
  ASSIGN_OR_RETURN(std::optional<Json> found, Find(level));
  if (found.has_value()) return *std::move(found);
  return Create(level);
}

absl::StatusOr<std::optional<Json>> BoostChain::Find(const BoostLevel& level) {
  absl::StatusOr<std::optional<Json>> found = level.find();
  if (!found.ok()) return NeverNotFound(found.status());
  if (found->has_value() && JsonString(**found, level.id_field).empty()) {
    return Retryable(absl::StrCat(call_.input.action(), ": the ", level.what, " found has no ",
                                  level.id_field),
                     "unreadable_listing");
  }
  return found;
}

absl::StatusOr<Json> BoostChain::Create(const BoostLevel& level) {
  absl::StatusOr<Json> created = level.create();
  if (!created.ok()) return NeverNotFound(created.status());
  created_ = true;
  // The network made something; without its id we cannot tell what.
  if (JsonString(*created, level.id_field).empty()) {
    return OutcomeUnknown(absl::StrCat(call_.input.action(), ": the answer creating the ",
                                       level.what, " has no ", level.id_field));
  }
  return created;
}

absl::StatusOr<std::optional<Json>> FindInListing(
    const ListingPageFn& page, const std::function<bool(const Json&)>& match,
    absl::string_view what) {
  std::string next;
  for (int read = 0; read < kMaxListingPages; ++read) {
    ASSIGN_OR_RETURN(ListingPage current, page(next));
    for (const Json& item : current.items) {
      if (match(item)) return std::optional<Json>(item);
    }
    if (current.next.empty()) return std::optional<Json>();
    next = std::move(current.next);
  }
  return Retryable(absl::StrCat(what, ": more than ", kMaxListingPages,
                                " pages; cannot tell whether the object exists"),
                   "listing_too_long");
}

absl::StatusOr<Json> ListedItems(const Json& answer, absl::string_view field,
                                 absl::string_view what) {
  const Json& items = JsonMember(answer, field);
  if (!items.is_array()) {
    return Retryable(absl::StrCat(what, ": the answer has no '", field,
                                  "' list; cannot tell whether the object exists"),
                     "unreadable_listing");
  }
  return items;
}

}  // namespace fanfare::workers
