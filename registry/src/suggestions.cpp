#include "suggestions.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

#include "value_text.hpp"

namespace liouville {

namespace {

constexpr std::size_t kMaxDistance = 2;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_match(std::string_view typed, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = kMaxDistance + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(typed, candidate);
    // A suggestion must keep something of what was typed.
    if (distance < best_distance && distance < std::max(typed.size(), candidate.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best || typed.empty()) return best;
  for (const std::string& candidate : candidates)
    if (candidate.starts_with(typed) || typed.starts_with(candidate)) return candidate;
  return std::nullopt;
}

}  // namespace

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
  const auto match = closest_match(typed, candidates);
  return match ? " (did you mean " + quote(*match) + "?)" : std::string();
}

}  // namespace liouville
