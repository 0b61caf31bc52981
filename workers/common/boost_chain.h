// BoostChain: how every attempt of a boost finds what earlier attempts of the same step left
// behind and completes it, so that one step never makes a second campaign, ad set or ad.
//
// A boost creates a chain of objects, the campaign first (campaign → ad set → [creative →]
// ad). No network keeps an idempotency key for these creates, so the chain is found again by
// name: every object is named BoostName(call) ("Fanfare fanfare-1a2b3c4d5e6f", from the task's
// idempotency key) or, where the network keeps no name, known by its parent and the post it
// promotes. Every attempt, EXECUTE and RECONCILE alike, walks the chain level by level and
// creates a level only after a complete lookup under its parent found nothing:
//
//   BoostChain chain(call);
//   ASSIGN_OR_RETURN(Json campaign, chain.Campaign({"campaign", "id", find_campaign,
//                                                   create_campaign}));
//   ASSIGN_OR_RETURN(Json ad_set, chain.FindOrCreate({"ad set", "id", find_set, create_set}));
//
// The one difference between the two purposes: with no campaign, an EXECUTE creates it and a
// RECONCILE answers OutcomeUnknown("… not found …", "not_found"): the boost never started.
// That answer is the only "not_found" the chain gives: a lookup that fails, or whose answer
// cannot be read to its last page, is a failure with another code, never "nothing there".
//
// Once this attempt has created a level, the levels below it are created without a lookup:
// attempts create in the same order, so nothing of an earlier attempt can hang under an
// object that did not exist before this one.
//
// What this cannot guarantee alone: a network that lists an object only some time after
// accepting it (read-after-write lag) makes a just-made object look absent; and two attempts
// of one step running at the same time could both find nothing — which the lease fence
// prevents (TaskContext::BeforeWrite: a lost attempt stops writing before the coordinator
// starts its successor; docs/architecture.md, Fencing).
//
// Not thread-safe; one per boost attempt.
#ifndef FANFARE_WORKERS_COMMON_BOOST_CHAIN_H_
#define FANFARE_WORKERS_COMMON_BOOST_CHAIN_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workers/common/adapter.h"
#include "workers/common/json_value.h"

namespace fanfare::workers {

// The name of every object this boost creates: "Fanfare " + ClientReference(idempotency key).
std::string BoostName(const ActionCall& call);

// One level's lookup: the object; nullopt when a complete lookup found none; a failure when
// the lookup could not be completed.
using BoostFind = std::function<absl::StatusOr<std::optional<Json>>()>;
// One level's create: the object as created (at least its id).
using BoostCreate = std::function<absl::StatusOr<Json>()>;

// One level of the chain.
struct BoostLevel {
  std::string what;            // "campaign", "ad set": names the level in messages
  std::string id_field = "id";  // where found and created objects hold their id
  BoostFind find;
  BoostCreate create;
};

class BoostChain {
 public:
  explicit BoostChain(const ActionCall& call) : call_(call) {}

  // The top of the chain: found; else created by an EXECUTE; a RECONCILE that finds none
  // answers OutcomeUnknown("<action>: not found: no <what> named …", "not_found").
  absl::StatusOr<Json> Campaign(const BoostLevel& level);
  // A level below the campaign: found, else created.
  absl::StatusOr<Json> FindOrCreate(const BoostLevel& level);

 private:
  // The level's find / create, checked to hold an id; their failures never "not_found".
  absl::StatusOr<std::optional<Json>> Find(const BoostLevel& level);
  absl::StatusOr<Json> Create(const BoostLevel& level);

  const ActionCall& call_;
  // This attempt has created a level: nothing earlier can exist below it.
  bool created_ = false;
};

// One page of a listing: its items, and what asks for the next page ("" after the last).
struct ListingPage {
  Json items = Json::array();
  std::string next;
};
// Reads one page: `next` is "" for the first, then the previous page's `next`.
using ListingPageFn = std::function<absl::StatusOr<ListingPage>(const std::string& next)>;

// The first item of a listing, read page by page, for which `match` holds; nullopt when no
// page holds one. A listing of more than 100 pages is a Retryable failure
// ("listing_too_long"): a listing not read to its end proves nothing.
absl::StatusOr<std::optional<Json>> FindInListing(
    const ListingPageFn& page, const std::function<bool(const Json&)>& match,
    absl::string_view what);

// The array `field` of a listing's answer. Retryable ("unreadable_listing") when the answer
// has none, so that an answer we cannot read never passes for an empty listing.
absl::StatusOr<Json> ListedItems(const Json& answer, absl::string_view field,
                                 absl::string_view what);

}  // namespace fanfare::workers

#endif  // FANFARE_WORKERS_COMMON_BOOST_CHAIN_H_
