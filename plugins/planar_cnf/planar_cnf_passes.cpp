// The passes of planar_cnf over a dim x batch block. With U = [u_hat_i] (dim x
// units), W = [w_i], G = diag(g(t)), s = sum_i g_i when include_identity (else 0),
// A = W^T z + b 1^T and H = h(A), H1 = h'(A), H2 = h''(A) elementwise:
//   f = U G H + s z,   J v = U G (H1 .* W^T v) + s v,
//   div f = H1^T (g .* c) + dim s,  c_i = w_i.u_hat_i.
// Each reverse mode forms the cotangents of A, U and g, then backward() carries
// them to z, W, b, the gates and (through the constraint) u.
#include <cmath>

#include "planar_cnf.hpp"

namespace liouville::planar_cnf {

// Buffers of one call; thread_local and resized to the same shapes call after
// call, so the steady state allocates nothing and calls are re-entrant.
struct PlanarCnf::Workspace {
  GateBank::Values gates;
  Scalar s = 0;          // sum_i g_i with include_identity, else 0
  Matrix u_hat;          // dim x units
  Matrix u_gated;        // U G
  Matrix a, h, d1, d2;   // units x batch: A, h(A), h'(A), h''(A)
  Matrix tangent, q, r;  // units x batch: W^T v and projected cotangents
  Matrix a_bar;          // units x batch
  Matrix u_hat_bar;      // dim x units
  Vector g_bar;          // units
  Vector c;              // units, w_i.u_hat_i
  Vector e, c_bar;       // units, H1 div_bar and the cotangent of c
};

PlanarCnf::Workspace& PlanarCnf::forward(Scalar t, ConstMatrixRef z, int order) const {
  thread_local Workspace work;
  gates_.evaluate(t, work.gates);
  const Vector& g = work.gates.g;
  work.s = include_identity_ ? g.sum() : 0.0;
  work.u_hat.resize(dim_, units_);
  constrain_units(constraint_, u_.value(), w_.value(), work.u_hat);
  work.u_gated.noalias() = work.u_hat * g.asDiagonal();
  const Index batch = z.cols();
  work.a.resize(units_, batch);
  work.a.noalias() = w_.value().transpose() * z;
  work.a.colwise() += b_.value().col(0);
  work.h.resize(units_, batch);
  if (order >= 1) work.d1.resize(units_, batch);
  if (order >= 2) work.d2.resize(units_, batch);
  activate(activation_, work.a, work.h, work.d1, work.d2, order);
  return work;
}

namespace {

// f = U G H + s z.
void output(const Matrix& u_gated, const Matrix& h, Scalar s, ConstMatrixRef z, MatrixRef f) {
  f.noalias() = u_gated * h;
  if (s != 0) f += s * z;
}

}  // namespace

// Through A = W^T z + b: z_bar = W A_bar (+ s f_bar from the identity term),
// W_bar += z A_bar^T, b_bar += A_bar 1; then u_hat_bar through the constraint and
// g_bar through the gates. t_bar = g_bar . dg/dt.
Scalar PlanarCnf::backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, Workspace& work, MatrixRef z_bar,
                           VectorRef theta_bar) const {
  z_bar.noalias() = w_.value() * work.a_bar;
  if (include_identity_) z_bar += work.s * f_bar;
  auto w_bar = w_.in(theta_bar);
  w_bar.noalias() += z * work.a_bar.transpose();
  b_.in(theta_bar).col(0) += work.a_bar.rowwise().sum();
  constrain_units_backward(constraint_, u_.value(), w_.value(), work.u_hat_bar, u_.in(theta_bar), w_bar);
  gates_.backward(t, work.g_bar, work.gates, theta_bar);
  return work.g_bar.dot(work.gates.g_dot);
}

void PlanarCnf::evaluate(Scalar t, ConstMatrixRef z, MatrixRef f) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f", f.rows(), f.cols(), batch);
  const Workspace& work = forward(t, z, 0);
  output(work.u_gated, work.h, work.s, z, f);
}

void PlanarCnf::jvp(Scalar t, ConstMatrixRef z, ConstMatrixRef v, MatrixRef f, MatrixRef jv) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("v", v.rows(), v.cols(), batch);
  check_block("f", f.rows(), f.cols(), batch);
  check_block("jv", jv.rows(), jv.cols(), batch);
  Workspace& work = forward(t, z, 1);
  output(work.u_gated, work.h, work.s, z, f);
  work.tangent.resize(units_, batch);
  work.tangent.noalias() = w_.value().transpose() * v;
  work.tangent.array() *= work.d1.array();
  output(work.u_gated, work.tangent, work.s, v, jv);
}

// L = <f_bar, f>:  Q = U^T f_bar,  A_bar = G (Q .* H1),  U_bar = f_bar H^T G,
// g_bar_i = sum_j (Q .* H)_ij (+ <f_bar, z>).
Scalar PlanarCnf::vjp(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, MatrixRef z_bar,
                      VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  Workspace& work = forward(t, z, 1);
  const Vector& g = work.gates.g;
  work.q.resize(units_, batch);
  work.q.noalias() = work.u_hat.transpose() * f_bar;
  work.g_bar = work.q.cwiseProduct(work.h).rowwise().sum();
  if (include_identity_) work.g_bar.array() += f_bar.cwiseProduct(z).sum();
  work.a_bar.resize(units_, batch);
  work.a_bar.noalias() = g.asDiagonal() * work.q.cwiseProduct(work.d1);
  work.u_hat_bar.noalias() = f_bar * work.h.transpose() * g.asDiagonal();
  return backward(t, z, f_bar, work, z_bar, theta_bar);
}

// L = <f_bar, f> + <r_bar, J v> at fixed v, with B = W^T v, Q = U^T f_bar, R = U^T r_bar:
//   A_bar = G (Q .* H1 + R .* H2 .* B),  W_bar += v (G (R .* H1))^T,
//   U_bar = (f_bar H^T + r_bar (H1 .* B)^T) G,
//   g_bar_i = sum_j (Q .* H + R .* H1 .* B)_ij (+ <f_bar, z> + <r_bar, v>).
Scalar PlanarCnf::jvp_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef v, ConstMatrixRef f_bar,
                               ConstMatrixRef jv_bar, MatrixRef z_bar, VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("v", v.rows(), v.cols(), batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_block("jv_bar", jv_bar.rows(), jv_bar.cols(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  Workspace& work = forward(t, z, 2);
  const Vector& g = work.gates.g;
  work.tangent.resize(units_, batch);
  work.tangent.noalias() = w_.value().transpose() * v;
  work.q.resize(units_, batch);
  work.q.noalias() = work.u_hat.transpose() * f_bar;
  work.r.resize(units_, batch);
  work.r.noalias() = work.u_hat.transpose() * jv_bar;
  const auto tangent = work.tangent.array();
  const auto q = work.q.array();
  const auto r = work.r.array();
  work.g_bar = (q * work.h.array() + r * work.d1.array() * tangent).matrix().rowwise().sum();
  if (include_identity_) work.g_bar.array() += f_bar.cwiseProduct(z).sum() + jv_bar.cwiseProduct(v).sum();
  work.a_bar.resize(units_, batch);
  work.a_bar.noalias() = g.asDiagonal() * (q * work.d1.array() + r * work.d2.array() * tangent).matrix();
  // R becomes the cotangent of B, Q the tangent of h(A).
  work.r = g.asDiagonal() * work.r.cwiseProduct(work.d1);
  w_.in(theta_bar).noalias() += v * work.r.transpose();
  work.q.array() = work.d1.array() * tangent;
  work.u_hat_bar.noalias() = (f_bar * work.h.transpose() + jv_bar * work.q.transpose()) * g.asDiagonal();
  return backward(t, z, f_bar, work, z_bar, theta_bar);
}

void PlanarCnf::divergence(Scalar t, ConstMatrixRef z, MatrixRef f, VectorRef div) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f", f.rows(), f.cols(), batch);
  check_length("div", div.size(), batch);
  Workspace& work = forward(t, z, 1);
  output(work.u_gated, work.h, work.s, z, f);
  work.c = w_.value().cwiseProduct(work.u_hat).colwise().sum().transpose();
  div.noalias() = work.d1.transpose() * work.gates.g.cwiseProduct(work.c);
  if (include_identity_) div.array() += static_cast<Scalar>(dim_) * work.s;
}

// L = <f_bar, f> + <d, div> adds to the terms of vjp, with e = H1 d:
//   A_bar += diag(g .* c) H2 diag(d),  c_bar = g .* e,  g_bar += c .* e (+ dim sum(d)),
//   and through c_i = w_i.u_hat_i:  U_bar += W diag(c_bar),  W_bar += U diag(c_bar).
Scalar PlanarCnf::divergence_backward(Scalar t, ConstMatrixRef z, ConstMatrixRef f_bar, ConstVectorRef div_bar,
                                      MatrixRef z_bar, VectorRef theta_bar) const {
  const Index batch = z.cols();
  check_block("z", z.rows(), batch, batch);
  check_block("f_bar", f_bar.rows(), f_bar.cols(), batch);
  check_length("div_bar", div_bar.size(), batch);
  check_block("z_bar", z_bar.rows(), z_bar.cols(), batch);
  check_gradient_size(theta_bar.size());
  Workspace& work = forward(t, z, 2);
  const Vector& g = work.gates.g;
  work.c = w_.value().cwiseProduct(work.u_hat).colwise().sum().transpose();
  work.q.resize(units_, batch);
  work.q.noalias() = work.u_hat.transpose() * f_bar;
  work.e.noalias() = work.d1 * div_bar;
  work.g_bar = work.q.cwiseProduct(work.h).rowwise().sum() + work.c.cwiseProduct(work.e);
  if (include_identity_)
    work.g_bar.array() += f_bar.cwiseProduct(z).sum() + static_cast<Scalar>(dim_) * div_bar.sum();
  work.a_bar.resize(units_, batch);
  work.a_bar.noalias() = g.asDiagonal() * work.q.cwiseProduct(work.d1);
  work.a_bar.noalias() += g.cwiseProduct(work.c).asDiagonal() * work.d2 * div_bar.asDiagonal();
  work.c_bar = g.cwiseProduct(work.e);
  work.u_hat_bar.noalias() = f_bar * work.h.transpose() * g.asDiagonal();
  work.u_hat_bar.noalias() += w_.value() * work.c_bar.asDiagonal();
  w_.in(theta_bar).noalias() += work.u_hat * work.c_bar.asDiagonal();
  return backward(t, z, f_bar, work, z_bar, theta_bar);
}

void PlanarCnf::check_block(const char* name, Index rows, Index cols, Index batch) const {
  if (rows != dim_ || cols != batch)
    throw DataError(path_ + ": " + name + " is " + std::to_string(rows) + " x " + std::to_string(cols) +
                    ", expected " + std::to_string(dim_) + " x " + std::to_string(batch) + " (dim x batch)");
}

void PlanarCnf::check_length(const char* name, Index size, Index batch) const {
  if (size != batch)
    throw DataError(path_ + ": " + name + " has " + std::to_string(size) + " entries, expected one per column (" +
                    std::to_string(batch) + ")");
}

void PlanarCnf::check_gradient_size(Index size) const {
  if (size < parameter_end_)
    throw DataError(path_ + ": theta_bar has " + std::to_string(size) + " entries, but the parameters end at " +
                    std::to_string(parameter_end_));
}

}  // namespace liouville::planar_cnf
