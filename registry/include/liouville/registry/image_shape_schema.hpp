// The optional `shape: [C, H, W]` key of the layers that act on images (actnorm,
// conv1x1, affine_coupling, squeeze, glow), declared once so they all agree.
// Absent, a layer reads its data as vectors: C = dim, H = W = 1.
#pragma once

#include "liouville/core/image_shape.hpp"
#include "liouville/registry/params.hpp"
#include "liouville/registry/schema.hpp"

namespace liouville {

void declare_image_shape(Schema& schema);

// The shape at `params`, checked against the data dimension `dim` (ConfigError
// naming the key when C*H*W != dim); [dim, 1, 1] when the key is absent.
ImageShape read_image_shape(const Params& params, Index dim);

}  // namespace liouville
