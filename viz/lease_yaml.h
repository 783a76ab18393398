// lease_yaml.h — a Lease (or any Kubernetes object) as `kubectl get lease -o yaml` prints it.
//
// kubectl converts the object's JSON to YAML with sigs.k8s.io/yaml (go-yaml v2 underneath):
// map keys sorted, two-space indentation, sequence items ("- ") at their parent key's
// indentation, and strings double-quoted whenever plain YAML would read them as something
// else (numbers, booleans, null, timestamps) or could not hold them (empty, leading or
// trailing spaces, indicators, ": " or " #").
//
//   viz::ToKubectlYaml(nlohmann::json::parse(R"({"spec":{"holderIdentity":"a"},"kind":"Lease"})"))
//     == "kind: Lease\nspec:\n  holderIdentity: a\n"
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace leasesim::viz {

// ToKubectlYaml renders a JSON object as kubectl's YAML (a trailing newline; "{}\n" for
// an empty object). Scalars at the top level print as one YAML scalar line.
std::string ToKubectlYaml(const nlohmann::json& object);

// YamlScalar renders one string as a YAML scalar: plain when go-yaml would, else
// double-quoted with JSON-style escapes.
std::string YamlScalar(std::string_view s);

}  // namespace leasesim::viz
