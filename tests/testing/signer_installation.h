// SignerInstallation: the parts of one signet installation opened under a directory, for unit
// tests, fuzzers and benchmarks that drive a real SignerService: the SQLite store, a file key
// store with a random master key, the CA, the embedded buckets, and the service over them.
#pragma once

#include <filesystem>
#include <memory>

#include "core/encoding.h"
#include "core/ids.h"
#include "core/secret_bytes.h"
#include "core/status.h"
#include "core/time.h"
#include "keys/file_key_store.h"
#include "signer/certificate_authority.h"
#include "signer/signer_service.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"

namespace signet::test {

struct SignerInstallationOptions {
  bool buckets = true;  // open the embedded bucket store (else the service gets none)
};

// Members are destroyed in reverse order: the service first, then the parts it refers to.
struct SignerInstallation {
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<keys::FileKeyStore> keys;
  std::unique_ptr<signer::CertificateAuthority> ca;
  std::unique_ptr<store::BucketStore> buckets;  // null without SignerInstallationOptions::buckets
  std::unique_ptr<signer::SignerService> service;  // null until StartService / MakeService

  // Opens (creating) signet.db, keys/, ca/ and buckets/ under the existing directory `dir`;
  // `now` dates a new CA.
  static Result<SignerInstallation> Open(const std::filesystem::path& dir, Timestamp now,
                                         SignerInstallationOptions options = {}) {
    SignerInstallation ins;
    SIGNET_ASSIGN_OR_RETURN(ins.store, store::SqliteStore::Open(dir / "signet.db"));
    SIGNET_ASSIGN_OR_RETURN(
        ins.keys, keys::FileKeyStore::Open(dir / "keys", SecretBytes(HexEncode(RandomBytes(32)))));
    SIGNET_ASSIGN_OR_RETURN(ins.ca,
                            signer::CertificateAuthority::Open(*ins.keys, dir / "ca", {}, now));
    if (options.buckets) {
      SIGNET_ASSIGN_OR_RETURN(ins.buckets, store::BucketStore::Open(dir / "buckets"));
    }
    return ins;
  }

  // A SignerService over these parts, not started. `billing` must outlive it.
  std::unique_ptr<signer::SignerService> NewService(signer::BillingPolicy& billing,
                                                    signer::SignerOptions options = {}) const {
    return std::make_unique<signer::SignerService>(*store, buckets.get(), *keys, *ca, billing,
                                                   std::move(options));
  }

  // `service` = NewService(billing, options), without starting its job workers.
  void MakeService(signer::BillingPolicy& billing, signer::SignerOptions options = {}) {
    service = NewService(billing, std::move(options));
  }

  // MakeService, then Start().
  Status StartService(signer::BillingPolicy& billing, signer::SignerOptions options = {}) {
    MakeService(billing, std::move(options));
    return service->Start();
  }
};

}  // namespace signet::test
