// Fuzzes the expression language: any bytes, parsed as an expression and as a template,
// must give a parse error or a value (possibly an error value), never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/expr/expression.h"
#include "engine/expr/value.h"

namespace {

using fanfare::expr::Value;

// Variables shaped like the ones a step sees, so that field access, indexing and the list
// macros have something to walk.
const fanfare::expr::Activation& Variables() {
  static const fanfare::expr::Activation* const vars = [] {
    auto* a = new fanfare::expr::Activation();
    a->set_now(absl::FromUnixSeconds(1796115600));
    a->Set("params",
           Value::MakeMap({{"product", Value::String("Acme Rocket")},
                           {"budget", Value::Int(40)},
                           {"max_cpc", Value::Double(1.5)},
                           {"networks", Value::MakeList({Value::String("facebook"),
                                                         Value::String("x")})},
                           {"launch_at", Value::Timestamp(absl::FromUnixSeconds(1796115600))},
                           {"cadence", Value::Duration(absl::Hours(6))}}));
    const Value insights = Value::MakeMap({{"cpc", Value::Double(1.2)},
                                           {"clicks", Value::Int(80)},
                                           {"ctr", Value::Double(0.02)}});
    a->Set("steps",
           Value::MakeMap({{"copy", Value::MakeMap({{"state", Value::String("SUCCEEDED")},
                                                    {"output", Value::MakeMap(
                                                        {{"text", Value::String("hi")}})}})},
                           {"measure", Value::MakeMap(
                                           {{"state", Value::String("SUCCEEDED")},
                                            {"outputs", Value::MakeMap({{"facebook", insights},
                                                                        {"x", insights}})},
                                            {"output_list",
                                             Value::MakeList({insights, insights})}})}}));
    a->Set("item", Value::String("facebook"));
    a->Set("index", Value::Int(0));
    a->Set("iteration", Value::Int(2));
    a->Set("run", Value::MakeMap({{"id", Value::String("r1")},
                                  {"namespace", Value::String("default")}}));
    return a;
  }();
  return *vars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<fanfare::expr::Expression> e = fanfare::expr::Expression::Parse(text);
      e.ok()) {
    (void)e->references();
    const Value v = e->Evaluate(Variables());
    (void)v.DebugString();
    if (!v.is_error()) (void)v.ToText();
  } else {
    (void)fanfare::expr::ParseErrorOffset(e.status());
  }
  if (absl::StatusOr<fanfare::expr::Template> t = fanfare::expr::Template::Parse(text); t.ok()) {
    (void)t->references();
    (void)t->Render(Variables()).DebugString();
  } else {
    (void)fanfare::expr::ParseErrorOffset(t.status());
  }
  return 0;
}
