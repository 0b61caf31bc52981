#include "engine/community/text_signals.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fanfare::community {
namespace {

struct WordWeight {
  absl::string_view word;
  int weight;
};

// A small lexicon for the comments brands get: praise, thanks, delivery and service
// complaints, and abuse. Lower-case; a word matches itself and its plural or -ed/-ing forms
// through Stem().
constexpr WordWeight kLexicon[] = {
    {"love", 2},       {"loved", 2},       {"great", 2},        {"amazing", 2},
    {"awesome", 2},    {"brilliant", 2},   {"excellent", 2},    {"perfect", 2},
    {"best", 2},       {"fantastic", 2},   {"wonderful", 2},    {"beautiful", 2},
    {"happy", 1},      {"thanks", 1},      {"thank", 1},        {"good", 1},
    {"nice", 1},       {"recommend", 1},   {"recommending", 1}, {"proud", 1},
    {"glad", 1},       {"like", 1},        {"works", 1},        {"helpful", 1},
    {"fast", 1},       {"quality", 1},     {"cool", 1},         {"enjoy", 1},
    {"bad", -2},       {"worst", -3},      {"terrible", -2},    {"awful", -2},
    {"hate", -3},      {"horrible", -2},   {"disappointed", -2}, {"disappointing", -2},
    {"broke", -1},     {"broken", -1},     {"late", -1},        {"slow", -1},
    {"unhelpful", -2}, {"refund", -1},     {"waiting", -1},     {"lost", -1},
    {"scam", -3},      {"fraud", -3},      {"garbage", -3},     {"trash", -3},
    {"idiots", -3},    {"idiot", -3},      {"pathetic", -3},    {"losers", -3},
    {"loser", -3},     {"stupid", -3},     {"useless", -2},     {"rude", -2},
    {"poor", -1},      {"problem", -1},    {"issue", -1},       {"wrong", -1},
    {"angry", -2},     {"annoyed", -1},    {"fake", -2},        {"spam", -2},
};

// Apostrophes are dropped before matching: "don't" is "dont".
constexpr absl::string_view kNegators[] = {
    "not",  "no",    "never",  "nobody", "nothing", "hardly", "without", "isnt",   "wasnt",
    "dont", "doesnt", "didnt", "cant",   "wont",    "arent",  "couldnt", "wouldnt", "havent",
    "hasnt", "shouldnt"};

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '\''; }

int LexiconWeight(absl::string_view word) {
  for (const WordWeight& entry : kLexicon) {
    if (entry.word == word) return entry.weight;
  }
  return 0;
}

// The weight of `word` (lower case, apostrophes removed), or of it without one final "s";
// 0 when unknown.
int WeightOf(absl::string_view word) {
  if (const int weight = LexiconWeight(word); weight != 0) return weight;
  if (word.size() > 3 && absl::EndsWith(word, "s")) return LexiconWeight(word.substr(0, word.size() - 1));
  return 0;
}

bool IsNegator(absl::string_view word) {
  for (absl::string_view n : kNegators) {
    if (n == word) return true;
  }
  return false;
}

// Calls `fn(word)` for each word of `text`, lower-cased, apostrophes dropped.
template <typename Fn>
void ForEachWord(absl::string_view text, Fn fn) {
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (IsWordChar(c)) {
      if (c != '\'') word.push_back(absl::ascii_tolower(c));
    } else if (!word.empty()) {
      fn(absl::string_view(word));
      word.clear();
    }
  }
}

// Whether text[i] starts a link; `end` gets where it ends (the next space).
bool LinkAt(absl::string_view text, size_t i, size_t* end) {
  const absl::string_view rest = text.substr(i);
  if (!absl::StartsWithIgnoreCase(rest, "http://") && !absl::StartsWithIgnoreCase(rest, "https://") &&
      !absl::StartsWithIgnoreCase(rest, "www.")) {
    return false;
  }
  size_t j = i;
  while (j < text.size() && !absl::ascii_isspace(text[j])) ++j;
  *end = j;
  return true;
}

// Calls `fn(c)` for every character outside links, @mentions and #hashtags; returns whether
// there was a link.
template <typename Fn>
bool ForEachPlainChar(absl::string_view text, Fn fn) {
  bool link = false;
  for (size_t i = 0; i < text.size();) {
    size_t end = 0;
    const bool at_word_start = i == 0 || absl::ascii_isspace(text[i - 1]);
    if (at_word_start && LinkAt(text, i, &end)) {
      link = true;
      i = end;
      continue;
    }
    if (at_word_start && (text[i] == '@' || text[i] == '#')) {
      while (i < text.size() && !absl::ascii_isspace(text[i])) ++i;
      continue;
    }
    fn(text[i]);
    ++i;
  }
  return link;
}

}  // namespace

double Sentiment(absl::string_view text) {
  // Links and @mentions say nothing of the writer's mood ("cheap-likes.example" is no like).
  std::string words;
  for (absl::string_view token : absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    size_t end = 0;
    if (token[0] == '@' || LinkAt(token, 0, &end)) continue;
    absl::StrAppend(&words, token, " ");
  }
  int sum = 0;
  int since_negator = 100;  // words since the last negator
  ForEachWord(words, [&](absl::string_view word) {
    if (IsNegator(word)) {
      since_negator = 0;
      return;
    }
    ++since_negator;
    const int weight = WeightOf(word);
    sum += since_negator <= 3 ? -weight : weight;
  });
  const double s = sum;
  return s / std::sqrt(s * s + 15.0);
}

bool HasLink(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    size_t end = 0;
    if ((i == 0 || !IsWordChar(text[i - 1])) && LinkAt(text, i, &end)) return true;
  }
  return false;
}

bool IsLinkOnly(absl::string_view text) {
  bool words = false;
  const bool link = ForEachPlainChar(text, [&](char c) { words |= absl::ascii_isalnum(c); });
  return link && !words;
}

bool IsAllCaps(absl::string_view text) {
  int letters = 0, capitals = 0;
  ForEachPlainChar(text, [&](char c) {
    if (!absl::ascii_isalpha(c)) return;
    ++letters;
    capitals += absl::ascii_isupper(c);
  });
  return letters >= 6 && capitals * 10 >= letters * 9;
}

bool ContainsAny(absl::string_view text, const std::vector<std::string>& keywords) {
  if (std::all_of(keywords.begin(), keywords.end(), [](const std::string& k) { return k.empty(); })) {
    return false;
  }
  const std::string lower = absl::AsciiStrToLower(text);
  for (const std::string& keyword : keywords) {
    if (keyword.empty()) continue;
    const std::string k = absl::AsciiStrToLower(keyword);
    for (size_t at = lower.find(k); at != std::string::npos; at = lower.find(k, at + 1)) {
      const bool starts = at == 0 || !absl::ascii_isalnum(lower[at - 1]);
      const size_t after = at + k.size();
      const bool ends = after == lower.size() || !absl::ascii_isalnum(lower[after]);
      if (starts && ends) return true;
    }
  }
  return false;
}

}  // namespace fanfare::community
