#include "engine/definition/graph.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/durations.h"
#include "engine/definition/item_key.h"
#include "engine/expr/proto_value.h"

namespace fanfare::definition {
namespace {

absl::Duration ToDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// What a step does, in one line: "facebook.publish", "wait 6h", "approval".
std::string Summary(const v1::Step& step) {
  switch (step.kind_case()) {
    case v1::Step::kWait:
      return step.wait().until().empty()
                 ? absl::StrCat("wait ", fanfare::FormatDuration(ToDuration(step.wait().duration())))
                 : absl::StrCat("wait until ", step.wait().until());
    case v1::Step::kApproval: return "approval";
    case v1::Step::kSignal: return absl::StrCat("signal ", step.signal().name());
    case v1::Step::kRepeat: {
      const v1::RepeatSpec& r = step.repeat();
      std::string text = "repeat";
      if (r.has_every()) absl::StrAppend(&text, " every ", fanfare::FormatDuration(ToDuration(r.every())));
      if (r.max_iterations() > 0) absl::StrAppend(&text, " ×", r.max_iterations());
      if (!r.until().empty()) absl::StrAppend(&text, " until ", r.until());
      return text;
    }
    default: break;
  }
  std::string text = step.action();
  if (step.has_for_each()) {
    if (step.for_each().has_items()) {
      // Items by their keys, as the instances are named: a map item by its `id`.
      const expr::Value values = expr::FromProto(step.for_each().items());
      std::vector<std::string> items;
      for (size_t i = 0; i < values.list().size(); ++i) {
        items.push_back(ItemKey(values.list()[i], i));
      }
      absl::StrAppend(&text, "\nfor each of [", absl::StrJoin(items, ", "), "]");
    } else {
      absl::StrAppend(&text, "\nfor each in ", step.for_each().expression());
    }
  }
  return text;
}

// Node names must be unique across repeat blocks: "block__step" inside a block.
std::string NodeId(absl::string_view scope, absl::string_view id) {
  return scope.empty() ? std::string(id) : absl::StrCat(scope, "__", id);
}

class DotWriter {
 public:
  std::string Render(const v1::CampaignSpec& spec) {
    absl::StrAppend(&out_, "digraph \"", Escape(spec.metadata().name()), "\" {\n",
                    "  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
    Scope(spec.steps(), "", "  ");
    out_ += "}\n";
    return out_;
  }

 private:
  static std::string Escape(absl::string_view s) {
    return absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
  }

  static const char* Shape(const v1::Step& step) {
    switch (step.kind_case()) {
      case v1::Step::kWait: return "ellipse";
      case v1::Step::kApproval: return "hexagon";
      case v1::Step::kSignal: return "parallelogram";
      default: return step.has_for_each() ? "box3d" : "box";
    }
  }

  void Scope(const google::protobuf::RepeatedPtrField<v1::Step>& steps, const std::string& scope,
             const std::string& indent) {
    for (const v1::Step& step : steps) {
      const std::string node = NodeId(scope, step.id());
      if (step.has_repeat()) {
        absl::StrAppend(&out_, indent, "subgraph \"cluster_", node, "\" {\n", indent,
                        "  label=\"", Escape(absl::StrCat(step.id(), ": ", Summary(step))),
                        "\";\n", indent, "  style=rounded;\n");
        absl::StrAppend(&out_, indent, "  \"", node, "\" [shape=point, label=\"\"];\n");
        Scope(step.repeat().steps(), node, indent + "  ");
        absl::StrAppend(&out_, indent, "}\n");
      } else {
        absl::StrAppend(&out_, indent, "\"", node, "\" [shape=", Shape(step), ", label=\"",
                        Escape(absl::StrCat(step.id(), "\n", Summary(step))), "\"];\n");
      }
      for (const std::string& need : step.needs()) {
        absl::StrAppend(&out_, indent, "\"", NodeId(scope, need), "\" -> \"", node, "\"");
        if (!step.when().empty()) {
          absl::StrAppend(&out_, " [style=dashed, label=\"when ", Escape(step.when()), "\"]");
        }
        out_ += ";\n";
      }
    }
  }

  std::string out_;
};

class MermaidWriter {
 public:
  std::string Render(const v1::CampaignSpec& spec) {
    out_ = "flowchart LR\n";
    Scope(spec.steps(), "", "  ");
    return out_;
  }

 private:
  static std::string Label(const v1::Step& step) {
    std::string text = absl::StrCat(step.id(), "<br/>", Summary(step));
    return absl::StrReplaceAll(text, {{"\n", "<br/>"}, {"\"", "#quot;"}});
  }

  static std::string Node(const std::string& id, const v1::Step& step) {
    const std::string label = Label(step);
    switch (step.kind_case()) {
      case v1::Step::kWait: return absl::StrCat(id, "([\"", label, "\"])");
      case v1::Step::kApproval: return absl::StrCat(id, "{{\"", label, "\"}}");
      case v1::Step::kSignal: return absl::StrCat(id, "[/\"", label, "\"/]");
      default: return absl::StrCat(id, "[\"", label, "\"]");
    }
  }

  void Scope(const google::protobuf::RepeatedPtrField<v1::Step>& steps, const std::string& scope,
             const std::string& indent) {
    for (const v1::Step& step : steps) {
      const std::string node = NodeId(scope, step.id());
      if (step.has_repeat()) {
        absl::StrAppend(&out_, indent, "subgraph ", node, "[\"", Label(step), "\"]\n");
        Scope(step.repeat().steps(), node, indent + "  ");
        absl::StrAppend(&out_, indent, "end\n");
      } else {
        absl::StrAppend(&out_, indent, Node(node, step), "\n");
      }
      for (const std::string& need : step.needs()) {
        const std::string arrow =
            step.when().empty()
                ? " --> "
                : absl::StrCat(" -. \"when ", absl::StrReplaceAll(step.when(), {{"\"", "#quot;"}}),
                               "\" .-> ");
        absl::StrAppend(&out_, indent, NodeId(scope, need), arrow, node, "\n");
      }
    }
  }

  std::string out_;
};

}  // namespace

absl::StatusOr<GraphFormat> ParseGraphFormat(absl::string_view name) {
  if (name == "dot") return GraphFormat::kDot;
  if (name == "mermaid") return GraphFormat::kMermaid;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown graph format '", name, "'; use dot or mermaid"));
}

std::string RenderGraph(const v1::CampaignSpec& spec, GraphFormat format) {
  return format == GraphFormat::kDot ? DotWriter().Render(spec) : MermaidWriter().Render(spec);
}

}  // namespace fanfare::definition
