#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "atomic_file.hpp"
#include "checkpoint.hpp"
#include "liouville/core/errors.hpp"

using namespace liouville;
using namespace liouville::host;

namespace {

std::filesystem::path fresh_folder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / ("liouville_test_" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

struct TwoSlices {
  ParameterStore store;
  TwoSlices() {
    store.allocate("model.flow[0].w", 2, 3);
    store.allocate("model.flow[0].b", 2, 1);
    for (Index i = 0; i < store.size(); ++i) store.values()[i] = 0.5 * static_cast<double>(i) - 1.25;
  }
};

// A header with the given JSON, padded, followed by `data_bytes` zero bytes.
std::string safetensors(const std::string& json, std::size_t data_bytes) {
  std::string file(8, '\0');
  const std::uint64_t size = json.size();
  std::memcpy(file.data(), &size, 8);
  return file + json + std::string(data_bytes, '\0');
}

void check_refused(const std::filesystem::path& path, const std::string& expected) {
  try {
    read_checkpoint(path);
    FAIL("expected a DataError containing: " << expected);
  } catch (const DataError& error) {
    CHECK_MESSAGE(std::string(error.what()).find(expected) != std::string::npos, error.what());
    CHECK(std::string(error.what()).find(path.string()) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("a checkpoint round-trips every slice and its metadata") {
  const auto folder = fresh_folder("checkpoint_roundtrip");
  TwoSlices saved;
  save_checkpoint(folder / "c.safetensors", saved.store, {{"config", "seed: 3\n"}});
  const Checkpoint read = read_checkpoint(folder / "c.safetensors");
  CHECK(read.metadata.at("config") == "seed: 3\n");
  CHECK(read.metadata.at("format") == kCheckpointFormat);
  TwoSlices restored;
  restored.store.values().setZero();
  restore_parameters(read, folder / "c.safetensors", restored.store);
  CHECK(restored.store.values() == saved.store.values());
  CHECK(read.tensors.at("model.flow[0].w").rows() == 2);
  CHECK(read.tensors.at("model.flow[0].w").cols() == 3);
  // The data section starts 8-byte aligned, as safetensors writes it.
  const std::string bytes = read_bytes(folder / "c.safetensors");
  std::uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  CHECK(header % 8 == 0);
}

TEST_CASE(
    "tensors are stored row-major, as safetensors and numpy read them; format 1 (column-major) still reads") {
  const auto folder = fresh_folder("checkpoint_layout");
  ParameterStore store;
  store.allocate("w", 2, 3);
  Eigen::Map<Matrix>(store.values().data(), 2, 3) << 1, 2, 3, 4, 5, 6;
  save_checkpoint(folder / "c.safetensors", store, {});
  const std::string bytes = read_bytes(folder / "c.safetensors");
  std::uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  double stored[6];
  std::memcpy(stored, bytes.data() + 8 + header, sizeof stored);
  for (int i = 0; i < 6; ++i) CHECK(stored[i] == i + 1);

  const std::string column_major = R"({"__metadata__":{"format":"liouville-checkpoint/1"},)"
                                   R"("w":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]}})";
  const double values[6] = {1, 4, 2, 5, 3, 6};
  std::string file = safetensors(column_major, 0);
  file.append(reinterpret_cast<const char*>(values), sizeof values);
  write_bytes(folder / "old.safetensors", file);
  CHECK(read_checkpoint(folder / "old.safetensors").tensors.at("w") ==
        read_checkpoint(folder / "c.safetensors").tensors.at("w"));
}

TEST_CASE("a checkpoint that does not match the model lists every mismatch") {
  const auto folder = fresh_folder("checkpoint_mismatch");
  TwoSlices saved;
  save_checkpoint(folder / "c.safetensors", saved.store, {});
  ParameterStore other;
  other.allocate("model.flow[0].w", 3, 2);
  other.allocate("model.flow[0].extra", 1, 1);
  try {
    restore_parameters(read_checkpoint(folder / "c.safetensors"), folder / "c.safetensors", other);
    FAIL("expected a DataError");
  } catch (const DataError& error) {
    const std::string message = error.what();
    CHECK(message.find("tensor 'model.flow[0].w' has shape 2x3, the model expects 3x2") != std::string::npos);
    CHECK(message.find("missing tensor 'model.flow[0].extra'") != std::string::npos);
    CHECK(message.find("tensor 'model.flow[0].b' is not a parameter of the model") != std::string::npos);
  }
}

TEST_CASE("malformed checkpoints are refused with what is wrong") {
  const auto folder = fresh_folder("checkpoint_bad");
  TwoSlices saved;
  save_checkpoint(folder / "good.safetensors", saved.store, {});
  const std::string good = read_bytes(folder / "good.safetensors");
  const auto path = folder / "bad.safetensors";

  write_bytes(path, good.substr(0, 5));
  check_refused(path, "shorter than the 8-byte header size");

  std::string huge = good;
  const std::uint64_t big = 1ULL << 40;
  std::memcpy(huge.data(), &big, 8);
  write_bytes(path, huge);
  check_refused(path, "exceeds the 16 MiB limit");

  write_bytes(path, good.substr(0, good.size() - 8));
  check_refused(path, "data bytes but the file holds");

  write_bytes(path, safetensors("{not json", 0));
  check_refused(path, "not valid JSON");

  const std::string meta = R"("__metadata__":{"format":"liouville-checkpoint/1"})";
  write_bytes(path, safetensors("{" + meta + R"(,"a":{"dtype":"F32","shape":[1,1],"data_offsets":[0,8]}})", 8));
  check_refused(path, "tensor 'a': dtype must be F64");

  write_bytes(path, safetensors("{" + meta + R"(,"a":{"dtype":"F64","shape":[2,1],"data_offsets":[0,8]}})", 8));
  check_refused(path, "tensor 'a': shape larger than the file");

  write_bytes(path, safetensors("{" + meta + R"(,"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},)" +
                                    R"("b":{"dtype":"F64","shape":[1,1],"data_offsets":[16,24]}})",
                                24));
  check_refused(path, "tensor 'b' does not start where the previous one ends");

  write_bytes(path, safetensors(R"({"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]}})", 8));
  check_refused(path, "format '' is not liouville-checkpoint/2");

  check_refused(folder / "missing.safetensors", "cannot open the file");

  std::string past_end = good;
  const std::uint64_t too_long = good.size();
  std::memcpy(past_end.data(), &too_long, 8);
  write_bytes(path, past_end);
  check_refused(path, "runs past the end of the file");

  write_bytes(path, safetensors("{" + meta + R"(,"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,16]}})", 16));
  check_refused(path, "tensor 'a': data_offsets do not match its shape");

  write_bytes(path, safetensors(R"({"__metadata__":[1]})", 0));
  check_refused(path, "__metadata__ is not an object");

  write_bytes(path, safetensors(R"({"__metadata__":{"format":"liouville-checkpoint/1","stage":1}})", 0));
  check_refused(path, "metadata 'stage' is not a string");
}

TEST_CASE("training state travels as state.* tensors; other extra tensors are refused when saving") {
  const auto folder = fresh_folder("checkpoint_state");
  TwoSlices saved;
  const Matrix moment = Matrix::Constant(8, 1, 0.25);
  save_checkpoint(folder / "c.safetensors", saved.store, {}, {{"state.optimizer.adam.m", moment}});
  const Checkpoint loaded = read_checkpoint(folder / "c.safetensors");
  CHECK(loaded.tensors.at("state.optimizer.adam.m") == moment);
  TwoSlices restored;
  restored.store.values().setZero();
  restore_parameters(loaded, folder / "c.safetensors", restored.store);  // state.* is not a parameter, and allowed
  CHECK(restored.store.values() == saved.store.values());
  CHECK_THROWS_WITH_AS(save_checkpoint(folder / "d.safetensors", saved.store, {}, {{"adam.m", moment}}),
                       doctest::Contains("must be named fixed.* or state.*"), Error);
}

TEST_CASE("atomic writes replace the file whole and leave no temporary behind") {
  const auto folder = fresh_folder("atomic");
  write_file_atomically(folder / "f.txt", "first");
  write_file_atomically(folder / "f.txt", "second version");
  CHECK(read_bytes(folder / "f.txt") == "second version");
  long entries = std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator());
  CHECK(entries == 1);
  CHECK_THROWS_AS(write_file_atomically(folder / "no_such_dir" / "f.txt", "x"), Error);
}
