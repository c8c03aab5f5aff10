#include "atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "liouville/core/errors.hpp"

namespace liouville::host {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  throw Error("cannot write '" + path.string() + "': " + what + ": " + std::strerror(errno));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Temporary files are named ".NAME.tmp.PID.XXXXXX", so the writer of each is known.
std::string temp_prefix(const std::filesystem::path& path) { return "." + path.filename().string() + ".tmp."; }

// A run killed while writing leaves its temporary file behind: remove those
// of processes that no longer exist (never another live writer's).
void remove_stale_temps(const std::filesystem::path& folder, const std::filesystem::path& path) {
  const std::string prefix = temp_prefix(path);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    pid_t pid = 0;
    const char* first = name.data() + prefix.size();
    const auto [end, status] = std::from_chars(first, name.data() + name.size(), pid);
    if (status != std::errc() || end == first || *end != '.' || pid <= 0) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove(entry.path(), error);
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  remove_stale_temps(folder, path);
  std::string temp = (folder / (temp_prefix(path) + std::to_string(::getpid()) + ".XXXXXX")).string();
  FileDescriptor file(::mkstemp(temp.data()));
  if (file.get() < 0) fail(path, "cannot create a temporary file");
  try {
    for (std::size_t written = 0; written < bytes.size();) {
      const ssize_t n = ::write(file.get(), bytes.data() + written, bytes.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(path, "write failed");
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fchmod(file.get(), 0644) != 0) fail(path, "chmod failed");
    if (::fsync(file.get()) != 0) fail(path, "fsync failed");
    if (::close(file.release()) != 0) fail(path, "close failed");
    if (::rename(temp.c_str(), path.c_str()) != 0) fail(path, "rename failed");
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) fail(folder, "fsync of the folder failed");
}

}  // namespace liouville::host
