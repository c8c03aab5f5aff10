// The order conditions of a Runge-Kutta method, from a rooted-tree generator
// (Butcher 1963; Hairer, Norsett and Wanner I, II.2). Weights w give order p
// with the matrix a exactly when, for every rooted tree t with |t| <= p vertices,
//
//   sum_i w_i Phi_i(t) = 1 / gamma(t),
//
// where Phi(t) = prod_{children u of the root} (a Phi(u)) elementwise (a vector of
// ones for a single vertex) and gamma(t) = |t| prod_u gamma(u). The conditions use
// a alone: c = a 1 is a separate check.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "liouville/core/types.hpp"

namespace liouville::testing {

// A rooted tree as the multiset of the subtrees under its root, kept sorted so
// that equal trees are equal values.
struct RootedTree {
  std::vector<RootedTree> children;

  int order() const {
    int vertices = 1;
    for (const RootedTree& child : children) vertices += child.order();
    return vertices;
  }
  double density() const {  // gamma(t)
    double gamma = order();
    for (const RootedTree& child : children) gamma *= child.density();
    return gamma;
  }
  bool operator<(const RootedTree& other) const {
    return std::lexicographical_compare(children.begin(), children.end(), other.children.begin(),
                                        other.children.end());
  }
  bool operator==(const RootedTree& other) const { return children == other.children; }
};

// Every tree made from `tree` by attaching one new leaf to one of its vertices.
inline std::vector<RootedTree> grown_by_a_leaf(const RootedTree& tree) {
  std::vector<RootedTree> grown;
  RootedTree at_root = tree;
  at_root.children.emplace_back();
  std::sort(at_root.children.begin(), at_root.children.end());
  grown.push_back(at_root);
  for (std::size_t i = 0; i < tree.children.size(); ++i)
    for (const RootedTree& child : grown_by_a_leaf(tree.children[i])) {
      RootedTree bigger = tree;
      bigger.children[i] = child;
      std::sort(bigger.children.begin(), bigger.children.end());
      grown.push_back(bigger);
    }
  return grown;
}

// trees[p - 1] holds the distinct rooted trees with p vertices, p = 1..max_order
// (1, 1, 2, 4, 9, 20, 48, 115, 286, ... of them).
inline std::vector<std::vector<RootedTree>> rooted_trees(int max_order) {
  std::vector<std::vector<RootedTree>> trees;
  if (max_order < 1) return trees;
  trees.push_back({RootedTree{}});
  for (int p = 2; p <= max_order; ++p) {
    std::vector<RootedTree> next;
    for (const RootedTree& tree : trees.back())
      for (RootedTree& bigger : grown_by_a_leaf(tree)) next.push_back(std::move(bigger));
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    trees.push_back(std::move(next));
  }
  return trees;
}

// Phi(t): one entry per stage.
inline Vector stage_weights(const Matrix& a, const RootedTree& tree) {
  Vector phi = Vector::Ones(a.rows());
  for (const RootedTree& child : tree.children) phi = phi.cwiseProduct(a * stage_weights(a, child));
  return phi;
}

// residuals[p - 1] = max over the trees with p vertices of |w^T Phi(t) - 1/gamma(t)|.
inline std::vector<double> order_condition_residuals(const Matrix& a, const Vector& w, int max_order) {
  std::vector<double> residuals;
  for (const std::vector<RootedTree>& trees : rooted_trees(max_order)) {
    double worst = 0;
    for (const RootedTree& tree : trees)
      worst = std::max(worst, std::abs(w.dot(stage_weights(a, tree)) - 1 / tree.density()));
    residuals.push_back(worst);
  }
  return residuals;
}

// The largest p <= max_order such that every condition up to order p holds to `tolerance`.
inline int order_of_weights(const Matrix& a, const Vector& w, int max_order, double tolerance) {
  const std::vector<double> residuals = order_condition_residuals(a, w, max_order);
  int order = 0;
  while (order < max_order && residuals[order] <= tolerance) ++order;
  return order;
}

}  // namespace liouville::testing
