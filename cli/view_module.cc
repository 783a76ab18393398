// view_module.cc — see view_module.h.
#include "cli/view_module.h"

#include <dlfcn.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace leasesim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModuleName = "leasesim-view.so";
constexpr const char* kEntryPoint = "leasesim_run_viewer";
using EntryPoint = int (*)(const viz::ViewerOptions*);

// ModuleCandidates lists where the module may be, in order: beside the executable, then
// the installed layout's libexec directory.
std::vector<fs::path> ModuleCandidates() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path dir = ec ? fs::current_path(ec) : exe.parent_path();
  return {dir / kModuleName, (dir / ".." / "libexec" / "leasesim" / kModuleName).lexically_normal()};
}

}  // namespace

int RunViewerModule(const viz::ViewerOptions& options, std::ostream& err) {
  std::string tried;
  std::string load_error;
  for (const fs::path& p : ModuleCandidates()) {
    if (!tried.empty()) tried += ", ";
    tried += p.string();
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) continue;
    // Never unloaded: the GL driver's atexit handlers and LeakSanitizer's view of its
    // memory need the code to stay mapped (viz/viewer.cc PinGlDrivers).
    void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* e = dlerror();
      load_error = e != nullptr ? e : "unknown error";
      break;
    }
    auto entry = reinterpret_cast<EntryPoint>(dlsym(handle, kEntryPoint));
    if (entry == nullptr) {
      load_error = p.string() + " has no " + kEntryPoint;
      break;
    }
    return entry(&options);
  }
  if (!load_error.empty()) {
    err << "leasesim: view: cannot load the viewer: " << load_error << "\n";
  } else {
    err << "leasesim: view: the viewer module " << kModuleName << " is not installed (looked for " << tried
        << "); build with -DLEASESIM_BUILD_VIZ=ON, or open the trace with leasesim-viz\n";
  }
  return viz::kViewerBadInput;
}

}  // namespace leasesim::cli
