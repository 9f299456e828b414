// SecretBytes: key material that wipes itself, never prints, and compares in constant time.
//
// There is no operator<< and no implicit conversion to a string: reading the bytes takes an
// explicit call to reveal(), which is easy to find in review.
#pragma once

#include <string>
#include <string_view>

namespace signet {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view bytes) : bytes_(bytes) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::string_view reveal() const { return bytes_; }
  // For filling in place (e.g. a CSPRNG). Keeps the size.
  char* mutable_data() { return bytes_.data(); }
  void Resize(size_t n);

 private:
  std::string bytes_;
};

// Constant-time equality (the time depends on the lengths only).
bool ConstantTimeEquals(std::string_view a, std::string_view b);
bool operator==(const SecretBytes& a, const SecretBytes& b);

// Overwrites `s` with zeros in a way the optimiser does not remove.
void SecureWipe(std::string& s);

}  // namespace signet
