#include "engine/service/account_service.h"

#include "engine/service/unary.h"

namespace fanfare::service {

using coordinator::Engine;
template <typename T>
using Reply = coordinator::Reply<T>;

grpc::ServerUnaryReactor* AccountServiceImpl::PutAccount(grpc::CallbackServerContext* context,
                                                         const v1::PutAccountRequest* request,
                                                         v1::Account* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AccountService/PutAccount"},
                     request, response,
                     [](Engine& engine, const v1::PutAccountRequest& r, Reply<v1::Account> reply) {
                       engine.PutAccount(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ListAccounts(
    grpc::CallbackServerContext* context, const v1::ListAccountsRequest* request,
    v1::ListAccountsResponse* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AccountService/ListAccounts"},
                     request, response,
                     [](Engine& engine, const v1::ListAccountsRequest& r,
                        Reply<v1::ListAccountsResponse> reply) {
                       engine.ListAccounts(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* AccountServiceImpl::RemoveAccount(
    grpc::CallbackServerContext* context, const v1::RemoveAccountRequest* request,
    v1::Account* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.AccountService/RemoveAccount"},
                     request, response,
                     [](Engine& engine, const v1::RemoveAccountRequest& r,
                        Reply<v1::Account> reply) {
                       engine.RemoveAccount(r, std::move(reply));
                     });
}

}  // namespace fanfare::service
