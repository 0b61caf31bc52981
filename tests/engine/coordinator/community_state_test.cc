// The community state the coordinator keeps across runs (community_ledger.h), over a real
// store and restarts: a read with no cursor is given its stream's, comments read again are
// dropped from the output, authors carry first_time and earlier_comments, streams are
// separate per source, and everything survives a restart and a power loss after the ack.
#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/coordinator/community_ledger.h"
#include "engine/service/request_checks.h"
#include "gtest/gtest.h"
#include "tests/engine/coordinator/engine_harness.h"

namespace fanfare::coordinator {
namespace {

constexpr char kWatch[] = R"yaml(
name: watch
accounts: {x: acme_x}
steps:
  - id: fetch
    action: x.comments
    with: {max: 50}
)yaml";

// What the gateway does with a read's output it records: annotate it, then count it in.
google::protobuf::Value Record(CommunityLedger& ledger, const StreamRef& stream,
                               const google::protobuf::Value& output, absl::Time now) {
  AnnotatedRead annotated = ledger.Annotate(stream, output, now, {});
  ledger.Commit(stream, annotated, now);
  return annotated.output;
}

struct Said {
  std::string id;
  std::string author;
  std::string text;
};

google::protobuf::Value Read(const std::vector<Said>& comments, const std::string& cursor) {
  google::protobuf::Value out;
  auto& fields = *out.mutable_struct_value()->mutable_fields();
  auto& list = *fields["comments"].mutable_list_value();
  for (const Said& said : comments) {
    auto& c = *list.add_values()->mutable_struct_value()->mutable_fields();
    c["id"].set_string_value(said.id);
    c["text"].set_string_value(said.text);
    auto& author = *c["author"].mutable_struct_value()->mutable_fields();
    author["id"].set_string_value(said.author);
    author["handle"].set_string_value("h_" + said.author);
    author["followers"].set_number_value(1200);
  }
  fields["count"].set_number_value(comments.size());
  fields["cursor"].set_string_value(cursor);
  fields["complete"].set_bool_value(true);
  return out;
}

// Starts `run_id` of `campaign`, takes its one task, completes it with `output`; returns the
// task as delivered. With `connect`, a worker connects first (else the one connected serves).
v1::Task RunOnce(EngineHarness& h, const std::string& campaign, const std::string& run_id,
                 const google::protobuf::Value& output, bool connect = true) {
  EXPECT_TRUE(h.Start(campaign, run_id).ok());
  if (connect) h.ConnectWorker("x", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  EXPECT_EQ(tasks.size(), 1u);
  if (tasks.empty()) return v1::Task();
  h.Complete(tasks[0], output);
  EXPECT_EQ(h.Run(run_id).status(), v1::RUN_STATUS_SUCCEEDED);
  return tasks[0];
}

google::protobuf::Struct Output(EngineHarness& h, const std::string& run_id) {
  const v1::Run run = h.Run(run_id);
  return run.steps_size() > 0 ? run.steps(0).output().struct_value() : google::protobuf::Struct();
}

std::vector<std::string> Ids(const google::protobuf::Struct& output) {
  std::vector<std::string> ids;
  for (const auto& c : output.fields().at("comments").list_value().values()) {
    ids.push_back(c.struct_value().fields().at("id").string_value());
  }
  return ids;
}

const google::protobuf::Struct& AuthorOf(const google::protobuf::Struct& output, int i) {
  return output.fields().at("comments").list_value().values(i).struct_value().fields().at(
      "author").struct_value();
}

TEST(CommunityStateTest, TheStreamKeepsItsCursorAndDropsWhatItHandedOutAcrossRestarts) {
  EngineHarness h;
  h.Apply(kWatch);
  const v1::Task first = RunOnce(h, "watch", "r1",
                                 Read({{"1", "ana", "I love this, thanks!"}, {"2", "bo", "ok"}},
                                      "CUR1"));
  EXPECT_FALSE(first.input().fields().contains("cursor")) << "nothing read yet";
  EXPECT_EQ(Ids(Output(h, "r1")), (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(AuthorOf(Output(h, "r1"), 0).fields().at("first_time").bool_value());

  h.Restart();
  // The listing shifted: comment 2 comes again with a new one by ana.
  const v1::Task second = RunOnce(h, "watch", "r2",
                                  Read({{"2", "bo", "ok"}, {"3", "ana", "Still great"}}, "CUR2"));
  EXPECT_EQ(second.input().fields().at("cursor").string_value(), "CUR1");
  const google::protobuf::Struct out = Output(h, "r2");
  EXPECT_EQ(Ids(out), (std::vector<std::string>{"3"}));
  EXPECT_EQ(out.fields().at("duplicates_dropped").number_value(), 1);
  EXPECT_EQ(out.fields().at("count").number_value(), 1);
  EXPECT_FALSE(AuthorOf(out, 0).fields().at("first_time").bool_value());
  EXPECT_EQ(AuthorOf(out, 0).fields().at("earlier_comments").number_value(), 1);

  // Acknowledged means durable: a power loss loses nothing of it.
  h.PowerLossAndRestart();
  const v1::Task third = RunOnce(h, "watch", "r3", Read({}, "CUR3"));
  EXPECT_EQ(third.input().fields().at("cursor").string_value(), "CUR2");
}

// ListCommunityAuthors pages through the ledger, most recently seen first, each author once.
TEST(CommunityStateTest, AuthorsArePagedMostRecentlySeenFirst) {
  EngineHarness h;
  h.Apply(kWatch);
  RunOnce(h, "watch", "r1", Read({{"1", "ana", "hi"}, {"2", "bo", "hi"}, {"3", "cy", "hi"}}, "C1"));
  h.clock().Advance(absl::Hours(1));
  RunOnce(h, "watch", "r2", Read({{"4", "dee", "hi"}, {"5", "bo", "again"}}, "C2"), false);
  auto list = [&h](const std::string& token) {
    v1::ListCommunityAuthorsRequest request;
    request.set_network("x");
    request.set_account("acme_x");
    request.set_page_size(1);  // ana and cy, seen at once, fall on two pages
    request.set_page_token(token);
    return h.Call<v1::ListCommunityAuthorsResponse>([&](Engine& e, auto reply) {
      e.ListCommunityAuthors(request, std::move(reply));
    });
  };
  std::vector<std::string> order;
  std::string token;
  for (int page = 0; page < 5; ++page) {
    absl::StatusOr<v1::ListCommunityAuthorsResponse> got = list(token);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_LE(got->authors_size(), 1);
    for (const v1::CommunityAuthor& a : got->authors()) order.push_back(a.id());
    token = got->next_page_token();
    if (token.empty()) break;
  }
  // bo and dee were seen an hour later; then by id.
  EXPECT_EQ(order, (std::vector<std::string>{"bo", "dee", "ana", "cy"}));
  absl::StatusOr<v1::ListCommunityAuthorsResponse> bad = list("not-a-token");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_NE(bad.status().message().find("page_token"), std::string::npos);
}

// The RPC's request check lets through a token for the longest author id the ledger keeps,
// and a page size up to 1000.
TEST(CommunityStateTest, TheRequestCheckTakesEveryTokenThePagesGive) {
  v1::ListCommunityAuthorsRequest request;
  request.set_network("x");
  request.set_account("acme_x");
  request.set_page_size(1000);
  request.set_page_token(absl::WebSafeBase64Escape("1800000000:" + std::string(256, 'a')));
  EXPECT_TRUE(service::Check(request).ok()) << service::Check(request);
  request.set_page_size(1001);
  EXPECT_EQ(service::Check(request).code(), absl::StatusCode::kInvalidArgument);
  request.set_page_size(0);
  request.set_page_token(std::string(2000, 'a'));
  EXPECT_EQ(service::Check(request).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CommunityStateTest, AnExplicitCursorAndOtherSourcesAreLeftAlone) {
  EngineHarness h;
  h.Apply(kWatch);
  h.Apply(R"yaml(
name: replay
accounts: {x: acme_x}
steps:
  - id: fetch
    action: x.comments
    with: {cursor: "", max: 50}
  - id: other
    action: x.comments
    needs: [fetch]
    with: {source: digest}
)yaml");
  RunOnce(h, "watch", "w1", Read({{"1", "ana", "hi"}}, "CUR1"));
  ASSERT_TRUE(h.Start("replay", "p1").ok());  // the worker's credit came back with w1's outcome
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].input().fields().at("cursor").string_value(), "") << "as the step says";
  h.Complete(tasks[0], Read({{"1", "ana", "hi"}}, "CUR9"));
  h.Grant(1);
  tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_FALSE(tasks[0].input().fields().contains("cursor")) << "a new stream, 'digest'";
  h.Complete(tasks[0], Read({{"1", "ana", "hi"}}, "CUR10"));
  // Each stream hands comment 1 out once: the replay's own stream had not seen it either.
  const v1::Run run = h.Run("p1");
  ASSERT_EQ(run.steps_size(), 2);
  for (const v1::StepInstance& step : run.steps()) {
    EXPECT_EQ(step.output().struct_value().fields().at("comments").list_value().values_size(), 1)
        << step.key();
  }
}

TEST(CommunityStateTest, AnOutputTooLargeToRecordLeavesTheStreamAsItWas) {
  EngineHarness h;
  h.Apply(kWatch);
  std::vector<Said> many;
  for (int i = 0; i < 400; ++i) {
    many.push_back({absl::StrCat("c", i), absl::StrCat("a", i), std::string(1000, 'x')});
  }
  ASSERT_TRUE(h.Start("watch", "big").ok());
  h.ConnectWorker("x", 1);
  std::vector<v1::Task> tasks = h.TakeTasks();
  ASSERT_EQ(tasks.size(), 1u);
  h.Complete(tasks[0], Read(many, "CUR-BIG"));
  EXPECT_EQ(h.Run("big").status(), v1::RUN_STATUS_FAILED) << "over the output limit";
  // Nothing of it was counted: the next read starts where the stream was and gets them all.
  const v1::Task next =
      RunOnce(h, "watch", "after", Read({{"c1", "a1", "hi"}}, "CUR1"), /*connect=*/false);
  EXPECT_FALSE(next.input().fields().contains("cursor"));
  EXPECT_EQ(Ids(Output(h, "after")), (std::vector<std::string>{"c1"}));
}

TEST(CommunityLedgerTest, AnnotateChangesNothingUntilCommit) {
  CommunityLedger ledger;
  const StreamRef stream{"ns", "x", "acme", "x.comments", "watch"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const google::protobuf::Value read =
      Read({{"1", "a", "hi"}, {"1", "a", "hi"}, {"2", "a", "again"}}, "c1");
  const AnnotatedRead annotated = ledger.Annotate(stream, read, t0, {});
  const google::protobuf::Value& once = annotated.output;
  const google::protobuf::Value twice = ledger.Annotate(stream, read, t0, {}).output;
  EXPECT_EQ(once.DebugString(), twice.DebugString());
  EXPECT_EQ(Ids(once.struct_value()), (std::vector<std::string>{"1", "2"}))
      << "a repeat within one read is dropped too";
  EXPECT_EQ(once.struct_value().fields().at("duplicates_dropped").number_value(), 1);
  EXPECT_TRUE(AuthorOf(once.struct_value(), 0).fields().at("first_time").bool_value());
  EXPECT_FALSE(AuthorOf(once.struct_value(), 1).fields().at("first_time").bool_value());
  EXPECT_EQ(ledger.Authors("ns", "x", "acme"), nullptr);
  ledger.Commit(stream, annotated, t0);
  ASSERT_NE(ledger.Authors("ns", "x", "acme"), nullptr);
  EXPECT_EQ(ledger.Authors("ns", "x", "acme")->authors(0).comments(), 2);
  EXPECT_TRUE(Ids(ledger.Annotate(stream, read, t0, {}).output.struct_value()).empty());
}

TEST(CommunityLedgerTest, RetentionAndCapsBoundWhatIsKept) {
  CommunityLedger ledger({.seen_retention = absl::Hours(24), .max_seen = 3,
                          .author_retention = absl::Hours(48), .max_authors = 2});
  const StreamRef stream{"ns", "x", "acme", "x.comments", "watch"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  Record(ledger, stream, Read({{"1", "a", "x"}, {"2", "b", "x"}}, "c1"), t0);
  Record(ledger, stream, Read({{"3", "c", "x"}, {"4", "a", "x"}}, "c2"), t0 + absl::Hours(1));
  // At most 3 ids: "1" is forgotten, so it would be handed out again; "2" is not.
  google::protobuf::Value out =
      Record(ledger, stream, Read({{"1", "a", "x"}, {"2", "b", "x"}}, "c3"), t0 + absl::Hours(2));
  EXPECT_EQ(Ids(out.struct_value()), (std::vector<std::string>{"1"}));
  // A day later every id has expired.
  out = Record(ledger, stream, Read({{"3", "c", "x"}}, "c4"), t0 + absl::Hours(27));
  EXPECT_EQ(Ids(out.struct_value()), (std::vector<std::string>{"3"}));
  const internal::CommunityAuthors* authors = ledger.Authors("ns", "x", "acme");
  ASSERT_NE(authors, nullptr);
  EXPECT_LE(authors->authors_size(), 2);
  for (const auto& a : authors->authors()) EXPECT_NE(a.id(), "b") << "least recently seen";
  // Outputs that are not reads pass unchanged.
  google::protobuf::Value other;
  other.set_string_value("not a read");
  EXPECT_EQ(Record(ledger, stream, other, t0).string_value(), "not a read");
}

TEST(CommunityLedgerTest, AuthorsCountSentiment) {
  CommunityLedger ledger;
  const StreamRef stream{"ns", "x", "acme", "x.comments", "watch"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  Record(ledger, stream,
         Read({{"1", "a", "Love it, best purchase ever!"},
               {"2", "a", "Terrible, a scam, I want a refund"},
               {"3", "a", "ok"}},
              "c1"),
         t0);
  const internal::CommunityAuthors* authors = ledger.Authors("ns", "x", "acme");
  ASSERT_NE(authors, nullptr);
  ASSERT_EQ(authors->authors_size(), 1);
  EXPECT_EQ(authors->authors(0).comments(), 3);
  EXPECT_EQ(authors->authors(0).positive(), 1);
  EXPECT_EQ(authors->authors(0).negative(), 1);
  EXPECT_EQ(authors->authors(0).followers(), 1200);
  EXPECT_EQ(authors->authors(0).handle(), "h_a");
}

// Two streams of one account (two campaigns, or comments and a search) may read the same
// comment: each hands it out once, and its author counts it once.
TEST(CommunityLedgerTest, ACommentReadByTwoStreamsOfAnAccountCountsOnce) {
  CommunityLedger ledger;
  const StreamRef watch{"ns", "x", "acme", "x.comments", "watch"};
  const StreamRef listen{"ns", "x", "acme", "x.search", "listen acme"};
  const StreamRef elsewhere{"ns", "x", "other", "x.comments", "watch"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  Record(ledger, watch, Read({{"1", "a", "Love it"}, {"2", "a", "Great"}}, "c1"), t0);
  const google::protobuf::Value heard =
      Record(ledger, listen, Read({{"2", "a", "Great"}, {"3", "a", "Nice"}}, "s1"), t0);
  EXPECT_EQ(Ids(heard.struct_value()), (std::vector<std::string>{"2", "3"}))
      << "each stream hands a comment out once";
  const google::protobuf::Struct& repeat = heard.struct_value().fields().at("comments")
                                               .list_value().values(0).struct_value();
  EXPECT_FALSE(repeat.fields().at("author").struct_value().fields().at("first_time").bool_value());
  ASSERT_NE(ledger.Authors("ns", "x", "acme"), nullptr);
  EXPECT_EQ(ledger.Authors("ns", "x", "acme")->authors(0).comments(), 3) << "1, 2 and 3 once";
  // A mention whose author the network does not name: known as nothing, counted nowhere.
  const google::protobuf::Value anonymous =
      Record(ledger, watch, Read({{"4", "", "Tagged you"}}, "c2"), t0);
  const auto& unnamed = anonymous.struct_value().fields().at("comments").list_value().values(0)
                            .struct_value().fields().at("author").struct_value().fields();
  EXPECT_FALSE(unnamed.at("first_time").bool_value()) << "usable in when: rules";
  EXPECT_EQ(unnamed.at("earlier_comments").number_value(), 0);
  EXPECT_EQ(ledger.Authors("ns", "x", "acme")->authors_size(), 1);
  // Another account's stream is another ledger.
  Record(ledger, elsewhere, Read({{"2", "a", "Great"}}, "c1"), t0);
  ASSERT_NE(ledger.Authors("ns", "x", "other"), nullptr);
  EXPECT_EQ(ledger.Authors("ns", "x", "other")->authors(0).comments(), 1);
}

// A comment as a worker's webhook receiver delivers it.
google::protobuf::Struct Pushed(const std::string& id, const std::string& author,
                                const std::string& created_at) {
  google::protobuf::Value value = Read({{id, author, "pushed: love it"}}, "")
                                      .struct_value().fields().at("comments").list_value()
                                      .values(0);
  (*value.mutable_struct_value()->mutable_fields())["created_at"].set_string_value(created_at);
  return value.struct_value();
}

v1::DeliverCommentsRequest Delivery(const std::vector<google::protobuf::Struct>& comments) {
  v1::DeliverCommentsRequest request;
  request.set_network("x");
  request.set_account("acme_x");
  for (const auto& c : comments) *request.add_comments() = c;
  return request;
}

absl::StatusOr<v1::DeliverCommentsResponse> Deliver(EngineHarness& h,
                                                    const v1::DeliverCommentsRequest& request) {
  return h.Call<v1::DeliverCommentsResponse>(
      [&](Engine& e, auto reply) { e.DeliverComments(request, std::move(reply)); });
}


// Pushed comments wait in the account's inbox, durable once acknowledged; each stream of the
// account hands each out once, merged with what it polled, oldest first; a comment both
// pushed and polled is read once; its author counts it once.
TEST(CommunityStateTest, PushedCommentsReachEveryStreamOnceAndSurviveAPowerLoss) {
  EngineHarness h;
  h.Apply(kWatch);
  h.Apply(absl::StrReplaceAll(kWatch, {{"name: watch", "name: second-watch"}}));
  absl::StatusOr<v1::DeliverCommentsResponse> first =
      Deliver(h, Delivery({Pushed("p2", "ana", "2026-12-01T10:00:02Z"),
                           Pushed("p1", "ana", "2026-12-01T10:00:01Z")}));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->accepted(), 2);
  // The network delivers again (no 200 reached it) with one more.
  absl::StatusOr<v1::DeliverCommentsResponse> again =
      Deliver(h, Delivery({Pushed("p2", "ana", "2026-12-01T10:00:02Z"),
                           Pushed("3", "bo", "2026-12-01T10:00:03Z")}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->accepted(), 1);
  EXPECT_EQ(again->duplicates(), 1);
  h.PowerLossAndRestart();  // acknowledged means durable

  // The poll lists "3" too: it is read once.
  RunOnce(h, "watch", "r1", Read({{"3", "bo", "polled"}, {"4", "cy", "polled"}}, "C1"));
  google::protobuf::Struct out = Output(h, "r1");
  std::vector<std::string> ids = Ids(out);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"3", "4", "p1", "p2"}));
  EXPECT_EQ(out.fields().at("delivered").number_value(), 2);
  EXPECT_EQ(out.fields().at("duplicates_dropped").number_value(), 1);
  EXPECT_TRUE(AuthorOf(out, 0).fields().contains("first_time"));

  // Another campaign's stream of the account gets the inbox too; ana was met already.
  RunOnce(h, "second-watch", "s1", Read({}, "S1"), /*connect=*/false);
  out = Output(h, "s1");
  EXPECT_EQ(Ids(out), (std::vector<std::string>{"p1", "p2", "3"})) << "oldest first";
  EXPECT_FALSE(AuthorOf(out, 0).fields().at("first_time").bool_value());

  // Read once per stream, across a restart.
  h.Restart();
  RunOnce(h, "watch", "r2", Read({}, "C2"));
  EXPECT_TRUE(Ids(Output(h, "r2")).empty());
  EXPECT_FALSE(Output(h, "r2").fields().contains("delivered"));
  // A later delivery reaches the next read.
  ASSERT_TRUE(Deliver(h, Delivery({Pushed("p5", "dee", "2026-12-01T11:00:00Z")})).ok());
  RunOnce(h, "watch", "r3", Read({}, "C3"), /*connect=*/false);
  EXPECT_EQ(Ids(Output(h, "r3")), (std::vector<std::string>{"p5"}));
  v1::ListCommunityAuthorsRequest list;
  list.set_network("x");
  list.set_account("acme_x");
  absl::StatusOr<v1::ListCommunityAuthorsResponse> authors =
      h.Call<v1::ListCommunityAuthorsResponse>(
          [&](Engine& e, auto reply) { e.ListCommunityAuthors(list, std::move(reply)); });
  ASSERT_TRUE(authors.ok()) << authors.status();
  for (const v1::CommunityAuthor& a : authors->authors()) {
    if (a.id() == "ana") EXPECT_EQ(a.comments(), 2) << "p1 and p2, once each";
  }
}

TEST(CommunityLedgerTest, TheInboxIsReadInSlicesAndForgetsOldDeliveries) {
  CommunityLedger ledger({.inbox_retention = absl::Hours(24), .max_inbox = 4,
                          .max_inboxes = 1, .inbox_per_read = 2});
  const StreamRef watch{"ns", "x", "acme", "x.comments", "watch"};
  const StreamRef listen{"ns", "x", "acme", "x.search", "listen acme"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> five;
  for (int i = 1; i <= 5; ++i) {
    *five.Add() = Pushed(absl::StrCat("p", i), "a", absl::StrCat("2027-01-15T08:00:0", i, "Z"));
  }
  const absl::StatusOr<InboxDelivery> delivered = ledger.Deliver("ns", "x", "acme", five, t0);
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->accepted, 5);
  const InboxChanges changes = ledger.TakeInboxChanges();
  EXPECT_EQ(changes.added.size(), 5u);
  ASSERT_EQ(changes.removed.size(), 1u) << "at most 4 kept";
  EXPECT_EQ(changes.removed[0].seq(), 1);
  // Two a read; a search stream gets none.
  EXPECT_EQ(Ids(Record(ledger, watch, Read({}, "c1"), t0).struct_value()),
            (std::vector<std::string>{"p2", "p3"}));
  EXPECT_EQ(Ids(Record(ledger, listen, Read({}, "s1"), t0).struct_value()),
            std::vector<std::string>{});
  EXPECT_EQ(Ids(Record(ledger, watch, Read({}, "c2"), t0).struct_value()),
            (std::vector<std::string>{"p4", "p5"}));
  EXPECT_TRUE(Ids(Record(ledger, watch, Read({}, "c3"), t0).struct_value()).empty());
  // Past the retention a delivery is gone, even before anything prunes it.
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> late;
  *late.Add() = Pushed("p6", "a", "2027-01-15T09:00:00Z");
  ASSERT_TRUE(ledger.Deliver("ns", "x", "acme", late, t0).ok());
  const StreamRef fresh{"ns", "x", "acme", "x.comments", "fresh"};
  EXPECT_TRUE(
      Ids(Record(ledger, fresh, Read({}, "f1"), t0 + absl::Hours(25)).struct_value()).empty());
  // One account with an inbox is all these limits allow.
  EXPECT_EQ(ledger.Deliver("ns", "x", "other", late, t0).status().code(),
            absl::StatusCode::kResourceExhausted);
  // Bytes bound an inbox as well as counts: a few large comments push the oldest out.
  CommunityLedger small({.max_inbox_bytes = 10'000});
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> large;
  for (int i = 0; i < 5; ++i) {
    google::protobuf::Struct c = Pushed(absl::StrCat("big", i), "a", "2027-01-15T08:00:00Z");
    (*c.mutable_fields())["text"].set_string_value(std::string(4000, 'x'));
    *large.Add() = c;
  }
  ASSERT_TRUE(small.Deliver("ns", "x", "acme", large, t0).ok());
  EXPECT_EQ(small.TakeInboxChanges().removed.size(), 3u) << "two of 4 KB fit in 10 KB";
}

// `complete` as the read's output says it, after the ledger.
bool Complete(const google::protobuf::Value& output) {
  return output.struct_value().fields().at("complete").bool_value();
}

TEST(CommunityLedgerTest, AReadTakesFromTheInboxWhatItsMaxAndSizeLeaveRoomFor) {
  CommunityLedger ledger;
  const StreamRef watch{"ns", "x", "acme", "x.comments", "watch"};
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> pushed;
  *pushed.Add() = Pushed("p3", "ana", "2027-01-15T08:00:03Z");
  *pushed.Add() = Pushed("p1", "ana", "2027-01-15T09:00:01+01:00");  // 08:00:01 UTC
  *pushed.Add() = Pushed("p2", "bo", "2027-01-15T08:00:02Z");
  *pushed.Add() = Pushed("p4", "cy", "2027-01-15T08:00:04Z");
  ASSERT_TRUE(ledger.Deliver("ns", "x", "acme", pushed, t0).ok());
  google::protobuf::Value polled = Read({{"5", "ana", "polled"}}, "c1");
  (*(*polled.mutable_struct_value()->mutable_fields())["comments"].mutable_list_value()
        ->mutable_values(0)->mutable_struct_value()->mutable_fields())["created_at"]
      .set_string_value("2027-01-15T08:00:05Z");

  // max 3: the polled comment and the first two delivered; the rest waits.
  const AnnotatedRead first = ledger.Annotate(watch, polled, t0, {.max_comments = 3});
  const google::protobuf::Struct& out = first.output.struct_value();
  EXPECT_EQ(Ids(out), (std::vector<std::string>{"p1", "p3", "5"})) << "oldest first";
  EXPECT_TRUE(AuthorOf(out, 0).fields().at("first_time").bool_value())
      << "ana's first comment is the oldest one";
  EXPECT_EQ(AuthorOf(out, 2).fields().at("earlier_comments").number_value(), 2);
  EXPECT_EQ(out.fields().at("delivered").number_value(), 2);
  EXPECT_FALSE(Complete(first.output)) << "the inbox holds more";
  ledger.Commit(watch, first, t0);
  const google::protobuf::Value second =
      Record(ledger, watch, Read({}, "c2"), t0);  // default limits
  EXPECT_EQ(Ids(second.struct_value()), (std::vector<std::string>{"p2", "p4"}));
  EXPECT_TRUE(Complete(second));

  // A comment that would take the output past what a step may record waits.
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> big;
  *big.Add() = Pushed("big", "dee", "2027-01-15T08:00:06Z");
  (*big.Mutable(0)->mutable_fields())["text"].set_string_value(std::string(4000, 'x'));
  ASSERT_TRUE(ledger.Deliver("ns", "x", "acme", big, t0).ok());
  const google::protobuf::Value empty = Read({}, "c3");
  const AnnotatedRead tight =
      ledger.Annotate(watch, empty, t0, {.max_bytes = empty.ByteSizeLong() + 3000});
  EXPECT_TRUE(Ids(tight.output.struct_value()).empty());
  EXPECT_FALSE(Complete(tight.output));
  ledger.Commit(watch, tight, t0);
  EXPECT_EQ(Ids(Record(ledger, watch, Read({}, "c4"), t0).struct_value()),
            (std::vector<std::string>{"big"}))
      << "a later read with room takes it";
}

TEST(CommunityLedgerTest, InboxesAreCappedPerNamespaceInAllAndSweptWhenOld) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> one;
  *one.Add() = Pushed("p1", "ana", "2027-01-15T08:00:00Z");
  CommunityLedger ledger({.inbox_retention = absl::Hours(1), .max_inboxes_per_namespace = 1});
  ASSERT_TRUE(ledger.Deliver("a", "x", "acme", one, t0).ok());
  ASSERT_TRUE(ledger.Deliver("a", "x", "acme", one, t0).ok()) << "its own inbox again";
  EXPECT_EQ(ledger.Deliver("a", "x", "other", one, t0).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(ledger.Deliver("b", "x", "acme", one, t0).ok()) << "another namespace";
  (void)ledger.TakeInboxChanges();
  // A stream reads acme's inbox before it is swept.
  const StreamRef watch{"a", "x", "acme", "x.comments", "watch"};
  EXPECT_EQ(Ids(Record(ledger, watch, Read({}, "c1"), t0).struct_value()),
            (std::vector<std::string>{"p1"}));
  // Swept once their retention ends, whether or not anything is delivered again; an inbox
  // left empty frees its place.
  ledger.SweepInboxes(t0 + absl::Hours(2));
  const InboxChanges swept = ledger.TakeInboxChanges();
  EXPECT_EQ(swept.removed.size(), 2u);
  EXPECT_EQ(swept.emptied.size(), 2u);
  EXPECT_TRUE(ledger.Deliver("a", "x", "other", one, t0 + absl::Hours(2)).ok());
  // A new inbox for acme numbers its comments past what acme's stream has read.
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> later;
  *later.Add() = Pushed("p9", "ana", "2027-01-15T10:00:00Z");
  ASSERT_FALSE(ledger.Deliver("a", "x", "acme", later, t0 + absl::Hours(2)).ok())
      << "namespace a is full again";
  ledger.SweepInboxes(t0 + absl::Hours(4));  // "other" swept empty too
  ASSERT_TRUE(ledger.Deliver("a", "x", "acme", later, t0 + absl::Hours(4)).ok());
  EXPECT_EQ(Ids(Record(ledger, watch, Read({}, "c2"), t0 + absl::Hours(4)).struct_value()),
            (std::vector<std::string>{"p9"}));

  CommunityLedger small({.max_inbox_bytes_total = 1000});
  google::protobuf::RepeatedPtrField<google::protobuf::Struct> large;
  *large.Add() = Pushed("big", "a", "2027-01-15T08:00:00Z");
  (*large.Mutable(0)->mutable_fields())["text"].set_string_value(std::string(2000, 'x'));
  EXPECT_EQ(small.Deliver("a", "x", "acme", large, t0).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(small.Deliver("a", "x", "acme", one, t0).ok());
}

// DeliverComments' request check names the field at fault.
TEST(CommunityStateTest, TheDeliveryCheckNamesWhatIsWrong) {
  const google::protobuf::Struct good = Pushed("1", "a", "2026-12-01T10:00:00Z");
  EXPECT_TRUE(service::Check(Delivery({good})).ok()) << service::Check(Delivery({good}));
  auto refused = [](v1::DeliverCommentsRequest request, const std::string& field) {
    const absl::Status status = service::Check(request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(status.message().find(field), std::string::npos) << status;
  };
  refused(Delivery({}), "comments");
  v1::DeliverCommentsRequest snapchat = Delivery({good});
  snapchat.set_network("snapchat");
  refused(snapchat, "network");
  v1::DeliverCommentsRequest no_account = Delivery({good});
  no_account.set_account("");
  refused(no_account, "account");
  google::protobuf::Struct c = good;
  (*c.mutable_fields())["id"].set_string_value(std::string(257, 'x'));
  refused(Delivery({good, c}), "comments[1].id");
  c = good;
  (*c.mutable_fields())["created_at"].set_string_value("yesterday");
  refused(Delivery({c}), "comments[0].created_at");
  c = good;
  (*c.mutable_fields())["created_at"].set_string_value("2026-12-01T10:00:00." +
                                                        std::string(100, '0') + "Z");
  refused(Delivery({c}), "comments[0].created_at");
  c = good;
  (*c.mutable_fields())["text"].set_string_value(std::string(4097, 'x'));
  refused(Delivery({c}), "comments[0].text");
  c = good;
  (*c.mutable_fields())["mood"].set_string_value("happy");
  refused(Delivery({c}), "comments[0].'mood'");
  c = good;
  (*(*c.mutable_fields())["author"].mutable_struct_value()->mutable_fields())["followers"]
      .set_number_value(-1);
  refused(Delivery({c}), "comments[0].author.followers");
  c = good;
  c.mutable_fields()->erase("id");
  refused(Delivery({c}), "comments[0].id");
  std::vector<google::protobuf::Struct> many(501, good);
  refused(Delivery(many), "comments");
}

}  // namespace
}  // namespace fanfare::coordinator
