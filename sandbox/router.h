// The sandbox's HTTP-free request model and router. Network emulations register handlers
// on path patterns ("/facebook/{version}/{id}/feed"); only sandbox.cc knows cpp-httplib, so
// the emulations can be unit-tested by calling Router::Dispatch directly.
#ifndef FANFARE_SANDBOX_ROUTER_H_
#define FANFARE_SANDBOX_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace fanfare::sandbox {

using Json = nlohmann::json;

struct SandboxRequest {
  std::string method;
  std::string path;
  // Query parameters, and form fields of an application/x-www-form-urlencoded body.
  std::multimap<std::string, std::string> params;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string> path_params;  // filled by the router

  std::string Param(absl::string_view name, absl::string_view fallback = "") const;
  std::string Header(absl::string_view name) const;
  std::string PathParam(absl::string_view name) const;
  // The body as JSON; a null Json when it is empty or not JSON.
  Json BodyJson() const;
  // The bearer token from "Authorization: Bearer …", else the named header, else the
  // `access_token` parameter (the Graph API accepts either).
  std::string Token(absl::string_view header = "") const;
};

struct SandboxResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  // Set by the fault injector: the change was committed but the client gets no answer.
  bool drop = false;

  void SetJson(int code, const Json& json) {
    status = code;
    // Text a client sent that is not UTF-8 is answered with U+FFFD, never an exception.
    body = json.dump(-1, ' ', false, Json::error_handler_t::replace);
    content_type = "application/json";
  }
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

using Handler = std::function<void(const SandboxRequest&, SandboxResponse&)>;

// Thread-safe after registration (Add is not; call it before serving).
class Router {
 public:
  // `pattern` segments are literals or {name}; a segment "{name}" matches one segment.
  void Add(absl::string_view method, absl::string_view pattern, Handler handler);
  // Fills `response` and returns true if a route matched; false (response untouched) if not.
  bool Dispatch(SandboxRequest& request, SandboxResponse& response) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// The string `key` of `json`; "" when `json` is not an object or the member is missing or
// not a string. Never throws, whatever a client sent.
std::string StringField(const Json& json, absl::string_view key);

std::string UrlDecode(absl::string_view text);
// Parses "a=1&b=2" into `out`.
void ParseQuery(absl::string_view text, std::multimap<std::string, std::string>& out);

}  // namespace fanfare::sandbox

#endif  // FANFARE_SANDBOX_ROUTER_H_
