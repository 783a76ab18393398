// api_status_test.cc — Status factories produce apimachinery's exact message texts
// (k8s.io/apimachinery pkg/api/errors/errors.go: NewNotFound, NewAlreadyExists,
// NewConflict, NewInvalid, NewGenericServerResponse).
#include <catch2/catch.hpp>

#include "core/api.h"

using namespace leasesim::core;

TEST_CASE("NotFound names the qualified resource and the quoted name", "[core][api]") {
  const Status s = Status::NotFound(Resource::kLeases, "bar");
  CHECK(s.reason == Reason::kNotFound);
  CHECK(s.code == 404);
  CHECK(s.IsNotFound());
  CHECK_FALSE(s.ok());
  CHECK(s.message == R"(leases.coordination.k8s.io "bar" not found)");
  CHECK(Status::NotFound(Resource::kConfigMaps, "bar").message == R"(configmaps "bar" not found)");
  CHECK(Status::NotFound(Resource::kEndpoints, "bar").message == R"(endpoints "bar" not found)");
}

TEST_CASE("AlreadyExists is a 409 with its own reason", "[core][api]") {
  const Status s = Status::AlreadyExists(Resource::kLeases, "bar");
  CHECK(s.code == 409);
  CHECK(s.IsAlreadyExists());
  CHECK_FALSE(s.IsConflict());
  CHECK(s.message == R"(leases.coordination.k8s.io "bar" already exists)");
}

TEST_CASE("Conflict carries storage's optimistic-lock text", "[core][api]") {
  const Status s = Status::Conflict(Resource::kLeases, "bar");
  CHECK(s.code == 409);
  CHECK(s.IsConflict());
  CHECK(s.message ==
        "Operation cannot be fulfilled on leases.coordination.k8s.io \"bar\": the object has been "
        "modified; please apply your changes to the latest version and try again");
  CHECK(Status::Conflict(Resource::kConfigMaps, "cm", "some reason").message ==
        R"(Operation cannot be fulfilled on configmaps "cm": some reason)");
}

TEST_CASE("Invalid names the qualified kind and core kinds have no group", "[core][api]") {
  const Status s = Status::Invalid(Resource::kLeases, "bar",
                                   "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
  CHECK(s.reason == Reason::kInvalid);
  CHECK(s.code == 422);
  CHECK(s.message ==
        R"(Lease.coordination.k8s.io "bar" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0)");
  CHECK(Status::Invalid(Resource::kConfigMaps, "bar", "data: Invalid value").message ==
        R"(ConfigMap "bar" is invalid: data: Invalid value)");
  CHECK(Status::Invalid(Resource::kEndpoints, "bar", "").message == R"(Endpoints "bar" is invalid)");
}

TEST_CASE("Generic server responses use client-go's texts", "[core][api]") {
  const Status tmr = Status::TooManyRequests();
  CHECK(tmr.reason == Reason::kTooManyRequests);
  CHECK(tmr.code == 429);
  CHECK(tmr.message == "the server has received too many requests and has asked us to try again later");

  const Status ise = Status::InternalError();
  CHECK(ise.reason == Reason::kInternalError);
  CHECK(ise.code == 500);
  CHECK(ise.message == "an error on the server has prevented the request from succeeding");
  CHECK(Status::InternalError("Internal error occurred: etcdserver: request timed out").message ==
        "Internal error occurred: etcdserver: request timed out");

  const Status su = Status::ServiceUnavailable();
  CHECK(su.reason == Reason::kServiceUnavailable);
  CHECK(su.code == 503);
  CHECK(su.message == "the server is currently unable to handle the request");

  const Status st = Status::ServerTimeout();
  CHECK(st.reason == Reason::kTimeout);
  CHECK(st.code == 504);
  CHECK(st.message ==
        "the server was unable to return a response in the time allotted, but may still be "
        "processing the request");
}

TEST_CASE("ClientTimeout is net/http's error with no status code", "[core][api]") {
  const Status s = Status::ClientTimeout();
  CHECK(s.reason == Reason::kClientTimeout);
  CHECK(s.code == 0);
  CHECK(s.message == "net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
}

TEST_CASE("VerbName and ReasonName", "[core][api]") {
  CHECK(VerbName(Verb::kGet) == "get");
  CHECK(VerbName(Verb::kCreate) == "create");
  CHECK(VerbName(Verb::kUpdate) == "update");
  CHECK(VerbName(Verb::kDelete) == "delete");
  CHECK(ReasonName(Reason::kOK) == "OK");
  CHECK(ReasonName(Reason::kNotFound) == "NotFound");
  CHECK(ReasonName(Reason::kAlreadyExists) == "AlreadyExists");
  CHECK(ReasonName(Reason::kConflict) == "Conflict");
  CHECK(ReasonName(Reason::kInvalid) == "Invalid");
  CHECK(ReasonName(Reason::kTooManyRequests) == "TooManyRequests");
  CHECK(ReasonName(Reason::kInternalError) == "InternalError");
  CHECK(ReasonName(Reason::kServiceUnavailable) == "ServiceUnavailable");
  CHECK(ReasonName(Reason::kTimeout) == "Timeout");
  CHECK(ReasonName(Reason::kClientTimeout) == "ClientTimeout");
  CHECK(ReasonName(Reason::kContextCanceled) == "ContextCanceled");
  CHECK(ReasonName(Reason::kContextDeadlineExceeded) == "ContextDeadlineExceeded");
  CHECK(ReasonName(Reason::kNotInitialized) == "NotInitialized");
  CHECK(ReasonName(Reason::kEmptyResourceName) == "EmptyResourceName");
  // client-go rest.Request.Name(""): no HTTP status, the rest client's own text.
  CHECK(Status::EmptyResourceName().code == 0);
  CHECK(Status::EmptyResourceName().message == "resource name may not be empty");
}
