// junit.cc — JUnit XML writer.
#include "harness/check/junit.h"

#include <fmt/format.h>

namespace leasesim::sim {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

namespace {

// TextEscape is XmlEscape that keeps newlines and tabs literal (element text).
std::string TextEscape(std::string_view s) {
  std::string out;
  size_t from = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\n' || s[i] == '\t') {
      out += XmlEscape(s.substr(from, i - from));
      if (i < s.size()) out.push_back(s[i]);
      from = i + 1;
    }
  }
  return out;
}

}  // namespace

std::string JunitXml(const JunitSuite& suite) {
  int failures = 0, errors = 0;
  double total_s = 0;
  for (const JunitCase& c : suite.cases) {
    failures += c.kind == JunitCase::Kind::kFailure;
    errors += c.kind == JunitCase::Kind::kError;
    total_s += c.time_s;
  }
  const std::string name = XmlEscape(suite.name);
  const std::string counts = fmt::format(R"(tests="{}" failures="{}" errors="{}" time="{:.3f}")", suite.cases.size(),
                                         failures, errors, total_s);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{}\" {}>\n", name, counts);
  xml += fmt::format("  <testsuite name=\"{}\" {} skipped=\"0\">\n", name, counts);
  for (const JunitCase& c : suite.cases) {
    xml += fmt::format(R"(    <testcase classname="{}" name="{}" time="{:.3f}")", XmlEscape(c.classname),
                       XmlEscape(c.name), c.time_s);
    if (c.kind == JunitCase::Kind::kPass) {
      xml += "/>\n";
      continue;
    }
    const char* tag = c.kind == JunitCase::Kind::kFailure ? "failure" : "error";
    xml += fmt::format(">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", tag, XmlEscape(c.message),
                       XmlEscape(c.type), TextEscape(c.text), tag);
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace leasesim::sim
