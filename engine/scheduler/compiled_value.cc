#include "engine/scheduler/compiled_value.h"

#include "absl/strings/str_cat.h"
#include "engine/expr/proto_value.h"

namespace fanfare::scheduler {

absl::StatusOr<CompiledValue> CompiledValue::Compile(const google::protobuf::Value& value) {
  CompiledValue out;
  switch (value.kind_case()) {
    case google::protobuf::Value::kStringValue: {
      if (!expr::Template::HasExpressions(value.string_value())) break;
      absl::StatusOr<expr::Template> parsed = expr::Template::Parse(value.string_value());
      if (!parsed.ok()) return parsed.status();
      out.kind_ = Kind::kTemplate;
      out.template_ = std::make_shared<const expr::Template>(*std::move(parsed));
      return out;
    }
    case google::protobuf::Value::kListValue: {
      bool literal = true;
      for (const auto& item : value.list_value().values()) {
        absl::StatusOr<CompiledValue> compiled = Compile(item);
        if (!compiled.ok()) return compiled.status();
        literal = literal && compiled->is_literal();
        out.items_.push_back(*std::move(compiled));
      }
      if (literal) break;
      out.kind_ = Kind::kList;
      return out;
    }
    case google::protobuf::Value::kStructValue: {
      bool literal = true;
      for (const auto& [key, field] : value.struct_value().fields()) {
        absl::StatusOr<CompiledValue> compiled = Compile(field);
        if (!compiled.ok()) return compiled.status();
        literal = literal && compiled->is_literal();
        out.fields_.emplace_back(key, *std::move(compiled));
      }
      if (literal) break;
      out.kind_ = Kind::kMap;
      return out;
    }
    default:
      break;
  }
  // No template anywhere below: keep the literal and drop the parts.
  out = CompiledValue();
  out.literal_ = expr::FromProto(value);
  return out;
}

void CompiledValue::AppendReferences(std::vector<expr::Reference>* out) const {
  if (template_ != nullptr) {
    std::vector<expr::Reference> references = template_->references();
    out->insert(out->end(), references.begin(), references.end());
  }
  for (const CompiledValue& item : items_) item.AppendReferences(out);
  for (const auto& [key, field] : fields_) field.AppendReferences(out);
}

expr::Value CompiledValue::Render(const expr::Activation& vars) const {
  return RenderAt(vars, "with");
}

expr::Value CompiledValue::RenderAt(const expr::Activation& vars, const std::string& path) const {
  switch (kind_) {
    case Kind::kLiteral:
      return literal_;
    case Kind::kTemplate: {
      expr::Value v = template_->Render(vars);
      return v.is_error() ? expr::Value::Error(absl::StrCat(path, ": ", v.error_message())) : v;
    }
    case Kind::kList: {
      expr::Value::List items;
      items.reserve(items_.size());
      for (size_t i = 0; i < items_.size(); ++i) {
        expr::Value v = items_[i].RenderAt(vars, absl::StrCat(path, "[", i, "]"));
        if (v.is_error()) return v;
        items.push_back(std::move(v));
      }
      return expr::Value::MakeList(std::move(items));
    }
    case Kind::kMap: {
      expr::Value::Map entries;
      for (const auto& [key, field] : fields_) {
        expr::Value v = field.RenderAt(vars, absl::StrCat(path, ".", key));
        if (v.is_error()) return v;
        entries.emplace(key, std::move(v));
      }
      return expr::Value::MakeMap(std::move(entries));
    }
  }
  return expr::Value::Error("unreachable");
}

}  // namespace fanfare::scheduler
