// The audit trail as the engine writes it: durable with the commit group, in time order, and
// bounded when denials flood in.
#include "engine/coordinator/queries.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

internal::AuditRecord Denied(const std::string& subject, const std::string& ns = "acme") {
  internal::AuditRecord record;
  record.set_namespace_(ns);
  record.set_method("StartRun");
  record.set_subject(subject);
  record.set_denial("token " + subject + " may not operate in namespace acme");
  return record;
}

std::vector<v1::AuditEntry> Trail(EngineHarness& h, const std::string& ns = "acme") {
  v1::ListAuditRequest request;
  request.set_namespace_(ns);
  request.set_page_size(1000);
  absl::StatusOr<v1::ListAuditResponse> listed = ListAudit(h.store(), request);
  EXPECT_TRUE(listed.ok()) << listed.status();
  return listed.ok() ? std::vector<v1::AuditEntry>(listed->entries().begin(),
                                                   listed->entries().end())
                     : std::vector<v1::AuditEntry>();
}

TEST(AuditTest, RecordsAreDurableInOrderAndSurviveARestart) {
  EngineHarness h;
  internal::AuditRecord allowed;
  allowed.set_namespace_("acme");
  allowed.set_method("CancelRun");
  allowed.set_subject("ops");
  allowed.set_target("run-1");
  allowed.set_allowed(true);
  h.engine().Audit(allowed);
  h.clock().Advance(absl::Seconds(1));
  h.engine().Audit(Denied("viewer"));
  EXPECT_TRUE(Trail(h).empty()) << "nothing is visible before the commit";
  h.Cycle();
  h.Restart();
  const std::vector<v1::AuditEntry> trail = Trail(h);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].method(), "CancelRun");
  EXPECT_TRUE(trail[0].allowed());
  EXPECT_EQ(trail[1].subject(), "viewer");
  EXPECT_FALSE(trail[1].allowed());
  EXPECT_LT(trail[0].time().seconds(), trail[1].time().seconds());
}

TEST(AuditTest, AFloodOfDenialsIsCountedNotWrittenOneByOne) {
  EngineHarness h;
  for (int i = 0; i < Engine::kMaxDenialsAudited + 50; ++i) h.engine().Audit(Denied("eve"));
  h.Cycle();
  EXPECT_EQ(Trail(h).size(), static_cast<size_t>(Engine::kMaxDenialsAudited));
  h.clock().Advance(absl::Seconds(1));
  h.Cycle();  // the next second: the count of the last is written, with no call to wait for
  const std::vector<v1::AuditEntry> trail = Trail(h);
  ASSERT_EQ(trail.size(), static_cast<size_t>(Engine::kMaxDenialsAudited + 1));
  EXPECT_EQ(trail[Engine::kMaxDenialsAudited].denial(),
            "50 more denied calls in the second before were not recorded one by one");
}

TEST(AuditTest, AFloodInOneNamespaceHidesNothingOfAnother) {
  EngineHarness h;
  for (int i = 0; i < 3 * Engine::kMaxDenialsAudited; ++i) {
    h.engine().Audit(Denied("eve", "junk"));
  }
  h.engine().Audit(Denied("mallory"));
  h.Cycle();
  const std::vector<v1::AuditEntry> acme = Trail(h);
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_EQ(acme[0].subject(), "mallory");
  EXPECT_EQ(Trail(h, "junk").size(), static_cast<size_t>(Engine::kMaxDenialsAudited));
}

TEST(AuditTest, ARestartDoesNotOverwriteRecordsOfTheSameMicrosecond) {
  EngineHarness h;
  h.engine().Audit(Denied("one"));
  h.Cycle();
  h.Restart();  // the harness's clock stands still: the same microsecond again
  h.engine().Audit(Denied("two"));
  h.Cycle();
  EXPECT_EQ(Trail(h).size(), 2u);
}

}  // namespace
}  // namespace fanfare::coordinator
