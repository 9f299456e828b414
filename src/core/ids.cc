#include "core/ids.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "core/encoding.h"

namespace signet {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  while (filled < n) {
    const ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "signet: getrandom failed\n");
      std::abort();
    }
    filled += static_cast<size_t>(got);
  }
  return out;
}

// Rejection sampling: no modulo bias.
std::string RandomString(std::string_view alphabet, size_t n) {
  const unsigned limit = 256 - (256 % alphabet.size());
  std::string out;
  while (out.size() < n) {
    for (unsigned char c : RandomBytes(n * 2)) {
      if (c < limit && out.size() < n) out += alphabet[c % alphabet.size()];
    }
  }
  return out;
}

std::string NewUuidV4() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string NewProfileVersionId() {
  return RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 10);
}

std::string NewCodeSigningConfigId() {
  return "csc-" + RandomString("abcdefghijklmnopqrstuvwxyz0123456789", 17);
}

}  // namespace signet
