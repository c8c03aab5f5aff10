#include "checkpoint.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "atomic_file.hpp"
#include "liouville/core/errors.hpp"

namespace liouville::host {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints are written on little-endian machines");

constexpr std::uint64_t kMaxHeaderBytes = 16u << 20;

// Format 1 stored each tensor column-major; safetensors (and numpy) read
// row-major (C order), which format 2 writes. Both are read.
constexpr const char* kColumnMajorFormat = "liouville-checkpoint/1";

using RowMajorMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void append_row_major(std::string& file, const Eigen::Ref<const Matrix>& values) {
  const RowMajorMatrix row_major = values;
  file.append(reinterpret_cast<const char*>(row_major.data()),
              static_cast<std::size_t>(row_major.size()) * sizeof(Scalar));
}

[[noreturn]] void bad(const std::filesystem::path& path, const std::string& what) {
  throw DataError("checkpoint '" + path.string() + "': " + what);
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const ParameterStore& parameters,
                     const std::map<std::string, std::string>& metadata,
                     const std::map<std::string, Matrix>& extra) {
  nlohmann::ordered_json header;
  header["__metadata__"] = metadata;
  header["__metadata__"]["format"] = kCheckpointFormat;
  std::uint64_t offset = 0;
  auto describe = [&](const std::string& name, Index rows, Index cols) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(rows * cols) * sizeof(Scalar);
    header[name] = {{"dtype", "F64"}, {"shape", {rows, cols}}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  };
  for (const ParameterSliceInfo& slice : parameters.slices()) describe(slice.name, slice.rows, slice.cols);
  for (const auto& [name, values] : extra) {
    if (!name.starts_with(kFixedTensorPrefix) && !name.starts_with(kStateTensorPrefix))
      throw Error("checkpoint: the extra tensor '" + name + "' must be named " + std::string(kFixedTensorPrefix) +
                  "* or " + std::string(kStateTensorPrefix) + "*");
    describe(name, values.rows(), values.cols());
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // align the data to 8 bytes, as safetensors does
  std::string file(8, '\0');
  const std::uint64_t header_size = json.size();
  std::memcpy(file.data(), &header_size, 8);
  file += json;
  for (const ParameterSliceInfo& slice : parameters.slices())
    append_row_major(file,
                     Eigen::Map<const Matrix>(parameters.values().data() + slice.offset, slice.rows, slice.cols));
  for (const auto& [name, values] : extra) append_row_major(file, values);
  write_file_atomically(path, file);
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad(path, "cannot open the file");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  std::uint64_t header_size = 0;
  if (file_size < 8 || !in.read(reinterpret_cast<char*>(&header_size), 8))
    bad(path, "shorter than the 8-byte header size");
  if (header_size > kMaxHeaderBytes)
    bad(path, "header size " + std::to_string(header_size) + " exceeds the 16 MiB limit");
  if (header_size > file_size - 8)
    bad(path, "header size " + std::to_string(header_size) + " runs past the end of the file");
  std::string json(header_size, '\0');
  in.read(json.data(), static_cast<std::streamsize>(header_size));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& error) {
    bad(path, std::string("header is not valid JSON: ") + error.what());
  }
  if (!header.is_object()) bad(path, "header is not a JSON object");

  Checkpoint checkpoint;
  struct Entry {
    std::string name;
    std::uint64_t begin, end, rows, cols;
  };
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) bad(path, "__metadata__ is not an object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) bad(path, "metadata '" + key + "' is not a string");
        checkpoint.metadata[key] = text.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!value.is_object() || value.value("dtype", "") != "F64") bad(path, where + ": dtype must be F64");
    const auto& shape = value["shape"];
    const auto& offsets = value["data_offsets"];
    if (!shape.is_array() || shape.size() != 2 || !shape[0].is_number_unsigned() || !shape[1].is_number_unsigned())
      bad(path, where + ": shape must be [rows, cols]");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      bad(path, where + ": data_offsets must be [begin, end]");
    Entry entry{name, offsets[0].get<std::uint64_t>(), offsets[1].get<std::uint64_t>(),
                shape[0].get<std::uint64_t>(), shape[1].get<std::uint64_t>()};
    const std::uint64_t limit = (file_size - 8 - header_size) / sizeof(Scalar);
    if (entry.rows > limit || entry.cols > limit || (entry.cols != 0 && entry.rows > limit / entry.cols))
      bad(path, where + ": shape larger than the file");
    if (entry.end < entry.begin || entry.end - entry.begin != entry.rows * entry.cols * sizeof(Scalar))
      bad(path, where + ": data_offsets do not match its shape");
    entries.push_back(entry);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  std::uint64_t expected = 0;
  for (const Entry& entry : entries) {
    if (entry.begin != expected)
      bad(path, "tensor '" + entry.name + "' does not start where the previous one ends");
    expected = entry.end;
  }
  if (expected != file_size - 8 - header_size)
    bad(path, "the tensors cover " + std::to_string(expected) + " data bytes but the file holds " +
                  std::to_string(file_size - 8 - header_size));
  const std::string& format = checkpoint.metadata["format"];
  const bool column_major = format == kColumnMajorFormat;
  if (format != kCheckpointFormat && !column_major)
    bad(path, "format '" + format + "' is not " + kCheckpointFormat + " (or " + kColumnMajorFormat + ")");
  for (const Entry& entry : entries) {
    const auto rows = static_cast<Index>(entry.rows), cols = static_cast<Index>(entry.cols);
    // A column-major rows x cols matrix has the bytes of the row-major cols x rows one.
    RowMajorMatrix stored(column_major ? cols : rows, column_major ? rows : cols);
    in.seekg(static_cast<std::streamoff>(8 + header_size + entry.begin));
    in.read(reinterpret_cast<char*>(stored.data()), static_cast<std::streamsize>(entry.end - entry.begin));
    if (!in) bad(path, "tensor '" + entry.name + "': read failed");
    Matrix values = column_major ? Matrix(stored.transpose()) : Matrix(stored);
    checkpoint.tensors.emplace(entry.name, std::move(values));
  }
  return checkpoint;
}

void restore_parameters(const Checkpoint& checkpoint, const std::filesystem::path& path,
                        ParameterStore& parameters) {
  std::string problems;
  for (const ParameterSliceInfo& slice : parameters.slices()) {
    auto it = checkpoint.tensors.find(slice.name);
    if (it == checkpoint.tensors.end()) {
      problems += "\n  missing tensor '" + slice.name + "'";
    } else if (it->second.rows() != slice.rows || it->second.cols() != slice.cols) {
      problems += "\n  tensor '" + slice.name + "' has shape " + std::to_string(it->second.rows()) + "x" +
                  std::to_string(it->second.cols()) + ", the model expects " + std::to_string(slice.rows) + "x" +
                  std::to_string(slice.cols);
    } else {
      parameters.values().segment(slice.offset, slice.size()) =
          Eigen::Map<const Vector>(it->second.data(), slice.size());
    }
  }
  for (const auto& [name, values] : checkpoint.tensors)
    if (parameters.find(name) == nullptr && !name.starts_with(kFixedTensorPrefix) &&
        !name.starts_with(kStateTensorPrefix))
      problems += "\n  tensor '" + name + "' is not a parameter of the model";
  if (!problems.empty()) bad(path, "does not match the model:" + problems);
}

}  // namespace liouville::host
