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

}  // namespace leasesim::sim
