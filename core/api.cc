// api.cc — verb and reason names, and Kubernetes' error message texts.
//
// The texts are apimachinery pkg/api/errors (errors.go) as the API server writes them:
// NewNotFound, NewAlreadyExists, NewConflict, NewInvalid; and, for the status codes a
// server (or a proxy in front of it) answers without a specific Status body, the texts
// client-go builds in NewGenericServerResponse (429, 500, 503, 504).
#include "core/api.h"

#include <string>

namespace leasesim::core {
namespace {

// AppendGoQuoted appends s as Go's %q does for the printable ASCII of object names:
// wrapped in double quotes with `"` and `\` escaped.
void AppendGoQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// QualifiedResource is schema.GroupResource.String(): "leases.coordination.k8s.io".
std::string QualifiedResourceAndName(Resource r, std::string_view name) {
  std::string out(GroupResource(r));
  out += ' ';
  AppendGoQuoted(out, name);
  return out;
}

// QualifiedKind is schema.GroupKind.String(): "Lease.coordination.k8s.io", or just the
// kind for the core group ("ConfigMap").
std::string QualifiedKind(Resource r) {
  std::string out(KindName(r));
  const std::string_view gr = GroupResource(r);
  if (const auto dot = gr.find('.'); dot != std::string_view::npos) out += gr.substr(dot);
  return out;
}

}  // namespace

std::string_view VerbName(Verb v) {
  switch (v) {
    case Verb::kGet: return "get";
    case Verb::kCreate: return "create";
    case Verb::kUpdate: return "update";
    case Verb::kDelete: return "delete";
  }
  return "unknown";
}

std::string_view ReasonName(Reason r) {
  // metav1.StatusReason spellings for the server's reasons; the client-side ones are
  // named after the Go error they stand for.
  switch (r) {
    case Reason::kOK: return "OK";
    case Reason::kNotFound: return "NotFound";
    case Reason::kAlreadyExists: return "AlreadyExists";
    case Reason::kConflict: return "Conflict";
    case Reason::kInvalid: return "Invalid";
    case Reason::kTooManyRequests: return "TooManyRequests";
    case Reason::kInternalError: return "InternalError";
    case Reason::kServiceUnavailable: return "ServiceUnavailable";
    case Reason::kTimeout: return "Timeout";
    case Reason::kClientTimeout: return "ClientTimeout";
    case Reason::kContextCanceled: return "ContextCanceled";
    case Reason::kContextDeadlineExceeded: return "ContextDeadlineExceeded";
    case Reason::kNotInitialized: return "NotInitialized";
    case Reason::kEmptyResourceName: return "EmptyResourceName";
  }
  return "Unknown";
}

// NewNotFound: `%s %q not found`.
Status Status::NotFound(Resource r, std::string_view name) {
  return {Reason::kNotFound, 404, QualifiedResourceAndName(r, name) + " not found"};
}

// NewAlreadyExists: `%s %q already exists`.
Status Status::AlreadyExists(Resource r, std::string_view name) {
  return {Reason::kAlreadyExists, 409, QualifiedResourceAndName(r, name) + " already exists"};
}

// NewConflict: `Operation cannot be fulfilled on %s %q: %v`; the registry passes
// storage's OptimisticLockErrorMsg as the cause.
Status Status::Conflict(Resource r, std::string_view name, std::string_view why) {
  std::string msg = "Operation cannot be fulfilled on " + QualifiedResourceAndName(r, name) + ": ";
  msg += why;
  return {Reason::kConflict, 409, std::move(msg)};
}

// NewInvalid: `%s %q is invalid: %v` over the qualified kind; `field_errors` is the
// aggregated field.ErrorList text (one error as is, several as "[a, b]"). With no field
// errors the message stops after "is invalid".
Status Status::Invalid(Resource r, std::string_view name, std::string_view field_errors) {
  std::string msg = QualifiedKind(r) + ' ';
  AppendGoQuoted(msg, name);
  msg += " is invalid";
  if (!field_errors.empty()) {
    msg += ": ";
    msg += field_errors;
  }
  return {Reason::kInvalid, 422, std::move(msg)};
}

// NewGenericServerResponse, http.StatusTooManyRequests.
Status Status::TooManyRequests() {
  return {Reason::kTooManyRequests, 429,
          "the server has received too many requests and has asked us to try again later"};
}

// A 500 carries the server's own text: NewInternalError's, or (the default) what
// client-go's generic response says when the body holds no Status.
Status Status::InternalError(std::string_view why) {
  return {Reason::kInternalError, 500, std::string(why)};
}

// NewGenericServerResponse, http.StatusServiceUnavailable.
Status Status::ServiceUnavailable() {
  return {Reason::kServiceUnavailable, 503, "the server is currently unable to handle the request"};
}

// NewGenericServerResponse, http.StatusGatewayTimeout.
Status Status::ServerTimeout() {
  return {Reason::kTimeout, 504,
          "the server was unable to return a response in the time allotted, but may still be "
          "processing the request"};
}

// net/http's error when http.Client.Timeout expires before the response headers arrive.
Status Status::ClientTimeout() {
  return {Reason::kClientTimeout, 0,
          "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"};
}

}  // namespace leasesim::core
