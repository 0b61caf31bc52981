#include "workers/registry/adapters.h"

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workers/facebook/facebook_adapter.h"
#include "workers/instagram/instagram_adapter.h"
#include "workers/linkedin/linkedin_adapter.h"
#include "workers/snapchat/snapchat_adapter.h"
#include "workers/tiktok/tiktok_adapter.h"
#include "workers/x/x_adapter.h"
#include "workers/youtube/youtube_adapter.h"

namespace fanfare::workers {
namespace {

using Factory = std::function<std::unique_ptr<NetworkAdapter>(const AdapterOptions&)>;

const std::map<std::string, Factory>& Factories() {
  static const auto* const factories = new std::map<std::string, Factory>{
      {"facebook", &MakeFacebookAdapter}, {"instagram", &MakeInstagramAdapter},
      {"x", &MakeXAdapter},               {"linkedin", &MakeLinkedInAdapter},
      {"youtube", &MakeYouTubeAdapter},   {"tiktok", &MakeTikTokAdapter},
      {"snapchat", &MakeSnapchatAdapter}};
  return *factories;
}

}  // namespace

const std::vector<std::string>& SupportedNetworks() {
  static const auto* const networks = new std::vector<std::string>{
      "facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "snapchat"};
  return *networks;
}

absl::StatusOr<std::vector<std::unique_ptr<NetworkAdapter>>> MakeAdapters(
    const AdapterOptions& options, const std::vector<std::string>& networks) {
  if (options.credentials == nullptr || options.http == nullptr) {
    return absl::InvalidArgumentError("MakeAdapters: options.credentials and options.http are "
                                      "required");
  }
  std::vector<std::unique_ptr<NetworkAdapter>> adapters;
  for (const std::string& network : networks.empty() ? SupportedNetworks() : networks) {
    auto it = Factories().find(network);
    if (it == Factories().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown network '", network, "'; networks are ",
          absl::StrJoin(SupportedNetworks(), ", ")));
    }
    adapters.push_back(it->second(options));
  }
  return adapters;
}

std::vector<ActionHandler> ListHandlers(
    const std::vector<std::unique_ptr<NetworkAdapter>>& adapters) {
  std::vector<ActionHandler> handlers;
  for (const auto& adapter : adapters) {
    NetworkAdapter* raw = adapter.get();
    for (const ActionSpec& spec : raw->actions()) {
      const std::string verb = spec.verb;
      handlers.push_back(ActionHandler{
          absl::StrCat(raw->network(), ".", spec.verb), spec.idempotent,
          [raw, verb](TaskContext& ctx) { return raw->Run(verb, ctx); }});
    }
  }
  return handlers;
}

}  // namespace fanfare::workers
