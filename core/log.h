// log.h — client-go's leader election log lines as text, per version profile.
//
// The elector emits core::Log effects (a message id plus its err/holder values); RenderLog
// turns one into the line klog would print (without klog's header), using the constant
// structured-logging messages of client-go >= 1.35 or the printf formats of <= 1.34
// (reference §1.14):
//
//   1.37: "Failed to renew lease" lock="kube-system/kcm" err="context deadline exceeded"
//   1.29: failed to renew lease kube-system/kcm: timed out waiting for the condition
#pragma once

#include <string>
#include <string_view>

#include "core/effects.h"
#include "core/version_profile.h"

namespace leasesim::core {

// RenderLog renders `log` as profile `p` prints it for the lock `lock_desc`
// ("<namespace>/<name>").
std::string RenderLog(const VersionProfile& p, const Log& log, std::string_view lock_desc);
// LogLevelName is "error" for logger.Error lines, "info" for V(0), else "v<N>" (N <= 9;
// client-go logs at V(2) to V(6)).
std::string_view LogLevelName(const Log& log);

}  // namespace leasesim::core
