// The table of verbs that talk to fanfared: names, operands, summaries and flags.
#include "cli/command.h"
#include "cli/remote.h"
#include "cli/remote_verbs.h"

namespace fanfare::cli {

std::vector<Command> RemoteCommands() {
  const FlagSpec limit{"limit", "N", "show at most N (default 50)"};
  const FlagSpec summary{"summary", "",
                         "when the run ends, print its summary (see `fanfare summary`)"};
  const FlagSpec page_token{"page-token", "TOKEN", "continue a listing where the last one stopped"};
  return {
      Command{"apply", "FILE...",
              "Validate campaign files and store them in fanfared; all or nothing.",
              RemoteFlags({{"dry-run", "", "let fanfared validate only; store nothing"}}, false),
              ApplyVerb},
      Command{"run", "CAMPAIGN_OR_FILE", "Start a run of a campaign (a file is applied first).",
              RemoteFlags({{"param", "NAME=VALUE",
                            "a param (repeatable); VALUE is YAML/JSON: "
                            "40, true, [a,b], or text",
                            true},
                           {"params-file", "FILE", "params as a YAML or JSON map; --param wins"},
                           {"id", "RUN_ID", "the run's id (default: generated)"},
                           {"label", "KEY=VALUE", "a label of the run (repeatable)", true},
                           {"priority", "N", "-100..100; higher runs first (default 0)"},
                           {"watch", "", "follow the run; exit 0 if it succeeds, 1 if not"},
                           summary},
                          true),
              RunVerb},
      Command{"get", "RUN_ID", "Show a run and its step instances.", RemoteFlags({}, true),
              GetVerb},
      Command{"list", "", "List runs, newest first.",
              RemoteFlags({{"status", "STATUS", "only runs in this status (running, failed, …)"},
                           {"campaign", "NAME", "only runs of this campaign"},
                           {"label", "KEY=VALUE", "only runs with this label (repeatable)", true},
                           limit,
                           page_token},
                          true),
              ListVerb},
      Command{"campaigns", "", "List campaigns at their latest version.",
              RemoteFlags({limit, page_token}, true), CampaignsVerb},
      Command{"watch", "RUN_ID",
              "Follow a run until it ends; exit 0 if it succeeded, 1 if it failed or was "
              "cancelled.",
              RemoteFlags({summary}, false), WatchVerb},
      Command{"summary", "RUN_ID",
              "Summarise a run: posts, ad spend against the budget, measurements and every "
              "adjustment with its rule, and the daily community digest; --output json|yaml "
              "for a document.",
              RemoteFlags({}, true), SummaryVerb},
      Command{"history", "RUN_ID", "Show a run's history events.",
              RemoteFlags({{"from", "SEQ", "start at this sequence number"},
                           {"limit", "N", "show at most N events (default all)"}},
                          true),
              HistoryVerb},
      Command{"cancel", "RUN_ID", "Cancel a run.",
              RemoteFlags({{"reason", "TEXT", "why, recorded in history"}}, true), CancelVerb},
      Command{"pause", "RUN_ID", "Pause a run: nothing new starts; running attempts finish.",
              RemoteFlags({{"reason", "TEXT", "why, recorded in history"}}, true), PauseVerb},
      Command{"resume", "RUN_ID", "Resume a paused run.", RemoteFlags({}, true), ResumeVerb},
      Command{"approve", "RUN_ID STEP", "Approve a waiting approval step.",
              RemoteFlags({{"comment", "TEXT", "recorded in history"},
                           {"digest", "HEX",
                            "approve only if the step still asks what `fanfare get` showed"}},
                          true),
              ApproveVerb},
      Command{"reject", "RUN_ID STEP", "Reject a waiting approval step.",
              RemoteFlags({{"comment", "TEXT", "recorded in history"}}, true), RejectVerb},
      Command{"signal", "RUN_ID NAME",
              "Send a signal to a run's signal step (kept until one waits for it).",
              RemoteFlags({{"payload", "JSON", "the signal's payload (YAML or JSON)"}}, true),
              SignalVerb},
      Command{
          "retry", "RUN_ID",
          "Re-run a failed or cancelled run from its failed steps, keeping what succeeded.",
          RemoteFlags({{"from", "STEP", "re-run from this step and everything after it"}}, true),
          RetryVerb},
      Command{"workers", "[release ACCOUNT]",
              "Show connected workers, queue depths and rate limits; `release ACCOUNT` lifts "
              "the hold a network's 429 put on an account.",
              RemoteFlags({{"network", "NETWORK",
                            "release: only the hold on this network (default: every network)"}},
                          true),
              WorkersVerb},
      Command{"community", "authors|ambassadors",
              "What the coordinator learnt of the people who comment on an account, from "
              "every comments and search step: `authors` lists them, `ambassadors` scores "
              "them as content.ambassadors does and lists the ambassadors with the reasons.",
              RemoteFlags({{"network", "NETWORK", "the account's network, e.g. x"},
                           {"account", "ACCOUNT", "the account's alias, e.g. acme_x"},
                           {"top", "N", "ambassadors: how many to list, 1..50 (default 5)"},
                           {"min-posts", "N",
                            "ambassadors: distinct posts praised in 30 days (default 3)"}},
                          true),
              CommunityVerb},
      Command{"admin",
              "tokens create|list|revoke [ID] | backup --to DIR | status | "
              "webhooks add URL|list|remove ID",
              "Manage API tokens: `create` prints a new token once, `list` shows a "
              "namespace's tokens and their last use, `revoke ID` ends one. `backup` backs "
              "fanfared up into a directory on its machine; `status` shows its version, "
              "uptime, data size and last backup (cluster admins). `webhooks add` subscribes "
              "a URL to the namespace's notifications and prints its signing secret once.",
              RemoteFlags({{"role", "ROLE",
                            "create: viewer, operator, approver, worker or admin"},
                           {"expires", "DURATION", "create: e.g. 90d (default: never)"},
                           {"cluster-admin", "", "create: a cluster admin's token"},
                           {"cluster-admins", "", "list: the cluster admins' tokens"},
                           {"to", "DIR",
                            "backup: an absolute directory on fanfared's machine, outside its "
                            "data directory"},
                           {"keep", "N", "backup: keep the newest N backups there (default: all)"},
                           {"events", "TYPE,…",
                            "webhooks add: approval.requested, run.failed, run.succeeded, "
                            "step.unknown, budget.capped, account.reconnect"},
                           {"format", "json|slack", "webhooks add: the body (default json)"},
                           {"name", "NAME", "create, webhooks add: what it is for"}},
                          true),
              AdminVerb},
      Command{"accounts", "list | add ALIAS | import FILE | connect NETWORK | remove ALIAS",
              "Manage the network accounts fanfared holds: `import` a credentials file, `add` "
              "one from a JSON file of its fields, `connect` one by signing in to the network "
              "(OAuth with PKCE), `list` them (never their secrets), `remove` one (admins; "
              "secrets are sealed with fanfared's master key, which renews tokens).",
              RemoteFlags({{"network", "NETWORK", "add: the account's network"},
                           {"file", "FIELDS.json", "add: the account's fields and secrets"},
                           {"alias", "ALIAS", "connect: the alias campaigns name it by"},
                           {"client-id", "ID", "connect: the app's client id at the network"},
                           {"client-secret-file", "FILE",
                            "connect: the app's client secret, for a confidential client"},
                           {"auth-base", "URL",
                            "connect: the sign-in and token endpoints' base (the sandbox's "
                            "http://127.0.0.1:7700/x); default: the network's hosts"},
                           {"login-hint", "NAME", "connect: the account to sign in as"},
                           {"port", "N",
                            "connect: the loopback port of the redirect (default: a free one; "
                            "networks that match redirect URIs exactly need a fixed one)"},
                           {"no-browser", "", "connect: print the page's address only"},
                           {"timeout", "DURATION", "connect: how long to wait (default 5m)"}},
                          true),
              AccountsVerb},
      Command{"audit", "",
              "Show the namespace's audit trail: every state-changing call, allowed or "
              "denied, oldest first (admins).",
              RemoteFlags({{"since", "DURATION", "only the last DURATION, e.g. 24h"},
                           {"limit", "N", "show at most N (default 50)"},
                           page_token},
                          true),
              AuditVerb},
  };
}

}  // namespace fanfare::cli
