// input_file.h — reading the user's input files (scenarios, sweeps) safely.
//
// Every file leasesim reads from the user goes through here, so that odd input gets the
// same one-line error everywhere (issue 15, items 11, 15 and 18):
//   - a directory, FIFO, socket or device is refused before it is opened (a FIFO would
//     block forever): "<file>: is a directory" / "<file>: is not a regular file";
//   - UTF-16 text (a byte-order mark, or the NUL-byte pattern of ASCII in UTF-16) is named:
//     "<file>: file is UTF-16; leasesim reads UTF-8";
//   - every nlohmann::json exception (parse_error, and out_of_range 406 for a number like
//     `7e880` that overflows a double) is bad input, never an internal error;
//   - input quoted back in a message is escaped (control and non-UTF-8 bytes as \xNN, so
//     a message is always one line) and capped (kMaxQuotedBytes).
//
//   std::string text, err;
//   if (!sim::ReadInputFile("s.json", &text, &err)) { std::cerr << err << "\n"; return 2; }
//   nlohmann::json root;
//   if (!sim::ParseInputJson(text, "s.json", &root, &err)) { ... }   // "s.json: line 1, column 3: invalid JSON: ..."
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace leasesim::sim {

// kMaxQuotedBytes caps how much of the user's input one message quotes.
inline constexpr size_t kMaxQuotedBytes = 80;

// EscapeInput returns `s` safe to print on one line: printable ASCII and valid multi-byte
// UTF-8 as they are, `\n` `\r` `\t` as those escapes, any other control byte and every
// byte of invalid UTF-8 as \xNN. At most `max_bytes` of the input are shown, then
// "... (N bytes)" giving the full length.
std::string EscapeInput(std::string_view s, size_t max_bytes = kMaxQuotedBytes);

// QuoteInput is EscapeInput in double quotes, with `"` and `\` escaped: the form every
// message uses to quote a value from a file ("unknown node \"a\\nb\"").
std::string QuoteInput(std::string_view s, size_t max_bytes = kMaxQuotedBytes);

// ReadInputFile reads the whole regular file at `path` into `*text`. It stats first and
// never opens a directory, FIFO, socket or device. false and a one-line `*err`
// ("<path>: is a directory", "<path>: is not a regular file", "<path>: cannot read file:
// no such file" / "...: <strerror>") otherwise.
bool ReadInputFile(const std::filesystem::path& path, std::string* text, std::string* err);

// CheckInputFile is ReadInputFile's check alone, for a reader that streams the file (a
// trace): true for a regular file; false and the same one-line `*err` for a missing
// file, a directory, a FIFO, a socket or a device, which are never opened.
bool CheckInputFile(const std::filesystem::path& path, std::string* err);

// LooksUtf16 is true for text with a UTF-16 byte-order mark (FF FE or FE FF) or whose
// first bytes show ASCII encoded as UTF-16 (a NUL in every other byte).
bool LooksUtf16(std::string_view text);

// StreamedArray takes the elements of one top-level array (the scenario's "faults") out of
// the DOM while parsing: each element is appended to `bytes` as MessagePack, its end
// offset to `ends`, and the array in `*root` stays empty. A DOM node costs some ten times
// the JSON text it came from; 10^6 faults as a DOM took 1.2 GB (issue 15, item 16). If the
// key appears twice the last array wins, as in the DOM.
struct StreamedArray {
  std::string key;
  std::vector<uint8_t> bytes;
  std::vector<size_t> ends;
  size_t size() const { return ends.size(); }
  // At is element i as JSON.
  nlohmann::json At(size_t i) const;
};

// ParseInputJson parses `text` (comments allowed) into `*root`; with `stream`, the
// top-level array stream->key is streamed out (see StreamedArray). On any problem: false and
// one line in `*err`, prefixed with `file`:
//   "<file>: file is UTF-16; leasesim reads UTF-8"
//   "<file>: line L, column C: invalid JSON: <detail, quoted input escaped and capped>"
//   "<file>: invalid JSON: number overflow: <number> does not fit a double"
bool ParseInputJson(std::string_view text, std::string_view file, nlohmann::json* root, std::string* err,
                    StreamedArray* stream = nullptr);

}  // namespace leasesim::sim
