// document_input.cc — YAML (yaml-cpp) or JSON input files as nlohmann::json.
#include "sim/document_input.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "sim/input_file.h"
#include "sim/json_input.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

// YamlError carries a position (0-based, as yaml-cpp's Mark) out of the recursion.
struct YamlError {
  YAML::Mark mark;
  std::string problem;
};

// Double is the number `s` spells, as the JSON parser reads one: a value beyond a double's
// range (1e400, a 400-digit integer) is bad input, like nlohmann's "number overflow",
// thrown at `mark`; one too small (1e-400) becomes 0 or a subnormal, as there.
double Double(const std::string& s, const YAML::Mark& mark) {
  const double d = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(d)) throw YamlError{mark, fmt::format("number overflow: {} is beyond a double's range", QuoteInput(s))};
  return d;
}

// PlainScalar resolves an untagged plain scalar by the YAML 1.2 core schema
// (yaml.org/spec/1.2.2, 10.3.2): null, booleans, integers (decimal, 0o, 0x), floats;
// anything else ("15s", "yes", "kube-system") stays a string. As in every YAML 1.2
// parser, an unquoted 1.37 is a number: versions are written quoted, clientGo: "1.37".
// `mark` places a number overflow.
json PlainScalar(const std::string& s, const YAML::Mark& mark) {
  static const std::regex kInt(R"([-+]?[0-9]+)");
  static const std::regex kOct(R"(0o[0-7]+)");
  static const std::regex kHex(R"(0x[0-9a-fA-F]+)");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  auto integer = [&](std::string_view digits, int base, bool negative) -> json {
    uint64_t u = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
      // Beyond 64 bits: a decimal becomes a double, as in JSON; 0o/0x have no such form.
      if (base != 10) throw YamlError{mark, fmt::format("number overflow: {} is beyond 64 bits", QuoteInput(s))};
      return Double(s, mark);
    }
    if (!negative) return json(u);  // unsigned, as nlohmann's JSON parser stores 7
    if (u <= static_cast<uint64_t>(INT64_MAX) + 1) return json(static_cast<int64_t>(0 - u));
    return Double(s, mark);
  };
  if (std::regex_match(s, kInt)) {
    const bool negative = s[0] == '-';
    const size_t skip = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    return integer(std::string_view(s).substr(skip), 10, negative);
  }
  if (std::regex_match(s, kOct)) return integer(std::string_view(s).substr(2), 8, false);
  if (std::regex_match(s, kHex)) return integer(std::string_view(s).substr(2), 16, false);
  if (std::regex_match(s, kFloat)) return Double(s, mark);
  return s;  // .inf and .nan have no JSON form: they stay strings and fail type checks
}

json Scalar(const YAML::Node& n) {
  const std::string& tag = n.Tag();
  const std::string& s = n.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;  // quoted or !!str
  if (tag == "?") return PlainScalar(s, n.Mark());
  if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
      tag == "tag:yaml.org,2002:null") {
    json v = PlainScalar(s, n.Mark());
    const bool ok = (tag.ends_with("int") && v.is_number_integer()) || (tag.ends_with("float") && v.is_number()) ||
                    (tag.ends_with("bool") && v.is_boolean()) || (tag.ends_with("null") && v.is_null());
    if (!ok) throw YamlError{n.Mark(), fmt::format("\"{}\" is not a valid {}", s, tag.substr(tag.rfind(':') + 1))};
    return v;
  }
  throw YamlError{n.Mark(), fmt::format("unsupported tag \"{}\"", tag)};
}

json Convert(const YAML::Node& n, const std::string& path, std::map<std::string, int>& lines) {
  if (!lines.count(path)) lines[path] = n.Mark().line + 1;
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return Scalar(n);
    case YAML::NodeType::Sequence: {
      json a = json::array();
      size_t i = 0;
      for (const YAML::Node& item : n) a.push_back(Convert(item, json_input::Idx(path, i++), lines));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) throw YamlError{kv.first.Mark(), "a mapping key must be a scalar"};
        const std::string key = kv.first.Scalar();
        if (o.contains(key)) throw YamlError{kv.first.Mark(), fmt::format("duplicate key \"{}\"", key)};
        const std::string child = json_input::Key(path, key);
        lines[child] = kv.first.Mark().line + 1;
        o[key] = Convert(kv.second, child, lines);
      }
      return o;
    }
  }
  return nullptr;
}

// DocumentCounter notes where each document of a YAML stream starts and where its
// top-level node is (the position errors give), building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;  // OnDocumentStart: a "---" line, or the node itself
  std::vector<YAML::Mark> nodes;   // each document's top-level node
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { Node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

 private:
  void Node(const YAML::Mark& mark) {
    if (nodes.size() < starts.size()) nodes.push_back(mark);
  }
};

// Parent strips the last step of a JSON path: "$.a.b" -> "$.a", "$.a[2]" -> "$.a",
// "$[\"x y\"]" -> "$"; "$" has none.
std::optional<std::string> Parent(const std::string& path) {
  if (path == "$" || path.empty()) return std::nullopt;
  size_t cut = std::string::npos;
  if (path.back() == ']') {
    cut = path.rfind('[');
  } else {
    cut = path.rfind('.');
  }
  if (cut == std::string::npos || cut == 0) return std::string("$");
  return path.substr(0, cut);
}

}  // namespace

bool IsYamlPath(std::string_view file) {
  std::string ext = std::filesystem::path(file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".yaml" || ext == ".yml";
}

std::string Document::Where(std::string_view file, const std::string& path) const {
  if (lines.empty()) return std::string(file);
  std::optional<std::string> p = path;
  while (p) {
    if (const auto it = lines.find(*p); it != lines.end()) return fmt::format("{}: line {}", file, it->second);
    p = Parent(*p);
  }
  return std::string(file);
}

std::optional<Document> ParseYaml(std::string_view text, std::string_view file, std::string* err) {
  // (yaml-cpp's messages may carry the offending byte itself, "unknown escape character:
  // \r": escaped, so that the message stays one line.)
  auto fail = [&](const YAML::Mark& m, const std::string& problem) -> std::optional<Document> {
    if (err) {
      *err = fmt::format("{}: line {}, column {}: invalid YAML: {}", file, m.line + 1, m.column + 1,
                         EscapeInput(problem, /*max_bytes=*/4096));
    }
    return std::nullopt;
  };
  // The first document, built; then the documents counted without building them, two at
  // most: yaml-cpp 0.7's LoadAll never ends on a top-level node followed by a comma
  // ("{},", "[1], 2"), for which its parser reports empty documents for ever.
  YAML::Node root;
  DocumentCounter counter;
  try {
    root = YAML::Load(std::string(text));
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
    }
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own depth guard (its message is a bare "bad file").
    return fail(e.mark, fmt::format("nested deeper than {} levels", e.depth()));
  } catch (const YAML::Exception& e) {
    return fail(e.mark, e.msg);
  }
  Document d;
  if (counter.starts.empty()) {
    d.root = nullptr;
    d.lines["$"] = 1;
    return d;
  }
  if (counter.starts.size() > 1) {
    const YAML::Mark& start = counter.starts[1];
    const bool marker =
        static_cast<size_t>(start.pos) < text.size() && text.substr(static_cast<size_t>(start.pos)).starts_with("---");
    const YAML::Mark& at = counter.nodes.size() > 1 ? counter.nodes[1] : start;
    return fail(at, marker ? "more than one document (---): write one scenario per file"
                           : "text after the document's top-level node (one node per file: a mapping for a scenario)");
  }
  try {
    d.root = Convert(root, "$", d.lines);
  } catch (const YamlError& e) {
    return fail(e.mark, e.problem);
  } catch (const YAML::Exception& e) {
    return fail(e.mark, e.msg);
  }
  return d;
}

std::optional<Document> ReadDocumentFile(const std::filesystem::path& path, std::string* err) {
  // ReadInputFile refuses a directory, a FIFO or a device (it never opens one to wait on).
  std::string text;
  std::string read_err;
  if (!ReadInputFile(path, &text, &read_err)) {
    if (err) *err = std::move(read_err);
    return std::nullopt;
  }
  if (IsYamlPath(path.string())) return ParseYaml(text, path.string(), err);
  Document d;
  try {
    d.root = json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {  // a syntax error, or out_of_range 406 for 1e400
    if (err) *err = fmt::format("{}: invalid JSON: {}", path.string(), e.what());
    return std::nullopt;
  }
  return d;
}

}  // namespace leasesim::sim
