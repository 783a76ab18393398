// view_module.cc — the viewer as a loadable module for `leasesim view`.
//
// `leasesim` loads this module (leasesim-view.so) with dlopen only when `view` runs, so
// that every other command starts without mapping GLFW, OpenGL and X11: those libraries
// cost several milliseconds of start-up per process (measured in docs/performance.md),
// which a simulation of a few tens of milliseconds, or a sweep of thousands of processes,
// should not pay. The module holds the whole viewer (leasesim_viz_app); its one entry
// point is a C symbol so that dlsym finds it without a mangled name.
//
//   extern "C" int leasesim_run_viewer(const leasesim::viz::ViewerOptions* options);
//
// It returns RunViewer's exit code (viz/viewer.h). Module and caller are built together by
// the same compiler, so passing the C++ options struct across is safe.
#include "viz/viewer.h"

extern "C" __attribute__((visibility("default"))) int leasesim_run_viewer(
    const leasesim::viz::ViewerOptions* options) {
  return leasesim::viz::RunViewer(*options);
}
