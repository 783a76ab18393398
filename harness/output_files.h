// output_files.h — writing result files complete or not at all.
//
// Files go through `<path>.tmp` and a rename; directories (a sweep's output) through a
// staging directory `<dir>.partial` renamed into place when complete. Destinations are
// checked before any work starts (PrepareOutputFile, PrepareStagingDir), so that a run
// never does all its work and then fails to save it.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>

namespace leasesim::sim {

// WriteFileAtomically writes `content` to `path` through `path.tmp` and a rename; false
// with *err naming the file on failure (nothing is left behind). A device, FIFO or socket
// (/dev/null, /dev/stdout) is written in place, never renamed over (sim/output_target.h).
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err);

// PrepareOutputFile checks, before a run, that `path` can be written the way
// WriteFileAtomically and the trace writer do: it removes a stale `path.tmp` left by an
// interrupted earlier run, then creates and removes `path.tmp` once. False with *err
// ("<path>: cannot write: No such file or directory", "<path>: is a directory") otherwise;
// nothing is left behind either way. An empty path (no output asked for) is fine.
bool PrepareOutputFile(const std::string& path, std::string* err);

// WriteDir creates `dir` (and parents) and writes each (file name -> content) into it with
// WriteFileAtomically; false after printing a one-line error naming the path to `err`.
bool WriteDir(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err);

// StagingDir is where a directory output is assembled before it replaces `dir`:
// `<dir>.partial` (trailing slashes of `dir` ignored).
std::string StagingDir(const std::string& dir);

// PrepareStagingDir checks that `dir` may be replaced — it does not exist, is empty, or
// holds `marker` (a file only this kind of output writes, e.g. "manifest.json"), so that a
// mistyped --out never deletes someone's files — and creates StagingDir(dir) (and the
// parents). With keep = false a stale staging directory is emptied first; with keep =
// true its files are kept (to resume an interrupted run). False with *err otherwise.
bool PrepareStagingDir(const std::string& dir, std::string_view marker, bool keep, std::string* err);

// CommitStagingDir replaces `dir` by StagingDir(dir): an old `dir` is moved aside and
// removed, so the result never mixes files of two runs. False with *err on an I/O error.
bool CommitStagingDir(const std::string& dir, std::string* err);

// WriteDirAtomically replaces `dir` with a directory holding exactly `files` (relative
// names, subdirectories allowed): everything is written into a sibling `dir.partial`
// first (PrepareStagingDir with marker "manifest.json"), then renamed into place
// (CommitStagingDir), so a reader never sees a half-written directory.
// false after printing a one-line error naming the path to `err` (nothing is left behind).
bool WriteDirAtomically(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err);

}  // namespace leasesim::sim
