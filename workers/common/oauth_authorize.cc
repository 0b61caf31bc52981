#include "workers/common/oauth_authorize.h"

#include "absl/strings/str_cat.h"

namespace fanfare::workers {

std::string DefaultAuthorizeBase(absl::string_view network) {
  if (network == "x") return "https://x.com";
  if (network == "linkedin") return "https://www.linkedin.com";
  if (network == "tiktok") return "https://www.tiktok.com";
  if (network == "youtube") return "https://accounts.google.com";
  if (network == "snapchat") return "https://accounts.snapchat.com";
  return "";
}

std::optional<OAuthAuthorizeSpec> AuthorizeSpecOf(absl::string_view network,
                                                  absl::string_view authorize_base) {
  OAuthAuthorizeSpec spec{.network = std::string(network)};
  if (network == "x") {
    spec.authorize_url = absl::StrCat(authorize_base, "/i/oauth2/authorize");
    spec.scope = "tweet.read tweet.write users.read offline.access";
  } else if (network == "linkedin") {
    spec.authorize_url = absl::StrCat(authorize_base, "/oauth/v2/authorization");
    spec.scope = "w_member_social w_organization_social r_organization_social rw_ads";
  } else if (network == "tiktok") {
    spec.authorize_url = absl::StrCat(authorize_base, "/v2/auth/authorize/");
    spec.client_id_param = "client_key";
    spec.scope = "user.info.basic,video.publish,video.upload";
  } else if (network == "youtube") {
    spec.authorize_url = absl::StrCat(authorize_base, "/o/oauth2/v2/auth");
    spec.scope =
        "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube";
    spec.extra = {{"access_type", "offline"}, {"prompt", "consent"}};
  } else if (network == "snapchat") {
    spec.authorize_url = absl::StrCat(authorize_base, "/login/oauth2/authorize");
    spec.scope = "snapchat-marketing-api";
  } else {
    return std::nullopt;
  }
  return spec;
}

std::string AuthorizeUrl(const OAuthAuthorizeSpec& spec, const AuthorizationRequest& request) {
  std::vector<std::pair<std::string, std::string>> query = {
      {"response_type", "code"},
      {spec.client_id_param, request.client_id},
      {"redirect_uri", request.redirect_uri},
      {"scope", spec.scope},
      {"state", request.state},
      {"code_challenge", request.code_challenge},
      {"code_challenge_method", "S256"}};
  query.insert(query.end(), spec.extra.begin(), spec.extra.end());
  if (!request.login_hint.empty()) query.emplace_back("login_hint", request.login_hint);
  return absl::StrCat(spec.authorize_url, "?", FormEncode(query));
}

absl::StatusOr<TokenGrant> ExchangeAuthorizationCode(HttpClient& http,
                                                     const OAuthRefreshSpec& spec,
                                                     const OAuthClient& client,
                                                     const std::string& code,
                                                     const std::string& redirect_uri,
                                                     const std::string& code_verifier,
                                                     absl::string_view alias) {
  return RequestTokens(http, spec, client,
                       {{"grant_type", "authorization_code"},
                        {"code", code},
                        {"redirect_uri", redirect_uri},
                        {"code_verifier", code_verifier}},
                       alias);
}

}  // namespace fanfare::workers
