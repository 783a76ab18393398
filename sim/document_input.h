// document_input.h — scenario, sweep and chaos files in YAML as well as JSON.
//
// Kubernetes users write YAML. A file whose name ends in ".yaml" or ".yml" is read with
// yaml-cpp and converted to the same nlohmann::json value the JSON file would give, so
// every loader and every error ("<file>: $.path: problem") stays as it is. Scalars keep
// their YAML 1.2 core-schema types: "15s" and 15s are strings, 3 and 0.25 numbers,
// true/false booleans, null/~ null; a quoted scalar is always a string. For YAML the
// error also gives the line: "<file>: line 7: $.candidates[0].leaseDuration: ...".
//
//   sim::Document d;
//   if (!sim::ParseDocument(text, "x.yaml", &d, &err)) ...      // err: "x.yaml: line 3, column 5: invalid YAML: ..."
//   try { Parse(d.root); } catch (const BadInput& b) { err = d.Where("x.yaml", b.path) + ... }
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace leasesim::sim {

// IsYamlPath is true for names ending in ".yaml" or ".yml" (any case).
bool IsYamlPath(std::string_view file);

// Document is a parsed input file: its value and, for YAML, the 1-based line of each
// JSON path ("$", "$.candidates[0].leaseDuration"; a mapping entry's line is its key's).
struct Document {
  nlohmann::json root;
  std::map<std::string, int> lines;
  // Where is "<file>" for JSON, "<file>: line L" for YAML, L being the line of `path` or
  // of its nearest ancestor that has one.
  std::string Where(std::string_view file, const std::string& path) const;
};

// ParseYaml converts one YAML document to JSON. Returns nullopt with *err =
// "<file>: line L, column C: invalid YAML: <problem>" on a syntax error, a duplicate
// mapping key, a non-string mapping key or more than one document.
std::optional<Document> ParseYaml(std::string_view text, std::string_view file, std::string* err);

// ReadDocumentFile reads `path` (sim/input_file.h ReadInputFile: a regular file only, so a
// directory or a FIFO is an error, never a wait) and parses it by its extension: YAML
// (ParseYaml) or JSON with comments. nullopt with *err = "<path>: <problem>" (cannot read,
// not a regular file, invalid syntax, a number beyond a double's range).
std::optional<Document> ReadDocumentFile(const std::filesystem::path& path, std::string* err);

}  // namespace leasesim::sim
