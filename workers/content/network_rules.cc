#include "workers/content/network_rules.h"

namespace fanfare::workers::content {
namespace {

// clang-format off
using enum LengthUnit;
constexpr NetworkRules kNetworks[] = {
  //                                                hashtag  links   headline  title  alt   rejects
  // name       text_name      max    unit          cap      click.  is title  max    max   < and >
  {"facebook",  "post",        63206, kCodePoints,  0,       true,   false,    0,     0,    false},
  {"instagram", "caption",     2200,  kCodePoints,  30,      false,  false,    0,     0,    false},
  {"x",         "post",        280,   kXWeighted,   0,       true,   false,    0,     1000, false},
  {"linkedin",  "post",        3000,  kCodePoints,  0,       true,   false,    0,     0,    false},
  {"youtube",   "description", 5000,  kUtf8Bytes,   60,      true,   true,     100,   0,    true},
  {"tiktok",    "caption",     2200,  kUtf16Units,  0,       false,  false,    0,     0,    false},
};
// clang-format on

}  // namespace

const NetworkRules* FindNetworkRules(absl::string_view network) {
  for (const NetworkRules& rules : kNetworks) {
    if (rules.name == network) return &rules;
  }
  return nullptr;
}

const std::vector<std::string>& SupportedNetworks() {
  static const std::vector<std::string>* const names = [] {
    auto* out = new std::vector<std::string>();
    for (const NetworkRules& rules : kNetworks) out->emplace_back(rules.name);
    return out;
  }();
  return *names;
}

}  // namespace fanfare::workers::content
