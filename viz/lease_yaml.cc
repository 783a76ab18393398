// lease_yaml.cc — JSON → kubectl-style YAML (see lease_yaml.h).
#include "viz/lease_yaml.h"

#include <cctype>
#include <regex>

namespace leasesim::viz {
namespace {

using json = nlohmann::json;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// LooksNumeric is true for what YAML 1.1 resolves as an int or a float (decimal, hex,
// octal, ".inf", ".nan"), so go-yaml quotes such strings ("12" for a resourceVersion).
bool LooksNumeric(std::string_view s) {
  static const std::regex kNumber(
      R"([-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*|([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF)|\.(nan|NaN|NAN)))");
  return std::regex_match(s.begin(), s.end(), kNumber);
}

// LooksTimestamp is true for YAML timestamps (YYYY-MM-DD…), which go-yaml quotes.
bool LooksTimestamp(std::string_view s) {
  return s.size() >= 10 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-' && s[7] == '-';
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (std::string_view w : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}) {
    if (IEquals(s, w)) return true;
  }
  if (LooksNumeric(s) || LooksTimestamp(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return true;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return true;
  if (s.back() == ':') return true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void Emit(const json& v, int indent, std::string& out);

void EmitScalar(const json& v, std::string& out) {
  if (v.is_string()) out += YamlScalar(v.get_ref<const std::string&>());
  else if (v.is_null()) out += "null";
  else out += v.dump();
}

bool IsEmptyContainer(const json& v) {
  return (v.is_object() || v.is_array()) && v.empty();
}

void EmitValueAfterKey(const json& v, int indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    out += '\n';
    Emit(v, indent + 2, out);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    Emit(v, indent, out);  // go-yaml: sequence items at the key's indentation
  } else {
    out += ' ';
    if (IsEmptyContainer(v)) out += v.is_object() ? "{}" : "[]";
    else EmitScalar(v, out);
    out += '\n';
  }
}

void Emit(const json& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {  // nlohmann::json keeps keys sorted
      out += pad;
      out += YamlScalar(it.key());
      out += ':';
      EmitValueAfterKey(it.value(), indent, out);
    }
  } else if (v.is_array()) {
    for (const json& item : v) {
      out += pad;
      out += "-";
      if (item.is_object() && !item.empty()) {
        // First key on the dash line, the rest indented under it.
        std::string inner;
        Emit(item, indent + 2, inner);
        out += ' ';
        out += inner.substr(static_cast<size_t>(indent) + 2);
      } else if (item.is_array() && !item.empty()) {
        out += '\n';
        Emit(item, indent + 2, out);
      } else {
        out += ' ';
        if (IsEmptyContainer(item)) out += item.is_object() ? "{}" : "[]";
        else EmitScalar(item, out);
        out += '\n';
      }
    }
  } else {
    out += pad;
    EmitScalar(v, out);
    out += '\n';
  }
}

}  // namespace

std::string YamlScalar(std::string_view s) {
  if (!NeedsQuotes(s)) return std::string(s);
  return json(std::string(s)).dump();
}

std::string ToKubectlYaml(const nlohmann::json& object) {
  std::string out;
  if (IsEmptyContainer(object)) return object.is_object() ? "{}\n" : "[]\n";
  Emit(object, 0, out);
  return out;
}

}  // namespace leasesim::viz
