// The one validator every campaign definition goes through, whatever its source format.
#ifndef FANFARE_ENGINE_DEFINITION_VALIDATOR_H_
#define FANFARE_ENGINE_DEFINITION_VALIDATOR_H_

#include "engine/definition/diagnostics.h"
#include "fanfare/v1/campaign.pb.h"

namespace fanfare::definition {

// Checks `spec` and reports every problem into `diagnostics`: metadata and names, params and
// their defaults' types, accounts, budget, schedule, and for every step its kind, action,
// needs (unknown ids, cycles — printed), for_each, retry, timeouts, built-in kind settings,
// repeat scopes, and every expression and template (syntax, and references to unknown or
// non-upstream steps, undeclared params and variables not visible where they are used).
//
// Does not stop at the first problem.
void ValidateCampaign(const v1::CampaignSpec& spec, Diagnostics* diagnostics);

}  // namespace fanfare::definition

#endif  // FANFARE_ENGINE_DEFINITION_VALIDATOR_H_
