#include "engine/service/campaign_service.h"

#include "engine/coordinator/queries.h"
#include "engine/service/unary.h"
#include "engine/service/watch_stream.h"

namespace fanfare::service {

using coordinator::Engine;
template <typename T>
using Reply = coordinator::Reply<T>;

grpc::ServerUnaryReactor* CampaignServiceImpl::ApplyCampaign(
    grpc::CallbackServerContext* context, const v1::ApplyCampaignRequest* request,
    v1::ApplyCampaignResponse* response) {
  return RunOnEngine(
      coordinator_, {gate_, context, "/fanfare.v1.CampaignService/ApplyCampaign"}, request,
      response,
      [](Engine& engine, const v1::ApplyCampaignRequest& r,
         Reply<v1::ApplyCampaignResponse> reply) { engine.ApplyCampaign(r, std::move(reply)); });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetCampaign(grpc::CallbackServerContext* context,
                                                           const v1::GetCampaignRequest* request,
                                                           v1::Campaign* response) {
  return ReadNow({gate_, context, "/fanfare.v1.CampaignService/GetCampaign"}, request, response,
                 [this](const v1::GetCampaignRequest& r) {
                   return coordinator::GetCampaign(coordinator_.store(), r);
                 });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ListCampaigns(
    grpc::CallbackServerContext* context, const v1::ListCampaignsRequest* request,
    v1::ListCampaignsResponse* response) {
  return ReadNow({gate_, context, "/fanfare.v1.CampaignService/ListCampaigns"}, request, response,
                 [this](const v1::ListCampaignsRequest& r) {
                   return coordinator::ListCampaigns(coordinator_.store(), r);
                 });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::StartRun(grpc::CallbackServerContext* context,
                                                        const v1::StartRunRequest* request,
                                                        v1::StartRunResponse* response) {
  return RunOnEngine(
      coordinator_, {gate_, context, "/fanfare.v1.CampaignService/StartRun"}, request, response,
      [](Engine& engine, const v1::StartRunRequest& r, Reply<v1::StartRunResponse> reply) {
        engine.StartRun(r, std::move(reply));
      });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetRun(grpc::CallbackServerContext* context,
                                                      const v1::GetRunRequest* request,
                                                      v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/GetRun"}, request,
                     response,
                     [](Engine& engine, const v1::GetRunRequest& r, Reply<v1::Run> reply) {
                       engine.GetRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ListRuns(grpc::CallbackServerContext* context,
                                                        const v1::ListRunsRequest* request,
                                                        v1::ListRunsResponse* response) {
  return ReadNow({gate_, context, "/fanfare.v1.CampaignService/ListRuns"}, request, response,
                 [this](const v1::ListRunsRequest& r) {
                   return coordinator::ListRuns(coordinator_.store(), r);
                 });
}

grpc::ServerWriteReactor<v1::HistoryEvent>* CampaignServiceImpl::WatchRun(
    grpc::CallbackServerContext* context, const v1::WatchRunRequest* request) {
  return new WatchStream(
      coordinator_, *request,
      gate_.Admit(*context, "/fanfare.v1.CampaignService/WatchRun", *request).status());
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetHistory(grpc::CallbackServerContext* context,
                                                          const v1::GetHistoryRequest* request,
                                                          v1::GetHistoryResponse* response) {
  return ReadNow({gate_, context, "/fanfare.v1.CampaignService/GetHistory"}, request, response,
                 [this](const v1::GetHistoryRequest& r) {
                   return coordinator::GetHistory(coordinator_.store(), r);
                 });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::CancelRun(grpc::CallbackServerContext* context,
                                                         const v1::CancelRunRequest* request,
                                                         v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/CancelRun"},
                     request, response,
                     [](Engine& engine, const v1::CancelRunRequest& r, Reply<v1::Run> reply) {
                       engine.CancelRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::PauseRun(grpc::CallbackServerContext* context,
                                                        const v1::PauseRunRequest* request,
                                                        v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/PauseRun"},
                     request, response,
                     [](Engine& engine, const v1::PauseRunRequest& r, Reply<v1::Run> reply) {
                       engine.PauseRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ResumeRun(grpc::CallbackServerContext* context,
                                                         const v1::ResumeRunRequest* request,
                                                         v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/ResumeRun"},
                     request, response,
                     [](Engine& engine, const v1::ResumeRunRequest& r, Reply<v1::Run> reply) {
                       engine.ResumeRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::RetryRun(grpc::CallbackServerContext* context,
                                                        const v1::RetryRunRequest* request,
                                                        v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/RetryRun"},
                     request, response,
                     [](Engine& engine, const v1::RetryRunRequest& r, Reply<v1::Run> reply) {
                       engine.RetryRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ApproveStep(grpc::CallbackServerContext* context,
                                                           const v1::DecideStepRequest* request,
                                                           v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/ApproveStep"},
                     request, response,
                     [](Engine& engine, const auth::Principal& caller,
                        const v1::DecideStepRequest& r, Reply<v1::Run> reply) {
                       engine.DecideStep(caller, r, /*approve=*/true, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::RejectStep(grpc::CallbackServerContext* context,
                                                          const v1::DecideStepRequest* request,
                                                          v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/RejectStep"},
                     request, response,
                     [](Engine& engine, const auth::Principal& caller,
                        const v1::DecideStepRequest& r, Reply<v1::Run> reply) {
                       engine.DecideStep(caller, r, /*approve=*/false, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::SignalRun(grpc::CallbackServerContext* context,
                                                         const v1::SignalRunRequest* request,
                                                         v1::Run* response) {
  return RunOnEngine(coordinator_, {gate_, context, "/fanfare.v1.CampaignService/SignalRun"},
                     request, response,
                     [](Engine& engine, const v1::SignalRunRequest& r, Reply<v1::Run> reply) {
                       engine.SignalRun(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetDispatchState(
    grpc::CallbackServerContext* context, const v1::GetDispatchStateRequest* request,
    v1::DispatchState* response) {
  return RunOnEngine(
      coordinator_, {gate_, context, "/fanfare.v1.CampaignService/GetDispatchState"}, request,
      response,
      [](Engine& engine, const v1::GetDispatchStateRequest& r, Reply<v1::DispatchState> reply) {
        engine.GetDispatchState(r, std::move(reply));
      });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ListCommunityAuthors(
    grpc::CallbackServerContext* context, const v1::ListCommunityAuthorsRequest* request,
    v1::ListCommunityAuthorsResponse* response) {
  return RunOnEngine(coordinator_,
                     {gate_, context, "/fanfare.v1.CampaignService/ListCommunityAuthors"},
                     request, response,
                     [](Engine& engine, const v1::ListCommunityAuthorsRequest& r,
                        Reply<v1::ListCommunityAuthorsResponse> reply) {
                       engine.ListCommunityAuthors(r, std::move(reply));
                     });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ReleaseHold(grpc::CallbackServerContext* context,
                                                           const v1::ReleaseHoldRequest* request,
                                                           v1::ReleaseHoldResponse* response) {
  return RunOnEngine(
      coordinator_, {gate_, context, "/fanfare.v1.CampaignService/ReleaseHold"}, request, response,
      [](Engine& engine, const v1::ReleaseHoldRequest& r, Reply<v1::ReleaseHoldResponse> reply) {
        engine.ReleaseHold(r, std::move(reply));
      });
}

}  // namespace fanfare::service
