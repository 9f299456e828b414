#include "core/secret_bytes.h"

#include <algorithm>
#include <cstring>

namespace signet {

void SecureWipe(std::string& s) {
  volatile char* p = s.data();
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    SecureWipe(bytes_);
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(other.bytes_) {
  SecureWipe(other.bytes_);
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    SecureWipe(bytes_);
    bytes_ = other.bytes_;
    SecureWipe(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { SecureWipe(bytes_); }

void SecretBytes::Resize(size_t n) {
  std::string next(n, '\0');
  std::memcpy(next.data(), bytes_.data(), std::min(n, bytes_.size()));
  SecureWipe(bytes_);
  bytes_.swap(next);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return ConstantTimeEquals(a.reveal(), b.reveal());
}

}  // namespace signet
