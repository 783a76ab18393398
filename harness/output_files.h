// output_files.h — writing result files complete or not at all.
#pragma once

#include <iosfwd>
#include <map>
#include <string>

namespace leasesim::sim {

// WriteFileAtomically writes `content` to `path` through `path.tmp` and a rename; false
// with *err naming the file on failure (nothing is left behind).
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err);

// WriteDir creates `dir` (and parents) and writes each (file name -> content) into it with
// WriteFileAtomically; false after printing a one-line error naming the path to `err`.
bool WriteDir(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err);

// WriteDirAtomically replaces `dir` with a directory holding exactly `files` (relative
// names, subdirectories allowed): everything is written into a sibling `dir.partial`
// first, then renamed into place, so a reader never sees a half-written directory.
// false after printing a one-line error naming the path to `err` (nothing is left behind).
bool WriteDirAtomically(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err);

}  // namespace leasesim::sim
