// junit.h — JUnit XML for CI test reporting (GitHub Actions, GitLab, Jenkins).
//
// The de-facto JUnit format (Ant's junitreport, as Jenkins' junit-10.xsd and GitLab's
// unit-test reports read it): `<testsuites>` holding one `<testsuite>`, one `<testcase>`
// per test with `classname`, `name` and `time` (seconds), and at most one `<failure>`
// (the test ran and a check failed) or `<error>` (it could not run) with a one-line
// `message` attribute, a `type` and the details as element text.
//
//   sim::JunitSuite suite{.name = "leasesim"};
//   suite.cases.push_back({.classname = "scenarios/incidents", .name = "kubernetes-47671", .time_s = 0.4});
//   std::string xml = sim::JunitXml(suite);
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leasesim::sim {

// JunitCase is one `<testcase>`. `kind` kPass writes no child; kFailure writes
// `<failure message type>text</failure>`, kError the same as `<error>`.
struct JunitCase {
  enum class Kind { kPass, kFailure, kError };
  std::string classname;
  std::string name;
  double time_s = 0;
  Kind kind = Kind::kPass;
  std::string message;  // one line (newlines are kept, escaped as &#10;)
  std::string type;
  std::string text;
};

// JunitSuite is the one `<testsuite name=...>`; its tests/failures/errors/time attributes
// are computed from the cases.
struct JunitSuite {
  std::string name;
  std::vector<JunitCase> cases;
};

// XmlEscape escapes `s` for XML 1.0 text and attribute values: & < > " ' as entities, tab,
// newline and carriage return as character references, and the control characters
// XML 1.0 forbids as the text "\xNN" (they cannot be represented at all).
std::string XmlEscape(std::string_view s);

// JunitXml is the complete document, UTF-8, with an XML declaration. Times are written
// with millisecond precision.
std::string JunitXml(const JunitSuite& suite);

}  // namespace leasesim::sim
