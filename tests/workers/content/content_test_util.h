// Helpers for content.generate tests: inputs written as JSON, outputs read by path.
#ifndef FANFARE_TESTS_WORKERS_CONTENT_CONTENT_TEST_UTIL_H_
#define FANFARE_TESTS_WORKERS_CONTENT_CONTENT_TEST_UTIL_H_

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sdk/worker/task_errors.h"
#include "workers/content/content_generator.h"

namespace fanfare::workers::content::test {

inline google::protobuf::Struct Input(const std::string& json) {
  google::protobuf::Struct input;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &input);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return input;
}

inline google::protobuf::Value Generate(const std::string& json) {
  absl::StatusOr<google::protobuf::Value> output = GenerateContent(Input(json));
  EXPECT_TRUE(output.ok()) << output.status();
  return output.ok() ? *output : google::protobuf::Value();
}

// The message of the RejectedInput that `json` fails with.
inline std::string ErrorOf(const std::string& json) {
  absl::StatusOr<google::protobuf::Value> output = GenerateContent(Input(json));
  if (output.ok()) return "<generated>";
  EXPECT_EQ(output.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorTypeOf(output.status()), v1::ERROR_TYPE_REJECTED_INPUT);
  return std::string(output.status().message());
}

// The value at a dotted path: "variants.x.text", "variant_list.0.id".
inline const google::protobuf::Value& At(const google::protobuf::Value& root,
                                         const std::string& path) {
  static const google::protobuf::Value* const kMissing = new google::protobuf::Value();
  const google::protobuf::Value* value = &root;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    const std::string key(part);
    size_t index = 0;
    if (value->has_list_value() && absl::SimpleAtoi(key, &index) &&
        index < static_cast<size_t>(value->list_value().values_size())) {
      value = &value->list_value().values(static_cast<int>(index));
      continue;
    }
    const auto& fields = value->struct_value().fields();
    auto it = fields.find(key);
    if (it == fields.end()) {
      ADD_FAILURE() << "no '" << key << "' in path " << path;
      return *kMissing;
    }
    value = &it->second;
  }
  return *value;
}

inline std::string StringAt(const google::protobuf::Value& root, const std::string& path) {
  return At(root, path).string_value();
}

inline double NumberAt(const google::protobuf::Value& root, const std::string& path) {
  return At(root, path).number_value();
}

inline std::vector<std::string> StringsAt(const google::protobuf::Value& root,
                                          const std::string& path) {
  std::vector<std::string> out;
  for (const auto& item : At(root, path).list_value().values()) out.push_back(item.string_value());
  return out;
}

}  // namespace fanfare::workers::content::test

#endif  // FANFARE_TESTS_WORKERS_CONTENT_CONTENT_TEST_UTIL_H_
