// CampaignService over gRPC (callback API): every request is checked, then either read
// straight from the store or run on the engine and answered once durable.
#ifndef FANFARE_ENGINE_SERVICE_CAMPAIGN_SERVICE_H_
#define FANFARE_ENGINE_SERVICE_CAMPAIGN_SERVICE_H_

#include "engine/coordinator/coordinator.h"
#include "engine/service/call_gate.h"
#include "fanfare/v1/coordinator.grpc.pb.h"

namespace fanfare::service {

// Thread-safe; the coordinator must outlive the service.
class CampaignServiceImpl final : public v1::CampaignService::CallbackService {
 public:
  // The coordinator and the gate must outlive the service.
  CampaignServiceImpl(coordinator::Coordinator* coordinator, const CallGate* gate)
      : coordinator_(*coordinator), gate_(*gate) {}

  grpc::ServerUnaryReactor* ApplyCampaign(grpc::CallbackServerContext* context,
                                          const v1::ApplyCampaignRequest* request,
                                          v1::ApplyCampaignResponse* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context,
                                        const v1::GetCampaignRequest* request,
                                        v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* context,
                                          const v1::ListCampaignsRequest* request,
                                          v1::ListCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* StartRun(grpc::CallbackServerContext* context,
                                     const v1::StartRunRequest* request,
                                     v1::StartRunResponse* response) override;
  grpc::ServerUnaryReactor* GetRun(grpc::CallbackServerContext* context,
                                   const v1::GetRunRequest* request, v1::Run* response) override;
  grpc::ServerUnaryReactor* ListRuns(grpc::CallbackServerContext* context,
                                     const v1::ListRunsRequest* request,
                                     v1::ListRunsResponse* response) override;
  grpc::ServerWriteReactor<v1::HistoryEvent>* WatchRun(
      grpc::CallbackServerContext* context, const v1::WatchRunRequest* request) override;
  grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* context,
                                       const v1::GetHistoryRequest* request,
                                       v1::GetHistoryResponse* response) override;
  grpc::ServerUnaryReactor* CancelRun(grpc::CallbackServerContext* context,
                                      const v1::CancelRunRequest* request,
                                      v1::Run* response) override;
  grpc::ServerUnaryReactor* PauseRun(grpc::CallbackServerContext* context,
                                     const v1::PauseRunRequest* request,
                                     v1::Run* response) override;
  grpc::ServerUnaryReactor* ResumeRun(grpc::CallbackServerContext* context,
                                      const v1::ResumeRunRequest* request,
                                      v1::Run* response) override;
  grpc::ServerUnaryReactor* RetryRun(grpc::CallbackServerContext* context,
                                     const v1::RetryRunRequest* request,
                                     v1::Run* response) override;
  grpc::ServerUnaryReactor* ApproveStep(grpc::CallbackServerContext* context,
                                        const v1::DecideStepRequest* request,
                                        v1::Run* response) override;
  grpc::ServerUnaryReactor* RejectStep(grpc::CallbackServerContext* context,
                                       const v1::DecideStepRequest* request,
                                       v1::Run* response) override;
  grpc::ServerUnaryReactor* SignalRun(grpc::CallbackServerContext* context,
                                      const v1::SignalRunRequest* request,
                                      v1::Run* response) override;
  grpc::ServerUnaryReactor* GetDispatchState(grpc::CallbackServerContext* context,
                                             const v1::GetDispatchStateRequest* request,
                                             v1::DispatchState* response) override;
  grpc::ServerUnaryReactor* ReleaseHold(grpc::CallbackServerContext* context,
                                        const v1::ReleaseHoldRequest* request,
                                        v1::ReleaseHoldResponse* response) override;
  grpc::ServerUnaryReactor* ListCommunityAuthors(
      grpc::CallbackServerContext* context, const v1::ListCommunityAuthorsRequest* request,
      v1::ListCommunityAuthorsResponse* response) override;

 private:
  coordinator::Coordinator& coordinator_;
  const CallGate& gate_;
};

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_CAMPAIGN_SERVICE_H_
