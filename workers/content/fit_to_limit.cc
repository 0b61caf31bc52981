#include "workers/content/fit_to_limit.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "workers/content/links.h"

namespace fanfare::workers::content {
namespace {

constexpr absl::string_view kEllipsis = "…";

bool IsSpace(char32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000 ||
         (cp >= 0x2000 && cp <= 0x200A);
}

// What Ellipsize strips from the end of the text it keeps.
bool IsDanglingPunctuation(char32_t cp) {
  return cp == ',' || cp == ';' || cp == ':' || cp == '-' || cp == 0x2013 || cp == 0x2014;
}

// Quotes and brackets that may follow a sentence's final mark: `He said "Go."`.
bool IsClosing(char32_t cp) {
  constexpr char32_t kClosing[] = {'"',    '\'',   ')',    ']',    0x2019,
                                   0x201D, 0x00BB, 0x300D, 0x300F, 0xFF09};
  return std::find(std::begin(kClosing), std::end(kClosing), cp) != std::end(kClosing);
}

// The largest i in [lo, hi] with fits(i), given that fits holds up to some i and fails from
// there on; nullopt if fits(lo) fails. Posts grow with every sentence, word or hashtag added,
// so their lengths are monotonic in each of these indices.
std::optional<size_t> LargestFitting(size_t lo, size_t hi, absl::FunctionRef<bool(size_t)> fits) {
  if (lo > hi || !fits(lo)) return std::nullopt;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// One fitting: the compose function, the limit, and the body's sentence structure.
class Fitting {
 public:
  Fitting(ComposeFn compose, absl::string_view body, LengthUnit unit, size_t max_length)
      : compose_(compose),
        body_(body),
        unit_(unit),
        max_length_(max_length),
        ends_(SentenceEnds(body)) {}

  size_t sentence_count() const { return ends_.size(); }

  absl::string_view Sentences(size_t count) const {
    return absl::StripTrailingAsciiWhitespace(body_.substr(0, ends_[count - 1]));
  }

  bool Fits(absl::string_view body, size_t hashtags) const {
    return TextLength(compose_(body, hashtags), unit_) <= max_length_;
  }

  FittedPost Make(absl::string_view body, size_t hashtags, BodyFit fit) const {
    FittedPost post;
    post.text = compose_(body, hashtags);
    post.length = TextLength(post.text, unit_);
    post.hashtags_kept = hashtags;
    post.body_fit = fit;
    return post;
  }

  // Steps 2 and 3 with `hashtags` kept: the most sentences that fit, else the longest
  // ellipsized first sentence that does.
  std::optional<FittedPost> BestBody(size_t hashtags) const {
    const size_t total = sentence_count();
    std::optional<size_t> sentences =
        LargestFitting(1, total, [&](size_t n) { return Fits(Sentences(n), hashtags); });
    if (sentences.has_value()) {
      return Make(Sentences(*sentences), hashtags,
                  *sentences == total ? BodyFit::kFull : BodyFit::kSentencesDropped);
    }
    const absl::string_view first = Sentences(1);
    const std::vector<size_t> cuts = EllipsisCuts(first);
    if (cuts.empty()) return std::nullopt;
    std::optional<size_t> cut = LargestFitting(
        0, cuts.size() - 1, [&](size_t i) { return Fits(Ellipsize(first, cuts[i]), hashtags); });
    if (!cut.has_value()) return std::nullopt;
    return Make(Ellipsize(first, cuts[*cut]), hashtags, BodyFit::kEllipsized);
  }

 private:
  ComposeFn compose_;
  absl::string_view body_;
  LengthUnit unit_;
  size_t max_length_;
  std::vector<size_t> ends_;
};

}  // namespace

absl::string_view BodyFitName(BodyFit fit) {
  switch (fit) {
    case BodyFit::kAbsent: return "absent";
    case BodyFit::kFull: return "full";
    case BodyFit::kSentencesDropped: return "sentences_dropped";
    case BodyFit::kEllipsized: return "ellipsized";
    case BodyFit::kDropped: return "dropped";
  }
  return "absent";
}

std::optional<FittedPost> FitToLimit(ComposeFn compose, absl::string_view body,
                                     size_t hashtag_count, LengthUnit unit, size_t max_length) {
  const Fitting fitting(compose, body, unit, max_length);
  const bool has_body = fitting.sentence_count() > 0;
  const BodyFit whole = has_body ? BodyFit::kFull : BodyFit::kAbsent;
  const size_t min_hashtags = std::min<size_t>(1, hashtag_count);

  // Step 1: the whole body, with as many hashtags (at least one) as fit.
  std::optional<size_t> hashtags =
      LargestFitting(min_hashtags, hashtag_count, [&](size_t n) { return fitting.Fits(body, n); });
  if (hashtags.has_value()) return fitting.Make(body, *hashtags, whole);
  // Steps 2 and 3: one hashtag, less body.
  if (has_body) {
    if (std::optional<FittedPost> post = fitting.BestBody(min_hashtags)) return post;
  }
  // Step 4: no hashtags, as much body as fits.
  if (min_hashtags == 1 && has_body) {
    if (std::optional<FittedPost> post = fitting.BestBody(0)) return post;
  }
  // Step 5: no body either.
  if (fitting.Fits("", 0)) {
    return fitting.Make("", 0, has_body ? BodyFit::kDropped : BodyFit::kAbsent);
  }
  return std::nullopt;
}

std::vector<size_t> SentenceEnds(absl::string_view body) {
  std::vector<size_t> ends;
  auto add = [&](size_t end) {
    const size_t trimmed = absl::StripTrailingAsciiWhitespace(body.substr(0, end)).size();
    if (trimmed > 0 && (ends.empty() || trimmed > ends.back())) ends.push_back(trimmed);
  };
  const std::vector<CodePoint> cps = DecodeUtf8(body);
  for (size_t i = 0; i < cps.size(); ++i) {
    const char32_t cp = cps[i].value;
    if (cp == '\n') {
      add(cps[i].offset);
      continue;
    }
    const bool western = cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
    const bool eastern = cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
    if (!western && !eastern) continue;
    size_t j = i + 1;
    while (j < cps.size() && IsClosing(cps[j].value)) ++j;
    if (j == cps.size()) break;  // the body's end closes the last sentence below
    if (eastern || IsSpace(cps[j].value)) add(cps[j].offset);
  }
  add(body.size());
  return ends;
}

std::vector<size_t> EllipsisCuts(absl::string_view sentence) {
  std::vector<size_t> cuts;
  const std::vector<CodePoint> cps = DecodeUtf8(sentence);
  const bool has_spaces =
      std::any_of(cps.begin(), cps.end(), [](const CodePoint& cp) { return IsSpace(cp.value); });
  const std::vector<LinkSpan> links = has_spaces ? std::vector<LinkSpan>() : FindLinks(sentence);
  size_t next_link = 0;
  auto inside_link = [&](size_t offset) {  // offsets are asked for in ascending order
    while (next_link < links.size() && links[next_link].end <= offset) ++next_link;
    return next_link < links.size() && offset > links[next_link].begin;
  };
  // A cut must keep something besides spaces and dangling punctuation, or "…" is all we get.
  bool kept_text = false;
  for (size_t i = 1; i < cps.size(); ++i) {
    const char32_t before = cps[i - 1].value;
    kept_text = kept_text || !(IsSpace(before) || IsDanglingPunctuation(before));
    if (!kept_text) continue;
    const bool cut =
        has_spaces ? IsSpace(cps[i].value) && !IsSpace(before) : !inside_link(cps[i].offset);
    if (cut) cuts.push_back(cps[i].offset);
  }
  return cuts;
}

std::string Ellipsize(absl::string_view sentence, size_t cut) {
  const std::vector<CodePoint> cps = DecodeUtf8(sentence.substr(0, cut));
  size_t keep = cps.size();
  while (keep > 0 && (IsSpace(cps[keep - 1].value) || IsDanglingPunctuation(cps[keep - 1].value))) {
    --keep;
  }
  const size_t bytes = keep == 0 ? 0 : cps[keep - 1].offset + cps[keep - 1].size;
  return absl::StrCat(sentence.substr(0, bytes), kEllipsis);
}

}  // namespace fanfare::workers::content
