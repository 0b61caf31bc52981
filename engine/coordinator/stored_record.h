// Reading records back from the store, under one policy for a record that does not parse.
//
// Every record the store holds was written by this engine; one that does not parse is
// damaged (a disk error, a bug, a foreign write). The answer is always DataLoss naming the
// keyspace and the key — recovery refuses to start, a query answers DATA_LOSS — and never a
// default record in its place (a step instance with an empty key, a spend counter back at
// zero).
//
//   ASSIGN_OR_RETURN(std::optional<internal::RunRecord> run,
//                    GetRecord<internal::RunRecord>(store, store::Cf::kRuns, key));
//   RETURN_IF_ERROR(ScanRecords<v1::HistoryEvent>(store, store::Cf::kHistory, prefix,
//       [&](absl::string_view key, v1::HistoryEvent event) { ...; return true; }));
#ifndef FANFARE_ENGINE_COORDINATOR_STORED_RECORD_H_
#define FANFARE_ENGINE_COORDINATOR_STORED_RECORD_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/store.h"

namespace fanfare::coordinator {

// DataLoss: "corrupt <keyspace> record at key <key, escaped and truncated>".
absl::Status CorruptRecord(store::Cf cf, absl::string_view key);

// `bytes`, stored under `key` in `cf`, parsed as a Message; DataLoss if they do not parse.
template <typename Message>
absl::StatusOr<Message> ParseRecord(store::Cf cf, absl::string_view key,
                                    absl::string_view bytes) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return CorruptRecord(cf, key);
  }
  return message;
}

// The record under `key`: nullopt if there is none, DataLoss if it does not parse, or the
// store's error.
template <typename Message>
absl::StatusOr<std::optional<Message>> GetRecord(const store::Store& store, store::Cf cf,
                                                 absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> bytes = store.Get(cf, key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Message>();
  absl::StatusOr<Message> message = ParseRecord<Message>(cf, key, **bytes);
  if (!message.ok()) return message.status();
  return std::optional<Message>(*std::move(message));
}

// Calls `fn(key, Message)` for each record whose key starts with `prefix`, in key order,
// until `fn` returns false. A record that does not parse ends the scan with DataLoss.
//
// The overload on a cursor (over `cf`) lets a caller scan many prefixes in key order with one.
template <typename Message, typename Fn>
absl::Status ScanRecords(store::Cursor& cursor, store::Cf cf, absl::string_view prefix, Fn fn) {
  absl::Status corrupt;
  absl::Status scan = store::ScanPrefix(cursor, prefix, [&](absl::string_view key,
                                                           absl::string_view bytes) {
    absl::StatusOr<Message> message = ParseRecord<Message>(cf, key, bytes);
    if (!message.ok()) {
      corrupt = message.status();
      return false;
    }
    return static_cast<bool>(fn(key, *std::move(message)));
  });
  return corrupt.ok() ? scan : corrupt;
}

template <typename Message, typename Fn>
absl::Status ScanRecords(const store::Store& store, store::Cf cf, absl::string_view prefix,
                         Fn fn) {
  std::unique_ptr<store::Cursor> cursor = store.NewCursor(cf);
  return ScanRecords<Message>(*cursor, cf, prefix, std::move(fn));
}

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_STORED_RECORD_H_
