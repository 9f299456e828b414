#include "notary/trusted_identity.h"

#include "core/arn.h"

#include <cctype>
#include <string>
#include <utility>

namespace signet::notary {
namespace {

constexpr std::string_view kMandatory[] = {"C", "ST", "O"};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string NormalizeType(std::string_view type) {
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (out == "S") out = "ST";
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Status DnError(std::string_view dn, std::string_view why) {
  return InvalidArgumentError(
      "parsing distinguished name (DN) " + Quote(dn) + " failed with err: " + std::string(why) +
      ". A valid DN must contain 'C', 'ST', and 'O' RDN attributes at a minimum, and "
      "follow RFC 4514 standard");
}

// Adds one parsed attribute, refusing repeats.
Status AddAttribute(DistinguishedName& dn, std::string_view text, std::string type,
                    std::string value) {
  if (dn.count(type) != 0 && !dn[type].empty()) {
    return InvalidArgumentError("distinguished name (DN) " + Quote(text) +
                                " has duplicate RDN attribute for " + Quote(type) +
                                ", DN can only have unique RDN attributes");
  }
  dn[std::move(type)] = std::move(value);
  return Status::Ok();
}

Status CheckMandatory(const DistinguishedName& dn, std::string_view text) {
  for (std::string_view field : kMandatory) {
    const auto it = dn.find(std::string(field));
    if (it == dn.end() || it->second.empty()) {
      return InvalidArgumentError(
          "distinguished name (DN) " + Quote(text) + " has no mandatory RDN attribute for " +
          Quote(field) + ", it must contain 'C', 'ST', and 'O' RDN attributes at a minimum");
    }
  }
  return Status::Ok();
}

// The signing profile identities of a statement, as a message lists them.
std::string FormatProfiles(const std::vector<std::string_view>& profiles) {
  std::string out = "[";
  for (size_t i = 0; i < profiles.size(); ++i) out += (i > 0 ? " " : "") + Quote(profiles[i]);
  return out + "]";
}

// Go's %q of a []map[string]string, as notation-go prints trusted identities in its messages.
std::string FormatIdentities(const std::vector<const DistinguishedName*>& identities) {
  std::string out = "[";
  for (size_t i = 0; i < identities.size(); ++i) {
    if (i > 0) out += ' ';
    out += "map[";
    bool first = true;
    for (const auto& [key, value] : *identities[i]) {
      if (!first) out += ' ';
      first = false;
      out += Quote(key) + ":" + Quote(value);
    }
    out += ']';
  }
  return out + "]";
}

}  // namespace

Result<DistinguishedName> ParseDistinguishedName(std::string_view text) {
  if (text.find("=#") != std::string_view::npos) {
    return InvalidArgumentError(
        "unsupported distinguished name (DN) " + Quote(text) +
        ": notation does not support x509.subject identities containing \"=#\"");
  }
  DistinguishedName dn;
  size_t i = 0;
  while (true) {
    // attribute type, up to "="
    const size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return DnError(text, "an RDN has no \"=\"");
    const std::string_view type = TrimSpaces(text.substr(i, eq - i));
    if (type.empty()) return DnError(text, "an RDN has an empty attribute type");
    for (char c : type) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
        return DnError(text, "attribute type \"" + std::string(type) + "\" is not valid");
      }
    }
    // value, up to an unescaped "," or the end
    std::string value;
    size_t last_significant = 0;  // value length up to the last escaped or non-space character
    i = eq + 1;
    while (i < text.size() && text[i] == ' ') ++i;  // leading spaces (unescaped) are not part of it
    bool multi_valued = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == ',') break;
      if (c == '+') {
        multi_valued = true;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= text.size()) return DnError(text, "the DN ends with an escape");
        const char next = text[i + 1];
        const int hi = HexValue(next);
        const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
          value += static_cast<char>(hi << 4 | lo);
          i += 2;
        } else if (std::string_view(",+\"\\<>;=# ").find(next) != std::string_view::npos) {
          value += next;
          i += 1;
        } else {
          return DnError(text, std::string("invalid escape \"\\") + next + "\"");
        }
        last_significant = value.size();
        continue;
      }
      if (c == '"' || c == ';' || c == '<' || c == '>') {
        return DnError(text, std::string("unescaped \"") + c + "\" in an attribute value");
      }
      value += c;
      if (c != ' ') last_significant = value.size();
    }
    if (multi_valued) {
      return InvalidArgumentError(
          "distinguished name (DN) " + Quote(text) +
          " has multi-valued RDN attributes, remove multi-valued RDN attributes as they "
          "are not supported");
    }
    value.resize(last_significant);  // trailing unescaped spaces
    SIGNET_RETURN_IF_ERROR(AddAttribute(dn, text, NormalizeType(type), std::move(value)));
    if (i >= text.size()) break;
    ++i;  // past ","
  }
  SIGNET_RETURN_IF_ERROR(CheckMandatory(dn, text));
  return dn;
}

bool IsSubsetDn(const DistinguishedName& subset, const DistinguishedName& dn) {
  for (const auto& [key, value] : subset) {
    const auto it = dn.find(key);
    if (it == dn.end() || it->second != value) return false;
  }
  return true;
}

Result<DistinguishedName> SubjectDn(const crypto::Certificate& certificate) {
  DistinguishedName dn;
  const std::string subject = certificate.Subject();
  for (const auto& [type, value] : certificate.SubjectAttributes()) {
    SIGNET_RETURN_IF_ERROR(AddAttribute(dn, subject, NormalizeType(type), value));
  }
  SIGNET_RETURN_IF_ERROR(CheckMandatory(dn, subject));
  return dn;
}

Result<TrustedIdentity> TrustedIdentity::Parse(std::string_view value, std::string_view statement) {
  const std::string where = "trust policy statement " + Quote(statement);
  if (value.empty()) return InvalidArgumentError(where + " has an empty trusted identity");
  TrustedIdentity identity;
  identity.value_ = std::string(value);
  if (value == kWildcardIdentity) {
    identity.wildcard_ = true;
    return identity;
  }
  if (value.starts_with("arn:")) {
    Result<SigningProfileArn> arn = ParseSigningProfileArn(value);
    if (!arn.ok()) {
      return InvalidArgumentError(where + " has trusted identity " + Quote(value) +
                                  " that is not a signing profile or profile version ARN: " +
                                  arn.status().message());
    }
    identity.signing_profile_ = std::string(value);
    identity.profile_version_ = arn->version.has_value();
    return identity;
  }
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError(where + " has trusted identity " + Quote(value) +
                                " missing separator");
  }
  const std::string_view prefix = value.substr(0, colon);
  const std::string_view dn = value.substr(colon + 1);
  if (prefix != kX509SubjectPrefix) return identity;  // another identity type: kept, never matches
  if (dn.empty()) {
    return InvalidArgumentError(where + " has trusted identity " + Quote(value) +
                                " without an identity value");
  }
  Result<DistinguishedName> parsed = ParseDistinguishedName(dn);
  if (!parsed.ok()) {
    return InvalidArgumentError(where + " has trusted identity " + Quote(value) +
                                " with invalid identity value: " + parsed.status().message());
  }
  identity.x509_subject_ = true;
  identity.subject_ = std::move(parsed).value();
  return identity;
}

Status MatchTrustedIdentities(const std::vector<TrustedIdentity>& identities,
                              std::string_view statement, const crypto::Certificate& leaf,
                              std::string_view signing_profile_version) {
  std::vector<const DistinguishedName*> subjects;
  std::vector<std::string_view> profiles;
  // Only a well-formed version ARN can match; its profile ARN is what a profile identity names.
  Result<SigningProfileArn> signer = ParseSigningProfileArn(signing_profile_version);
  const bool signer_is_version = signer.ok() && signer->version.has_value();
  for (const TrustedIdentity& identity : identities) {
    if (identity.is_wildcard()) return Status::Ok();
    if (identity.is_x509_subject()) subjects.push_back(&identity.subject());
    if (!identity.signing_profile().empty()) {
      profiles.push_back(identity.signing_profile());
      if (signer_is_version &&
          (identity.is_signing_profile_version()
               ? signing_profile_version == identity.signing_profile()
               : signer->ProfileArn() == identity.signing_profile())) {
        return Status::Ok();
      }
    }
  }
  if (subjects.empty() && profiles.empty()) {
    return InvalidArgumentError("no x509 trusted identities are configured in the trust policy " +
                                Quote(statement));
  }
  if (subjects.empty()) {
    return InvalidArgumentError(
        "the signature's signing profile version " +
        (signing_profile_version.empty() ? std::string("(none: the envelope names no profile)")
                                         : Quote(signing_profile_version)) +
        " is not one of the trusted identities " + FormatProfiles(profiles) +
        " defined in the trust policy " + Quote(statement));
  }
  Result<DistinguishedName> leaf_dn = SubjectDn(leaf);
  if (!leaf_dn.ok()) {
    return InvalidArgumentError(
        "error while parsing the certificate subject from the digital signature. error : " +
        Quote(leaf_dn.status().message()));
  }
  for (const DistinguishedName* subject : subjects) {
    if (IsSubsetDn(*subject, *leaf_dn)) return Status::Ok();
  }
  std::string message =
      "signing certificate from the digital signature does not match the X.509 trusted "
      "identities " +
      FormatIdentities(subjects) + " defined in the trust policy " + Quote(statement);
  if (!profiles.empty()) {
    message += ", and its signing profile version is not one of " + FormatProfiles(profiles);
  }
  return InvalidArgumentError(std::move(message));
}

}  // namespace signet::notary
