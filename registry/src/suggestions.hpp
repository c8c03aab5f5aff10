// "Did you mean ...?" for misspelled keys, choices and plugin names (private to the registry).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liouville {

// " (did you mean 'x'?)" or "": the closest candidate within Levenshtein distance 2
// (not a complete rewrite), else one that starts with `typed` or that `typed`
// starts with; ties go to the first in `candidates`.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace liouville
