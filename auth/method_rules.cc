#include "auth/method_rules.h"

namespace fanfare::auth {
namespace {

using NF = NamespaceFrom;
using P = Permission;

constexpr MethodRule kRules[] = {
    {"/fanfare.v1.CampaignService/ApplyCampaign", P::kOperate, NF::kCampaignSpec, true},
    {"/fanfare.v1.CampaignService/GetCampaign", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/ListCampaigns", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/StartRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/GetRun", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/ListRuns", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/WatchRun", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/GetHistory", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/CancelRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/PauseRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/ResumeRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/RetryRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/ApproveStep", P::kApprove, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/RejectStep", P::kApprove, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/SignalRun", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.CampaignService/GetDispatchState", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/ListCommunityAuthors", P::kRead, NF::kRequest},
    {"/fanfare.v1.CampaignService/ReleaseHold", P::kOperate, NF::kRequest, true},
    {"/fanfare.v1.WorkerService/Connect", P::kWork, NF::kWorkerHello},
    {"/fanfare.v1.WorkerService/PollTasks", P::kWork, NF::kRequest},
    {"/fanfare.v1.WorkerService/CompleteTask", P::kWork, NF::kLeasedTask},
    {"/fanfare.v1.WorkerService/FailTask", P::kWork, NF::kLeasedTask},
    {"/fanfare.v1.WorkerService/Heartbeat", P::kWork, NF::kLeasedTask},
    {"/fanfare.v1.WorkerService/DeliverComments", P::kWork, NF::kRequest},
    {"/fanfare.v1.AdminService/CreateToken", P::kManageAccess, NF::kRequest, true},
    {"/fanfare.v1.AdminService/ListTokens", P::kManageAccess, NF::kRequest},
    {"/fanfare.v1.AdminService/RevokeToken", P::kManageAccess, NF::kRequest, true},
    {"/fanfare.v1.AdminService/ListAudit", P::kManageAccess, NF::kRequest},
    {"/fanfare.v1.AdminService/CreateBackup", P::kManageAccess, NF::kCluster},
    {"/fanfare.v1.AdminService/GetStatus", P::kRead, NF::kCluster},
    {"/fanfare.v1.AdminService/AddWebhook", P::kManageAccess, NF::kRequest, true},
    {"/fanfare.v1.AdminService/ListWebhooks", P::kManageAccess, NF::kRequest},
    {"/fanfare.v1.AdminService/RemoveWebhook", P::kManageAccess, NF::kRequest, true},
    {"/fanfare.v1.AccountService/PutAccount", P::kManageAccess, NF::kRequest, true},
    {"/fanfare.v1.AccountService/ListAccounts", P::kRead, NF::kRequest},
    {"/fanfare.v1.AccountService/RemoveAccount", P::kManageAccess, NF::kRequest, true},
};

}  // namespace

absl::Span<const MethodRule> MethodRules() { return kRules; }

const MethodRule* FindMethodRule(absl::string_view method) {
  for (const MethodRule& rule : kRules) {
    if (rule.method == method) return &rule;
  }
  return nullptr;
}

}  // namespace fanfare::auth
