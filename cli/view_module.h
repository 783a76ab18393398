// view_module.h — `leasesim view` runs the viewer from a module loaded on demand.
//
// The viewer (GLFW, OpenGL, X11) lives in leasesim-view.so (viz/view_module.cc), which
// `leasesim` loads with dlopen only for `view`: every other command starts without those
// libraries. The module is looked for next to the running executable (the build tree) and
// then in ../libexec/leasesim/ relative to it (an installed tree: bin/leasesim,
// libexec/leasesim/leasesim-view.so).
#pragma once

#include <iosfwd>

#include "viz/viewer.h"

namespace leasesim::cli {

// RunViewerModule loads the module and runs the viewer with `options`; returns its exit
// code (viz/viewer.h). When the module cannot be found or loaded it writes one line to
// `err` naming the paths tried and the loader's error, and returns 2 (bad usage: a build
// or installation without the viewer).
int RunViewerModule(const viz::ViewerOptions& options, std::ostream& err);

}  // namespace leasesim::cli
