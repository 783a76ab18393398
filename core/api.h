// api.h — requests the elector sends to the API server and the responses it gets back.
//
// Outcomes of the (simulated) world are values, not exceptions: a Status with a small,
// closed set of reasons mirroring apimachinery's StatusReason and the client-side errors
// client-go sees (context canceled / deadline exceeded, HTTP client timeout).
//
//   core::ApiResponse r{.id = req.id, .status = core::Status::Conflict(core::Resource::kLeases, "bar")};
//   if (r.status.IsConflict()) { /* errors.IsConflict(err) */ }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/objects.h"
#include "core/time.h"

namespace leasesim::core {

enum class Verb : uint8_t { kGet, kCreate, kUpdate, kDelete };
// VerbName returns "get", "create", "update", "delete" (client-go's fake action verbs).
std::string_view VerbName(Verb v);

using RequestId = uint64_t;

// ApiRequest is one REST call. `body` is the object sent with create/update (null for
// get/delete); for update it carries the resourceVersion the client last saw.
struct ApiRequest {
  RequestId id = 0;
  Verb verb = Verb::kGet;
  Resource resource = Resource::kLeases;
  std::string namespace_;
  std::string name;
  ObjectPtr body;
};

// Reason is the closed set of outcomes. HTTP ones follow metav1.StatusReason; the last
// four never reach the server's status line: they are what the Go client reports.
enum class Reason : uint8_t {
  kOK,                        // 200 / 201
  kNotFound,                  // 404
  kAlreadyExists,             // 409
  kConflict,                  // 409 (stale resourceVersion)
  kInvalid,                   // 422
  kTooManyRequests,           // 429 (with Retry-After)
  kInternalError,             // 500
  kServiceUnavailable,        // 503
  kTimeout,                   // 504 (server-side request timeout)
  kClientTimeout,             // http.Client.Timeout (rest.Config.Timeout) expired
  kContextCanceled,           // the request's context was cancelled
  kContextDeadlineExceeded,   // the request's context deadline passed
  kNotInitialized,            // LeaseLock.Update before any Get/Create (no API call)
  kEmptyResourceName,         // rest.Request.Name(""): update of an empty cached object (no API call)
};
std::string_view ReasonName(Reason r);

// Status is an outcome: code is the HTTP status (0 when the client got none).
struct Status {
  Reason reason = Reason::kOK;
  int code = 200;
  std::string message;

  bool ok() const { return reason == Reason::kOK; }
  bool IsNotFound() const { return reason == Reason::kNotFound; }
  bool IsConflict() const { return reason == Reason::kConflict; }
  bool IsAlreadyExists() const { return reason == Reason::kAlreadyExists; }

  static Status OK(int code = 200) { return {Reason::kOK, code, {}}; }
  // The factories below produce Kubernetes' message texts
  // (apimachinery pkg/api/errors: NewNotFound, NewAlreadyExists, NewConflict, ...).
  static Status NotFound(Resource r, std::string_view name);
  static Status AlreadyExists(Resource r, std::string_view name);
  static Status Conflict(Resource r, std::string_view name,
                         std::string_view why = "the object has been modified; please apply "
                                                "your changes to the latest version and try again");
  static Status Invalid(Resource r, std::string_view name, std::string_view field_errors);
  static Status TooManyRequests();
  static Status InternalError(std::string_view why = "an error on the server has prevented the request from succeeding");
  static Status ServiceUnavailable();
  static Status ServerTimeout();
  static Status ClientTimeout();
  static Status ContextCanceled() { return {Reason::kContextCanceled, 0, "context canceled"}; }
  static Status ContextDeadlineExceeded() {
    return {Reason::kContextDeadlineExceeded, 0, "context deadline exceeded"};
  }
  static Status NotInitialized() {
    return {Reason::kNotInitialized, 0, "lease not initialized, call get or create first"};
  }
  // EmptyResourceName is client-go rest.Request.Name's error for an empty name.
  static Status EmptyResourceName() { return {Reason::kEmptyResourceName, 0, "resource name may not be empty"}; }
};

// ApiResponse answers the request with the same id. `body` is the stored object after a
// successful get/create/update. `retry_after` is the Retry-After header when the server
// sent one (whole seconds): client-go's rest client retries a 429 or any 5xx that carries
// it, up to 10 times (client-go rest/with_retry.go IsNextRetry / checkWait, v0.31.0;
// rest/request.go checkWait, v0.20.0); a 5xx without it is returned to the caller.
struct ApiResponse {
  RequestId id = 0;
  Status status;
  ObjectPtr body;
  std::optional<Duration> retry_after;
};

}  // namespace leasesim::core
