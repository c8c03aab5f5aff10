#include "liouville/registry/image_shape_schema.hpp"

#include <string>

#include "liouville/core/errors.hpp"

namespace liouville {

void declare_image_shape(Schema& schema) {
  schema.integer_list("shape").min(1).min_size(3).max_size(3).doc(
      "[C, H, W]: read each sample as C channels of H x W pixels, index c*H*W + h*W + w; absent = vector "
      "data [dim, 1, 1].");
}

ImageShape read_image_shape(const Params& params, Index dim) {
  if (!params.has("shape")) return {dim, 1, 1};
  const std::vector<long>& entries = params.get_int_list("shape");
  if (entries.size() != 3 || entries[0] < 1 || entries[1] < 1 || entries[2] < 1)
    throw ConfigError(params.path() + ".shape: needs three positive entries [C, H, W]");
  const ImageShape shape{entries[0], entries[1], entries[2]};
  if (shape.size() != dim)
    throw ConfigError(params.path() + ".shape: " + shape.to_string() + " holds " + std::to_string(shape.size()) +
                      " values per sample, but the data dimension here is " + std::to_string(dim));
  return shape;
}

}  // namespace liouville
