// output_target.h — how an output path given by the user is written.
//
// Every output leasesim writes (a trace, a report, a JUnit file, a Perfetto file, a starter
// scenario) goes to `path.tmp` and is renamed over `path` when complete, so that a reader
// never sees half a file and an interrupted run leaves the old file alone. That is right
// for a regular file, and wrong for a device, a FIFO or a socket: renaming over
// /dev/null replaces the device with a regular file (run as root, `--trace /dev/null`
// would break the machine), and renaming over a FIFO or /dev/stdout (a shell's
// `--trace >(gzip > t.gz)`) sends nothing to its reader. Those are written in place.
//
//   switch (sim::ClassifyOutput(path)) { case OutputTarget::kInPlace: ...; }
#pragma once

#include <cstdio>
#include <string>

namespace leasesim::sim {

enum class OutputTarget {
  kReplace,    // a regular file, or no file yet: written to path.tmp, then renamed over path
  kInPlace,    // a character or block device, a FIFO or a socket: opened and written as is
  kDirectory,  // a directory: not writable as a file
};

// ClassifyOutput says how `path` is written. Anything under /dev/ or /proc/ is kInPlace
// (/dev/stdout redirected to a file is a regular file, but no path.tmp may be made in
// /dev); otherwise it stats `path`, following symbolic links. A path that cannot be
// stat'ed (missing, or in a missing directory) is kReplace: creating path.tmp then
// reports the real problem.
OutputTarget ClassifyOutput(const std::string& path);

// OpenInPlace opens a kInPlace target for writing: /dev/stdout and /dev/stderr as a
// duplicate of the process's own descriptor (so a `>> file` redirection keeps appending,
// where opening the path anew would truncate the file), anything else with fopen "wb".
// nullptr with errno set on failure.
std::FILE* OpenInPlace(const std::string& path);

}  // namespace leasesim::sim
