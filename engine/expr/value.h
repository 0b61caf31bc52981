// Value: the one value type of Fanfare's expression language.
//
// A Value is null, bool, int (int64), double, string, list, map (string keys, ordered),
// timestamp, duration — or an error carrying a message. Errors are values, never
// exceptions or crashes: evaluating `steps.x.output.cpc > 2` where `cpc` is missing yields
// an error Value whose message says which key was missing.
//
// Values are immutable; strings, lists and maps share their storage, so copying a Value is
// cheap (a reference-count increment). A Value is safe to read from many threads at once.
//
//   Value v = Value::Map({{"cpc", Value::Double(1.7)}, {"clicks", Value::Int(42)}});
//   if (v.is_map()) { const Value* cpc = v.Find("cpc"); ... }
#ifndef FANFARE_ENGINE_EXPR_VALUE_H_
#define FANFARE_ENGINE_EXPR_VALUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::expr {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap, kTimestamp, kDuration, kError };

  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  // Null.
  Value() = default;

  // Assignment is safe when `other` lives inside *this, as in `v = v.list()[0]`. A
  // moved-from Value is null.
  Value(const Value&) = default;
  Value(Value&& other) noexcept : storage_(std::move(other.storage_)) {
    other.storage_ = std::monostate();
  }
  Value& operator=(const Value& other) {
    Storage copy(other.storage_);
    storage_ = std::move(copy);
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    Storage moved(std::move(other.storage_));
    other.storage_ = std::monostate();
    storage_ = std::move(moved);
    return *this;
  }

  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value String(std::string s);
  static Value MakeList(List items);
  static Value MakeMap(Map entries);
  static Value Timestamp(absl::Time t);
  static Value Duration(absl::Duration d);
  // An evaluation error. `message` says what went wrong, in words a campaign author reads.
  static Value Error(std::string message);

  Kind kind() const;
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }
  bool is_timestamp() const { return kind() == Kind::kTimestamp; }
  bool is_duration() const { return kind() == Kind::kDuration; }
  bool is_error() const { return kind() == Kind::kError; }

  // Accessors. REQUIRES: the Value is of the matching kind.
  bool bool_value() const;
  int64_t int_value() const;
  double double_value() const;
  // Int or double as a double. REQUIRES: is_number().
  double number_value() const;
  const std::string& string_value() const;
  const List& list() const;
  const Map& map() const;
  absl::Time timestamp_value() const;
  absl::Duration duration_value() const;
  // REQUIRES: is_error().
  const std::string& error_message() const;

  // For maps: the entry under `key`, or nullptr. For other kinds: nullptr.
  const Value* Find(absl::string_view key) const;

  // The kind's name as the language documents it: "null", "bool", "int", "double",
  // "string", "list", "map", "timestamp", "duration", "error".
  static absl::string_view KindName(Kind kind);
  absl::string_view kind_name() const { return KindName(kind()); }

  // Structural equality. Int and double compare by numeric value (1 == 1.0); errors are
  // never equal to anything, themselves included.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // A compact, JSON-like rendering for messages and logs: {"cpc": 1.7, "tags": ["a"]}.
  // Timestamps render as RFC 3339, durations as "1h30m", errors as <error: message>.
  std::string DebugString() const;

  // The text a template inserts: strings as they are (no quotes), everything else as
  // DebugString().
  std::string ToText() const;

 private:
  struct ErrorBox {
    std::string message;
  };
  using Storage = std::variant<std::monostate, bool, int64_t, double,
                               std::shared_ptr<const std::string>, std::shared_ptr<const List>,
                               std::shared_ptr<const Map>, absl::Time, absl::Duration,
                               std::shared_ptr<const ErrorBox>>;

  explicit Value(Storage storage) : storage_(std::move(storage)) {}

  Storage storage_;
};

}  // namespace fanfare::expr

#endif  // FANFARE_ENGINE_EXPR_VALUE_H_
