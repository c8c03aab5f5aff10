// The planar_cnf plugin: its schema, its parameters and their initialization.
#include "planar_cnf.hpp"

namespace liouville::planar_cnf {

void PlanarCnf::declare(Schema& schema) {
  schema.integer("units").default_value(20).min(1).doc("Number of gated planar units (the seed's hidden_unit).");
  schema.choice("activation", activation_names()).default_value("tanh").doc("The units' nonlinearity h.");
  schema.integer("gate_width").default_value(40).min(1).doc("Width of the hidden layers of each gate g_i(t).");
  schema.integer("gate_depth").default_value(3).min(0).doc("Number of hidden layers of each gate g_i(t).");
  schema.choice("gate_activation", activation_names())
      .default_value("relu")
      .doc("Activation of the gates' hidden layers (relu: equinox's MLP default, as in the seed).");
  schema.boolean("include_identity")
      .default_value(false)
      .doc("Gate the planar transform z + u_i h(w_i.z + b_i) instead of u_i h(w_i.z + b_i) (the seed's variant).");
  schema.choice("u_constraint", {"none", "flowjax"})
      .default_value("none")
      .doc(
          "none: u_i as learned; flowjax: u_hat_i = u_i + (m(w_i.u_i) - w_i.u_i) w_i / |w_i|^2 with "
          "m(x) = -1 + log(1 + softplus(x)), as flowjax's Planar (the seed's variant).");
  schema.real("init_scale")
      .default_value(0.01)
      .greater_than(0)
      .doc("Standard deviation of the initial u, w and b (independent normals; flowjax's Planar uses 0.01).");
}

PlanarCnf::PlanarCnf(const Params& params, BuildContext& context)
    : path_(params.path()),
      dim_(context.dim()),
      units_(params.get_int("units")),
      activation_(parse_activation(params.get_string("activation"), path_ + ".activation")),
      include_identity_(params.get_bool("include_identity")),
      constraint_(params.get_string("u_constraint") == "flowjax" ? UnitConstraint::kFlowjax
                                                                 : UnitConstraint::kNone) {
  if (dim_ < 1)
    throw ConfigError(path_ + ": the planar_cnf vector field needs a data dimension >= 1, got " +
                      std::to_string(dim_));
  if (units_ < 1) throw ConfigError(path_ + ".units: needs at least one unit, got " + std::to_string(units_));
  const long width = params.get_int("gate_width");
  const long depth = params.get_int("gate_depth");
  if (width < 1) throw ConfigError(path_ + ".gate_width: must be >= 1, got " + std::to_string(width));
  if (depth < 0) throw ConfigError(path_ + ".gate_depth: must be >= 0, got " + std::to_string(depth));
  const std::string& constraint = params.get_string("u_constraint");
  if (constraint != "none" && constraint != "flowjax")
    throw ConfigError(path_ + ".u_constraint: unknown value '" + constraint + "' (one of none, flowjax)");

  ParameterStore& store = context.parameters();
  Rng& rng = context.init_rng();
  const Scalar scale = params.get_real("init_scale");
  u_ = store.allocate(path_ + ".u", dim_, units_);
  w_ = store.allocate(path_ + ".w", dim_, units_);
  b_ = store.allocate(path_ + ".b", units_, 1);
  for (const ParameterSlice* slice : {&u_, &w_, &b_}) {
    rng.fill_normal(slice->mutable_value());
    slice->mutable_value() *= scale;
  }
  gates_ = GateBank(store, path_, units_, width, depth,
                    parse_activation(params.get_string("gate_activation"), path_ + ".gate_activation"), rng);
  parameter_end_ = store.size();
}

LIOUVILLE_REGISTER(liouville::VectorField, PlanarCnf)

}  // namespace liouville::planar_cnf
