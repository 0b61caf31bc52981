#include "sandbox/router.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace fanfare::sandbox {
namespace {

std::vector<std::string> Segments(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string StringField(const Json& json, absl::string_view key) {
  if (!json.is_object()) return "";
  auto it = json.find(std::string(key));
  return it != json.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string UrlDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void ParseQuery(absl::string_view text, std::multimap<std::string, std::string>& out) {
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) {
      out.emplace(UrlDecode(pair), "");
    } else {
      out.emplace(UrlDecode(pair.substr(0, eq)), UrlDecode(pair.substr(eq + 1)));
    }
  }
}

std::string SandboxRequest::Param(absl::string_view name, absl::string_view fallback) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string(fallback) : it->second;
}

std::string SandboxRequest::Header(absl::string_view name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

std::string SandboxRequest::PathParam(absl::string_view name) const {
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? "" : it->second;
}

Json SandboxRequest::BodyJson() const {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  return json.is_discarded() ? Json(nullptr) : json;
}

std::string SandboxRequest::Token(absl::string_view header) const {
  const std::string auth = Header("authorization");
  if (absl::StartsWithIgnoreCase(auth, "Bearer ")) return auth.substr(7);
  if (!header.empty() && !Header(header).empty()) return Header(header);
  return Param("access_token");
}

void Router::Add(absl::string_view method, absl::string_view pattern, Handler handler) {
  routes_.push_back(Route{std::string(method), Segments(pattern), std::move(handler)});
}

bool Router::Dispatch(SandboxRequest& request, SandboxResponse& response) const {
  const std::vector<std::string> parts = Segments(request.path);
  for (const Route& route : routes_) {
    if (route.method != request.method || route.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> captured;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) {
      const std::string& seg = route.segments[i];
      if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
        captured[seg.substr(1, seg.size() - 2)] = UrlDecode(parts[i]);
      } else {
        match = seg == parts[i];
      }
    }
    if (!match) continue;
    request.path_params = std::move(captured);
    route.handler(request, response);
    return true;
  }
  return false;
}

}  // namespace fanfare::sandbox
