// input_file.cc — stat before open, UTF-8 only, every JSON exception as one line (see
// input_file.h).
#include "sim/input_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace leasesim::sim {

using nlohmann::json;

namespace {

// Utf8SequenceLength is the length of the valid UTF-8 sequence at s[i], or 0 when the
// bytes there are not valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(k) < 0x80 || b(k) > 0xBF) return 0;
  }
  return n;
}

std::string Escape(std::string_view s, size_t max_bytes, bool quote) {
  std::string out;
  const size_t shown = std::min(s.size(), max_bytes);
  size_t i = 0;
  while (i < shown) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n > 0 && i + n <= shown) {
        out.append(s.substr(i, n));
        i += n;
      } else {
        out += fmt::format("\\x{:02x}", c);
        ++i;
      }
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
    else if (quote && (c == '"' || c == '\\')) {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  if (shown < s.size()) out += fmt::format("... ({} bytes)", s.size());
  return out;
}

// LineColumn turns a byte offset into nlohmann's "line L, column C" (1-based line, column
// = bytes since the last newline).
std::string LineColumn(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  size_t line = 1, col = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 0;
    } else {
      ++col;
    }
  }
  return fmt::format("line {}, column {}", line, col);
}

// kMaxDepth bounds nesting: nlohmann's copy, dump and comparison recurse per level, so a
// file of 100000 '[' would overflow the stack in code after the parser.
constexpr size_t kMaxDepth = 128;

// DomParser is nlohmann's DOM builder with its errors caught as values (the position, the
// offending token and the exception's id), a nesting limit, and optionally one top-level
// array streamed out of the DOM (StreamedArray).
class DomParser : public nlohmann::detail::json_sax_dom_callback_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_callback_parser<json>;

 public:
  DomParser(json& root, StreamedArray* stream)
      : Base(root, [this](int depth, json::parse_event_t event, json& parsed) { return Keep(depth, event, parsed); },
             /*allow_exceptions_=*/false),
        stream_(stream) {}

  bool start_object(std::size_t n) { return Deeper() && Base::start_object(n); }
  bool start_array(std::size_t n) { return Deeper() && Base::start_array(n); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
    failed = true;
    this->position = position;
    this->token = token;
    id = ex.id;
    what = ex.what();
    return false;
  }

  bool failed = false;
  bool too_deep = false;
  std::size_t position = 0;
  std::string token;
  int id = 0;
  std::string what;

 private:
  bool Deeper() {
    if (++depth_ > kMaxDepth) {
      too_deep = true;
      return false;
    }
    return true;
  }
  // Keep is nlohmann's parser callback: false drops `parsed` from the DOM. Depth 1 is a
  // member of the root object; depth 2 an element of a top-level array.
  bool Keep(int depth, json::parse_event_t event, json& parsed) {
    if (!stream_) return true;
    using E = json::parse_event_t;
    if (depth == 1 && event == E::key) {
      top_key_is_stream_ = parsed.is_string() && parsed.get_ref<const std::string&>() == stream_->key;
      return true;
    }
    if (depth == 1 && event == E::array_start && top_key_is_stream_) {
      in_stream_ = true;
      stream_->bytes.clear();
      stream_->ends.clear();
      return true;
    }
    if (depth == 1 && event == E::array_end) {
      in_stream_ = false;
      return true;
    }
    if (in_stream_ && depth == 2 && (event == E::object_end || event == E::array_end || event == E::value)) {
      json::to_msgpack(parsed, stream_->bytes);
      stream_->ends.push_back(stream_->bytes.size());
      return false;
    }
    return true;
  }
  std::size_t depth_ = 0;
  StreamedArray* stream_;
  bool top_key_is_stream_ = false;
  bool in_stream_ = false;
};

// ParseErrorDetail is nlohmann's parse_error text after "at line L, column C: " with the
// quoted token ("last read: '...'") escaped and capped.
std::string ParseErrorDetail(const std::string& what, const std::string& token) {
  std::string_view w = what;
  if (const auto at = w.find("at line "); at != std::string_view::npos) {
    if (const auto colon = w.find(": ", at); colon != std::string_view::npos) w.remove_prefix(colon + 2);
  } else if (const auto close = w.find("] "); close != std::string_view::npos) {
    w.remove_prefix(close + 2);
  }
  constexpr std::string_view kLastRead = "; last read: '";
  if (const auto lr = w.find(kLastRead); lr != std::string_view::npos) {
    // nlohmann's token text is the raw bytes read (control characters as <U+XXXX>):
    // quote our own escaping of the token instead.
    return fmt::format("{}; last read: {}", Escape(w.substr(0, lr), 400, false), QuoteInput(token));
  }
  return Escape(w, 400, false);
}

}  // namespace

std::string EscapeInput(std::string_view s, size_t max_bytes) { return Escape(s, max_bytes, false); }

std::string QuoteInput(std::string_view s, size_t max_bytes) {
  return fmt::format("\"{}\"", Escape(s, max_bytes, true));
}

namespace {
// StatInputFile: the stat of a regular file at `path`, or nullopt and the one-line error.
std::optional<struct stat> StatInputFile(const std::filesystem::path& path, std::string* err) {
  auto fail = [&](std::string_view problem) -> std::optional<struct stat> {
    if (err) *err = fmt::format("{}: {}", EscapeInput(path.string(), 4096), problem);
    return std::nullopt;
  };
  // stat, not open: opening a FIFO for reading blocks until a writer appears.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    return fail(e == ENOENT ? "cannot read file: no such file" : fmt::format("cannot read file: {}", std::strerror(e)));
  }
  if (S_ISDIR(st.st_mode)) return fail("is a directory");
  if (!S_ISREG(st.st_mode)) return fail("is not a regular file");
  return st;
}
}  // namespace

bool CheckInputFile(const std::filesystem::path& path, std::string* err) {
  return StatInputFile(path, err).has_value();
}

bool ReadInputFile(const std::filesystem::path& path, std::string* text, std::string* err) {
  const std::string name = path.string();
  auto fail = [&](std::string_view problem) {
    if (err) *err = fmt::format("{}: {}", EscapeInput(name, 4096), problem);
    return false;
  };
  const std::optional<struct stat> checked = StatInputFile(path, err);
  if (!checked) return false;
  const struct stat& st = *checked;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read file: {}", std::strerror(errno)));
  text->clear();
  if (st.st_size > 0) text->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) text->append(buf, static_cast<size_t>(in.gcount()));
  if (in.bad()) return fail("cannot read file: read error");
  return true;
}

bool LooksUtf16(std::string_view text) {
  if (text.size() >= 2) {
    const auto b0 = static_cast<unsigned char>(text[0]), b1 = static_cast<unsigned char>(text[1]);
    if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) return true;
    // "{" in UTF-16LE is 7B 00, in UTF-16BE 00 7B: ASCII with a NUL beside every byte.
    if ((b0 != 0 && b1 == 0) || (b0 == 0 && b1 != 0)) {
      const size_t n = std::min<size_t>(text.size() & ~size_t{1}, 64);
      const size_t zero_at = b1 == 0 ? 1 : 0;
      for (size_t i = 0; i < n; i += 2) {
        if (text[i + zero_at] != 0) return false;
      }
      return true;
    }
  }
  return false;
}

json StreamedArray::At(size_t i) const {
  const size_t begin = i == 0 ? 0 : ends[i - 1];
  return json::from_msgpack(bytes.begin() + static_cast<std::ptrdiff_t>(begin),
                            bytes.begin() + static_cast<std::ptrdiff_t>(ends[i]));
}

bool ParseInputJson(std::string_view text, std::string_view file, json* root, std::string* err,
                    StreamedArray* stream) {
  const std::string shown_file = EscapeInput(file, 4096);
  if (LooksUtf16(text)) {
    if (err) *err = fmt::format("{}: file is UTF-16; leasesim reads UTF-8", shown_file);
    return false;
  }
  json result;
  if (stream) {
    stream->bytes.clear();
    stream->ends.clear();
  }
  DomParser parser(result, stream);
  bool ok = false;
  try {
    // Comments are allowed so input files can be annotated.
    ok = json::sax_parse(text.begin(), text.end(), &parser, json::input_format_t::json, /*strict=*/true,
                         /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // not expected with allow_exceptions off; still bad input
    if (err) *err = fmt::format("{}: invalid JSON: {}", shown_file, EscapeInput(e.what(), 400));
    return false;
  }
  if (parser.too_deep) {
    if (err) *err = fmt::format("{}: invalid JSON: nested deeper than {} levels", shown_file, kMaxDepth);
    return false;
  }
  if (!ok || parser.failed || parser.is_errored()) {
    if (!err) return false;
    std::string where = LineColumn(text, parser.position);
    // nlohmann's own "line L, column C" where it gives one (parse errors), so that positions
    // read the same as before.
    if (const auto at = parser.what.find("at line "); at != std::string::npos) {
      if (const auto colon = parser.what.find(": ", at); colon != std::string::npos) {
        where = parser.what.substr(at + 3, colon - at - 3);
      }
    }
    if (parser.id == 406) {  // out_of_range: a number that does not fit a double (7e880)
      *err = fmt::format("{}: {}: invalid JSON: number {} is out of range (it does not fit a double)", shown_file,
                         where, QuoteInput(parser.token));
    } else if (!parser.what.empty()) {
      *err = fmt::format("{}: {}: invalid JSON: {}", shown_file, where, ParseErrorDetail(parser.what, parser.token));
    } else {
      *err = fmt::format("{}: {}: invalid JSON", shown_file, where);
    }
    return false;
  }
  *root = std::move(result);
  return true;
}

}  // namespace leasesim::sim
