#include "sandbox/sandbox.h"

#include <httplib.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "sandbox/network_api.h"

namespace fanfare::sandbox {
namespace {

std::string NetworkOf(const std::string& path) {
  const size_t start = path.find_first_not_of('/');
  if (start == std::string::npos) return "";
  const size_t end = path.find('/', start);
  return path.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

SandboxRequest FromHttplib(const httplib::Request& req) {
  SandboxRequest out;
  out.method = req.method;
  out.path = req.path;
  out.body = req.body;
  for (const auto& [name, value] : req.headers) out.headers[absl::AsciiStrToLower(name)] = value;
  for (const auto& [name, value] : req.params) out.params.emplace(name, value);
  // httplib moves multipart/form-data parts out of the body; the emulations read the file
  // part (Snapchat media uploads) as the body.
  if (out.body.empty() && !req.files.empty()) out.body = req.files.begin()->second.content;
  if (absl::StartsWith(out.Header("content-type"), "application/x-www-form-urlencoded")) {
    std::multimap<std::string, std::string> form;
    ParseQuery(req.body, form);
    for (auto& [name, value] : form) {
      if (out.params.find(name) == out.params.end()) out.params.emplace(name, value);
    }
  }
  return out;
}

// The change is committed; the client must get no usable answer. Send the status line and
// a Content-Length, then close the connection before any byte of the body: the client
// sees a response cut short (curl error 18), and none of the headers that carry results.
void Drop(httplib::Response& res) {
  res.headers.clear();
  res.status = 200;
  res.set_content_provider(
      64, "application/json",
      [](size_t, size_t, httplib::DataSink&) { return false; });
}

}  // namespace

Sandbox::Sandbox(SandboxOptions options)
    : state_(std::make_unique<SandboxState>(std::move(options))),
      pusher_(std::make_unique<WebhookPusher>(state_.get())) {
  RegisterFacebook(router_, *state_);
  RegisterInstagram(router_, *state_);
  RegisterX(router_, *state_);
  RegisterLinkedIn(router_, *state_);
  RegisterYouTube(router_, *state_);
  RegisterTikTok(router_, *state_);
  RegisterSnapchat(router_, *state_);
  RegisterOAuth(router_, *state_);
  RegisterControl(router_, *state_);
  RegisterWebhooks(router_, *state_, *pusher_);
}

Sandbox::~Sandbox() { Stop(); }

absl::StatusOr<int> Sandbox::Start(const std::string& host, int port) {
  if (server_ != nullptr) return absl::FailedPreconditionError("sandbox: already started");
  auto server = std::make_unique<httplib::Server>();
  server->set_keep_alive_timeout(1);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    SandboxRequest request = FromHttplib(req);
    SandboxResponse response;
    Serve(request, response);
    if (response.drop) {
      Drop(res);
      return;
    }
    res.status = response.status;
    for (const auto& [name, value] : response.headers) res.set_header(name, value);
    res.set_content(response.body, response.content_type);
  };
  server->Get(".*", handler);
  server->Post(".*", handler);
  server->Put(".*", handler);
  server->Delete(".*", handler);
  server->Patch(".*", handler);
  int bound = port;
  if (port == 0) {
    bound = server->bind_to_any_port(host);
  } else if (!server->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("sandbox: cannot listen on ", host, ":", port));
  }
  host_ = host;
  port_ = bound;
  server_ = std::move(server);
  thread_ = std::thread([s = server_.get()] { s->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs: wait for it, so that a Stop()
  // right after Start() cannot leave the loop running forever.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  pusher_->Start(kPushEvery);
  return port_;
}

void Sandbox::Stop() {
  if (server_ == nullptr) return;
  pusher_->Stop();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::string Sandbox::BaseUrl() const { return absl::StrCat("http://", host_, ":", port_); }

std::string Sandbox::NetworkBase(absl::string_view network) const {
  return absl::StrCat(BaseUrl(), "/", network);
}

namespace {

// `pattern` is a substring of `path`; or, when it ends in '$', a suffix of it (a trailing
// '/' of the path ignored), so that ".../ads$" does not also match ".../adsets".
bool DropPathMatches(absl::string_view path, absl::string_view pattern) {
  if (absl::ConsumeSuffix(&pattern, "$")) {
    absl::ConsumeSuffix(&path, "/");
    return absl::EndsWith(path, pattern);
  }
  return absl::StrContains(path, pattern);
}

// The list a listing answers: `data`, `items` or `elements`, or TikTok's `data.comments`;
// nullptr when the body holds none.
Json* ListedItems(Json& body) {
  if (!body.is_object()) return nullptr;
  for (const char* key : {"data", "items", "elements"}) {
    auto it = body.find(key);
    if (it != body.end() && it->is_array()) return &*it;
  }
  auto data = body.find("data");
  if (data != body.end() && data->is_object()) {
    auto comments = data->find("comments");
    if (comments != data->end() && comments->is_array()) return &*comments;
  }
  return nullptr;
}

// A listing that hands one item out twice, as a listing that shifts between pages or a
// duplicate delivery does: the item at `pick` (0..1) of the list is repeated right after
// itself. Whether the response held a list to do it to.
bool RepeatOneListedItem(SandboxResponse& response, double pick) {
  Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  Json* items = ListedItems(body);
  if (items == nullptr || items->empty()) return false;
  const size_t at = std::min(items->size() - 1, static_cast<size_t>(pick * items->size()));
  const Json repeated = (*items)[at];
  items->insert(items->begin() + static_cast<std::ptrdiff_t>(at) + 1, repeated);
  response.SetJson(response.status, body);
  return true;
}

}  // namespace

SandboxResponse Sandbox::Handle(SandboxRequest request) {
  SandboxResponse response;
  Serve(request, response);
  return response;
}

void Sandbox::Serve(SandboxRequest& request, SandboxResponse& response) {
  const std::string network = NetworkOf(request.path);
  const bool control = network == "_sandbox";
  Faults faults;
  bool inject_error = false;
  if (!control) {
    absl::MutexLock lock(&state_->mu);
    if (const Faults* in_force = state_->FaultsFor(network)) faults = *in_force;
    inject_error = faults.error_rate > 0 && state_->Random() < faults.error_rate;
    if (inject_error) state_->Stats(network, "*").errors_injected++;
  }
  if (faults.latency > absl::ZeroDuration()) absl::SleepFor(faults.latency);
  if (inject_error) {
    TransientError(network, response);
    return;
  }
  bool routed = false;
  try {
    routed = router_.Dispatch(request, response);
  } catch (const std::exception& e) {
    // A handler read a field of the wrong type that a client sent (nlohmann::json throws):
    // a real network answers such a request 400.
    response = SandboxResponse();
    response.SetJson(400, {{"error", absl::StrCat("sandbox: malformed request: ", e.what())}});
    return;
  }
  if (!routed) {
    response.SetJson(404, {{"error", absl::StrCat("sandbox: no route for ", request.method, " ",
                                                  request.path)}});
    return;
  }
  if (control) return;
  if (request.method == "GET") {
    if (response.status != 200 || faults.duplicate_rate <= 0) return;
    double repeat = 0, pick = 0;
    {
      absl::MutexLock lock(&state_->mu);
      repeat = state_->Random();
      pick = state_->Random();
    }
    if (repeat < faults.duplicate_rate && RepeatOneListedItem(response, pick)) {
      absl::MutexLock lock(&state_->mu);
      state_->Stats(network, "*").duplicates_delivered++;
    }
    return;
  }
  if (faults.answer_latency > absl::ZeroDuration() &&
      absl::StrContains(request.path, faults.slow_path)) {
    absl::SleepFor(faults.answer_latency);
  }
  if (response.status >= 300) return;
  absl::MutexLock lock(&state_->mu);
  Faults& live = state_->faults.count(network) ? state_->faults[network] : state_->faults["*"];
  bool drop = false;
  if ((!live.drop_path.empty() && !DropPathMatches(request.path, live.drop_path)) ||
      (!live.drop_method.empty() && request.method != live.drop_method)) {
    drop = false;
  } else if (live.drop_next > 0) {
    live.drop_next--;
    drop = true;
  } else if (live.drop_rate > 0 && state_->Random() < live.drop_rate) {
    drop = true;
  }
  if (drop) {
    response.drop = true;
    state_->Stats(network, "*").responses_dropped++;
  }
}

}  // namespace fanfare::sandbox
