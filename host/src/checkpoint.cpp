#include "checkpoint.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>
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

[[noreturn]] void bad(const std::string& source, const std::string& what) {
  throw DataError("checkpoint '" + source + "': " + what);
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
  if (!in) bad(path.string(), "cannot open the file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  if (size < 0) bad(path.string(), "cannot read the file");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) bad(path.string(), "cannot read the file");
  return parse_checkpoint(bytes, path.string());
}

Checkpoint parse_checkpoint(std::string_view bytes, const std::string& source) {
  const std::uint64_t file_size = bytes.size();
  std::uint64_t header_size = 0;
  if (file_size < 8) bad(source, "shorter than the 8-byte header size");
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kMaxHeaderBytes)
    bad(source, "header size " + std::to_string(header_size) + " exceeds the 16 MiB limit");
  if (header_size > file_size - 8)
    bad(source, "header size " + std::to_string(header_size) + " runs past the end of the file");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.substr(8, header_size));
  } catch (const nlohmann::json::exception& error) {
    bad(source, std::string("header is not valid JSON: ") + error.what());
  }
  if (!header.is_object()) bad(source, "header is not a JSON object");
  const std::string_view data = bytes.substr(8 + header_size);

  Checkpoint checkpoint;
  struct Entry {
    std::string name;
    std::uint64_t begin, end, rows, cols;
  };
  std::vector<Entry> entries;
  for (const auto& [name, value] : std::as_const(header).items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) bad(source, "__metadata__ is not an object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) bad(source, "metadata '" + key + "' is not a string");
        checkpoint.metadata[key] = text.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    // value(key, null) reads a member that may be missing or of any type without throwing.
    if (!value.is_object() || value.value("dtype", nlohmann::json()) != "F64")
      bad(source, where + ": dtype must be F64");
    const nlohmann::json shape = value.value("shape", nlohmann::json());
    const nlohmann::json offsets = value.value("data_offsets", nlohmann::json());
    if (!shape.is_array() || shape.size() != 2 || !shape[0].is_number_unsigned() || !shape[1].is_number_unsigned())
      bad(source, where + ": shape must be [rows, cols]");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      bad(source, where + ": data_offsets must be [begin, end]");
    Entry entry{name, offsets[0].get<std::uint64_t>(), offsets[1].get<std::uint64_t>(),
                shape[0].get<std::uint64_t>(), shape[1].get<std::uint64_t>()};
    const std::uint64_t limit = data.size() / sizeof(Scalar);
    if (entry.rows > limit || entry.cols > limit || (entry.cols != 0 && entry.rows > limit / entry.cols))
      bad(source, where + ": shape larger than the file");
    if (entry.end < entry.begin || entry.end - entry.begin != entry.rows * entry.cols * sizeof(Scalar))
      bad(source, where + ": data_offsets do not match its shape");
    entries.push_back(entry);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.begin < b.begin; });
  std::uint64_t expected = 0;
  for (const Entry& entry : entries) {
    if (entry.begin != expected)
      bad(source, "tensor '" + entry.name + "' does not start where the previous one ends");
    expected = entry.end;
  }
  if (expected != data.size())
    bad(source, "the tensors cover " + std::to_string(expected) + " data bytes but the file holds " +
                    std::to_string(data.size()));
  const std::string& format = checkpoint.metadata["format"];
  const bool column_major = format == kColumnMajorFormat;
  if (format != kCheckpointFormat && !column_major)
    bad(source, "format '" + format + "' is not " + kCheckpointFormat + " (or " + kColumnMajorFormat + ")");
  for (const Entry& entry : entries) {
    const auto rows = static_cast<Index>(entry.rows), cols = static_cast<Index>(entry.cols);
    // A column-major rows x cols matrix has the bytes of the row-major cols x rows one.
    RowMajorMatrix stored(column_major ? cols : rows, column_major ? rows : cols);
    if (stored.size() > 0) std::memcpy(stored.data(), data.data() + entry.begin, entry.end - entry.begin);
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
  if (!problems.empty()) bad(path.string(), "does not match the model:" + problems);
}

}  // namespace liouville::host
