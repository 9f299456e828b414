// Identifiers drawn from the operating system's CSPRNG (getrandom(2)).
#pragma once

#include <string>
#include <string_view>

namespace signet {

// A random (version 4) UUID in lower-case 8-4-4-4-12 form: signing job ids, request ids.
std::string NewUuidV4();
// 10 characters of [A-Za-z0-9]: a signing profile version.
std::string NewProfileVersionId();
// "csc-" + 17 characters of [a-z0-9]: a code signing config id.
std::string NewCodeSigningConfigId();
// n characters drawn uniformly from `alphabet` (at most 256 characters): access keys, object
// version ids.
std::string RandomString(std::string_view alphabet, size_t n);
// n bytes from the CSPRNG. Aborts if the kernel cannot supply them (it always can on Linux).
std::string RandomBytes(size_t n);

}  // namespace signet
