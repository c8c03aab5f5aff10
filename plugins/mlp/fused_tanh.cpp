#include "fused_tanh.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

#include "vector_clones.hpp"

namespace liouville::mlp {

namespace {

// With y = -2|x|:
//   tanh|x| = -expm1(y) / (2 + expm1(y)),
//   y = k ln2 + r, |r| <= ln2 / 2 (ln2 split in two so that k ln2 is exact),
//   e^r = 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2))   (the Pade form and coefficients of Cephes' exp),
//   expm1(y) = 2^k expm1(r) + (2^k - 1) = num / den,  den = Q - r P,  num = 2^k 2 r P + (2^k - 1) den,
// which keeps full relative accuracy near 0. 2^k (-58 <= k <= 0) is written
// into the exponent bits. Only plain arithmetic per element, so the loop
// vectorizes.
template <bool kSlope, bool kCurvature>
[[gnu::always_inline]] inline void tanh_loop(Scalar* a, Scalar* d1, Scalar* d2, Index size) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2High = 0.693145751953125;
  constexpr double kLn2Low = 1.42860682030941723212e-6;
  constexpr double kRoundShift = 0x1.8p52;  // adding it rounds to an integer held in the low bits
  for (Index i = 0; i < size; ++i) {
    const double x = a[i];
    const double y = -2.0 * std::abs(x);
    const double shifted = y * kLog2e + kRoundShift;
    const double k = shifted - kRoundShift;
    const double r = (y - k * kLn2High) - k * kLn2Low;
    const double rr = r * r;
    const double rp = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr + 1.0);
    const double den =
        ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr +
        2.0 - rp;
    const double two_k = std::bit_cast<double>((std::bit_cast<std::uint64_t>(shifted) + 1023) << 52);
    const double num = two_k * (2.0 * rp) + (two_k - 1.0) * den;
    const double value = std::copysign(-num / (2.0 * den + num), x);
    a[i] = value;
    if constexpr (kSlope) {
      const double slope = 1.0 - value * value;
      d1[i] = slope;
      if constexpr (kCurvature) d2[i] = -2.0 * value * slope;
    }
  }
}

}  // namespace

// Each clone inlines its own copies of the loop.
LIOUVILLE_MLP_VECTOR_CLONES void fused_tanh(Scalar* a, Scalar* d1, Scalar* d2, Index size) {
  if (!d1)
    tanh_loop<false, false>(a, d1, d2, size);
  else if (!d2)
    tanh_loop<true, false>(a, d1, d2, size);
  else
    tanh_loop<true, true>(a, d1, d2, size);
}

}  // namespace liouville::mlp
