#include "workers/content/text_length.h"

#include <algorithm>

#include "workers/content/links.h"

namespace fanfare::workers::content {
namespace {

// What t.co makes of any link (twitter-text's transformedURLLength).
constexpr size_t kXLinkWeight = 23;

struct WeightRange {
  char32_t first;
  char32_t last;
  int weight;
};

// twitter-text v3's ranges of weight 1; every other code point weighs 2.
constexpr WeightRange kXLightRanges[] = {
    {0x0000, 0x10FF, 1}, {0x2000, 0x200D, 1}, {0x2010, 0x201F, 1}, {0x2032, 0x2037, 1}};

// X normalises text to NFC before counting; these code points are excluded from composition,
// so NFC splits each into a pair (or, for the musical symbols, up to three) of code points,
// and X counts the pieces. E.g. U+0958 क़ becomes U+0915 U+093C: two code points of weight 1.
constexpr WeightRange kXSplitByNfc[] = {
    {0x0344, 0x0344, 2}, {0x0958, 0x095F, 2}, {0x09DC, 0x09DD, 2},   {0x09DF, 0x09DF, 2},
    {0x0A33, 0x0A33, 2}, {0x0A36, 0x0A36, 2}, {0x0A59, 0x0A5B, 2},   {0x0A5E, 0x0A5E, 2},
    {0x0B5C, 0x0B5D, 2}, {0x0F43, 0x0F43, 2}, {0x0F4D, 0x0F4D, 2},   {0x0F52, 0x0F52, 2},
    {0x0F57, 0x0F57, 2}, {0x0F5C, 0x0F5C, 2}, {0x0F69, 0x0F69, 2},   {0x0F73, 0x0F73, 2},
    {0x0F75, 0x0F76, 2}, {0x0F78, 0x0F78, 2}, {0x0F81, 0x0F81, 2},   {0x0F93, 0x0F93, 2},
    {0x0F9D, 0x0F9D, 2}, {0x0FA2, 0x0FA2, 2}, {0x0FA7, 0x0FA7, 2},   {0x0FAC, 0x0FAC, 2},
    {0x0FB9, 0x0FB9, 2}, {0x2ADC, 0x2ADC, 3}, {0x1D15E, 0x1D164, 6}, {0x1D1BB, 0x1D1C0, 6},
};

size_t CountUtf16Units(absl::string_view text) {
  size_t units = 0;
  for (const CodePoint& cp : DecodeUtf8(text)) units += cp.value > 0xFFFF ? 2 : 1;
  return units;
}

size_t XWeightOfPlainText(absl::string_view text) {
  size_t weight = 0;
  for (const CodePoint& cp : DecodeUtf8(text)) weight += XCodePointWeight(cp.value);
  return weight;
}

// The length of the sequence starting with `lead`, or 0 if `lead` cannot start one.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

absl::string_view LengthUnitName(LengthUnit unit) {
  switch (unit) {
    case LengthUnit::kCodePoints: return "code_points";
    case LengthUnit::kUtf16Units: return "utf16_units";
    case LengthUnit::kUtf8Bytes: return "utf8_bytes";
    case LengthUnit::kXWeighted: return "x_weighted";
  }
  return "code_points";
}

absl::string_view LengthUnitNoun(LengthUnit unit) {
  return unit == LengthUnit::kUtf8Bytes ? "bytes" : "characters";
}

size_t TextLength(absl::string_view text, LengthUnit unit) {
  switch (unit) {
    case LengthUnit::kCodePoints: return CountCodePoints(text);
    case LengthUnit::kUtf16Units: return CountUtf16Units(text);
    case LengthUnit::kUtf8Bytes: return text.size();
    case LengthUnit::kXWeighted: return XWeightedLength(text);
  }
  return CountCodePoints(text);
}

std::vector<CodePoint> DecodeUtf8(absl::string_view text) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t size = SequenceLength(lead);
    bool valid = size != 0 && i + size <= text.size();
    char32_t value = size == 1 ? lead : lead & (0xFF >> (size + 1));
    for (size_t k = 1; valid && k < size; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      value = (value << 6) | (next & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if (valid && ((size == 3 && (value < 0x800 || (value >= 0xD800 && value <= 0xDFFF))) ||
                  (size == 4 && (value < 0x10000 || value > 0x10FFFF)))) {
      valid = false;
    }
    if (valid) {
      out.push_back({value, i, size});
      i += size;
    } else {
      out.push_back({0xFFFD, i, 1});
      ++i;
    }
  }
  return out;
}

size_t CountCodePoints(absl::string_view text) { return DecodeUtf8(text).size(); }

int XCodePointWeight(char32_t code_point) {
  for (const WeightRange& range : kXSplitByNfc) {
    if (code_point >= range.first && code_point <= range.last) return range.weight;
  }
  for (const WeightRange& range : kXLightRanges) {
    if (code_point >= range.first && code_point <= range.last) return range.weight;
  }
  return 2;
}

size_t XWeightedLength(absl::string_view text) {
  size_t weight = 0;
  size_t pos = 0;
  for (const LinkSpan& link : FindLinks(text)) {
    weight += XWeightOfPlainText(text.substr(pos, link.begin - pos));
    const size_t own = link.end - link.begin;  // links are ASCII: one byte weighs 1
    weight += link.has_scheme ? kXLinkWeight : std::max(kXLinkWeight, own);
    pos = link.end;
  }
  return weight + XWeightOfPlainText(text.substr(pos));
}

}  // namespace fanfare::workers::content
