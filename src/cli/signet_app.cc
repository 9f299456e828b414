#include "cli/signet_app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/admission_cert.h"
#include "cli/cost_command.h"
#include "cli/list_image.h"
#include "cli/progress_bar.h"
#include "cli/sign_image.h"
#include "cli/sign_zip.h"
#include "cli/trust_export.h"
#include "cli/verify_image.h"
#include "cli/verify_zip.h"

namespace signet::cli {
namespace {

// The options every command that talks to signetd takes. --profile is a signing profile in
// signet (as in `aws signer`), so the AWS named profile is --aws-profile.
void AddConnectionOptions(CLI::App* command, ConnectionFlags& flags, bool with_environment) {
  command->add_option("--endpoint", flags.endpoint,
                      "signetd URL (default: $SIGNET_ENDPOINT, else " +
                          std::string(kDefaultEndpoint) + ")");
  command->add_option("--aws-profile", flags.aws_profile,
                      "AWS named profile for credentials and region (default: $AWS_PROFILE, else "
                      "\"default\"); not the signing profile");
  if (with_environment) {
    command->add_option("--env", flags.environment,
                        "environment this signature is for, e.g. dev, prod (default: $SIGNET_ENV)");
  }
}

}  // namespace

int RunSignet(int argc, char** argv) {
  CLI::App app{
      "signet: sign and verify function packages and container images.\n"
      "Signatures are Notary Project (Notation) envelopes; see README.md.\n"
      "Credentials as the AWS CLI reads them: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/"
      "AWS_SESSION_TOKEN,\nor a profile of AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) "
      "chosen by --aws-profile or AWS_PROFILE."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "signet 0.1.0");

  // --- sign zip ---
  CLI::App* sign = app.add_subcommand("sign", "Sign an artifact through signetd");
  sign->require_subcommand(1);
  SignZipOptions sign_zip;
  std::string sign_output = "text";
  CLI::App* sign_zip_cmd = sign->add_subcommand(
      "zip",
      "Sign a function package as a job of a signing profile and write the signed archive "
      "(exit 0 signed, 1 refused by signetd, 2 usage, credentials or connection error)");
  sign_zip_cmd->add_option("file", sign_zip.input, "The ZIP package to sign")->required();
  sign_zip_cmd->add_option("--profile", sign_zip.profile_name, "Signing profile name")->required();
  sign_zip_cmd->add_option("--profile-owner", sign_zip.profile_owner,
                           "Account id owning the signing profile (another account's profile)");
  sign_zip_cmd->add_option("-o,--out", sign_zip.output,
                           "Signed archive to write (default: FILE with .zip replaced by "
                           ".signed.zip)");
  sign_zip_cmd->add_option("--output", sign_output, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  AddConnectionOptions(sign_zip_cmd, sign_zip.connection, /*with_environment=*/true);

  // --- verify zip ---
  CLI::App* verify = app.add_subcommand("verify", "Verify a signed artifact");
  verify->require_subcommand(1);
  VerifyZipOptions zip;
  std::string output = "text";
  CLI::App* verify_zip = verify->add_subcommand(
      "zip", "Verify the signature embedded in a function package (exit 0 valid, 1 invalid, 2 error)");
  verify_zip->add_option("file", zip.file, "The signed ZIP package")->required();
  verify_zip->add_option("--trust-anchor", zip.trust_anchor_files,
                         "Root certificate to trust (PEM or DER); repeatable")
      ->required();
  verify_zip->add_option("--allowed-profile-version", zip.allowed_profile_versions,
                         "Accept only signatures of this signing profile version ARN; repeatable");
  verify_zip->add_option("--output,-o", output, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  verify_zip->add_option("--endpoint", zip.connection.endpoint,
                         "signetd URL: check revocation online (without it: offline, revocation "
                         "skipped; $SIGNET_ENDPOINT is not used here)");
  verify_zip->add_option("--aws-profile", zip.connection.aws_profile,
                         "AWS named profile for the revocation check's credentials");

  // --- sign image ---
  SignImageCliOptions sign_image;
  std::string sign_image_output = "text";
  CLI::App* sign_image_cmd = sign->add_subcommand(
      "image",
      "Sign a container image's manifest digest as a job of a signing profile and push the "
      "signature next to it (exit 0 signed, 1 refused by signetd, 2 usage, registry, credentials "
      "or connection error)");
  sign_image_cmd->add_option("REF", sign_image.reference,
                             "registry/repository:tag or @sha256:… (with --oci-layout: a tag or "
                             "digest in the layout)")
      ->required();
  sign_image_cmd->add_option("--profile", sign_image.profile_name, "Signing profile name (platform "
                             "Notation-OCI-SHA384-ECDSA)")->required();
  sign_image_cmd->add_option("--profile-owner", sign_image.profile_owner,
                             "Account id owning the signing profile (another account's profile)");
  sign_image_cmd->add_option("--output", sign_image_output, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  AddRegistryOptions(sign_image_cmd, sign_image.registry);
  AddConnectionOptions(sign_image_cmd, sign_image.connection, /*with_environment=*/true);

  // --- verify image ---
  VerifyImageOptions verify_image;
  std::string verify_image_output = "text";
  CLI::App* verify_image_cmd = verify->add_subcommand(
      "image",
      "Verify a container image's Notary signatures with a Notation trust policy and trust store "
      "(exit 0 verified, 1 not verified, 2 error)");
  verify_image_cmd->add_option("REF", verify_image.reference,
                               "registry/repository:tag or @sha256:… (with --oci-layout: a tag "
                               "or digest in the layout)")
      ->required();
  verify_image_cmd->add_option("--trust-policy", verify_image.trust_policy,
                               "Notation OCI trust policy file (default: "
                               "$NOTATION_CONFIG/trustpolicy.oci.json, NOTATION_CONFIG defaulting "
                               "to ${XDG_CONFIG_HOME:-~/.config}/notation)");
  verify_image_cmd->add_option("--trust-store", verify_image.trust_store,
                               "Notation trust store directory, holding x509/{ca,signingAuthority}/"
                               "NAME/ (default: $NOTATION_CONFIG/truststore)");
  verify_image_cmd->add_option("--max-signatures", verify_image.max_signatures,
                               "Signatures tried at most (default 100)")
      ->check(CLI::Range(1, 100000));
  verify_image_cmd->add_option("--output", verify_image_output, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  verify_image_cmd->add_option("--endpoint", verify_image.connection.endpoint,
                               "signetd URL: check revocation online (without it revocation is "
                               "skipped; $SIGNET_ENDPOINT is not used here)");
  verify_image_cmd->add_option("--aws-profile", verify_image.connection.aws_profile,
                               "AWS named profile for the revocation check's credentials");
  AddRegistryOptions(verify_image_cmd, verify_image.registry);

  // --- list image ---
  CLI::App* list = app.add_subcommand("list", "List signatures");
  list->require_subcommand(1);
  ListImageOptions list_image;
  std::string list_output = "text";
  CLI::App* list_image_cmd = list->add_subcommand(
      "image", "List the Notary signatures of a container image, unverified (exit 0, 2 error)");
  list_image_cmd->add_option("REF", list_image.reference, "The image")->required();
  list_image_cmd->add_option("--output", list_output, "Report format")
      ->check(CLI::IsMember({"text", "json"}));
  AddRegistryOptions(list_image_cmd, list_image.registry);

  // --- trust export ---
  CLI::App* trust = app.add_subcommand("trust", "The installation's trust anchor");
  trust->require_subcommand(1);
  TrustExportOptions trust_export;
  CLI::App* trust_export_cmd = trust->add_subcommand(
      "export",
      "Write the installation's root certificate (PEM), the trust anchor of a Notation "
      "signingAuthority trust store (exit 0, 1 refused by signetd, 2 error)");
  trust_export_cmd->add_option("-o,--out", trust_export.output, "File to write (default: stdout)");
  trust_export_cmd->add_option("--trust-store", trust_export.trust_store,
                               "Also write it to DIR/x509/signingAuthority/NAME/signet-root.pem");
  trust_export_cmd->add_option("--name", trust_export.store_name,
                               "Trust store name under --trust-store (default: signet)");
  trust_export_cmd->add_option("--data-dir", trust_export.data_dir,
                               "Read root-ca.pem from signetd's data directory instead of asking "
                               "signetd");
  AddConnectionOptions(trust_export_cmd, trust_export.connection, /*with_environment=*/false);

  CostOptions cost;
  CLI::App* cost_command = AddCostCommand(app, cost);
  AdmissionCertOptions admission_cert;
  CLI::App* admission_cert_command = AddAdmissionCertCommand(app, admission_cert);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (sign_zip_cmd->parsed()) {
    sign_zip.json = sign_output == "json";
    sign_zip.progress = ProgressBar::StderrIsTerminal();
    return RunSignZip(sign_zip, ProcessEnvironment(), std::cout, std::cerr);
  }
  if (verify_zip->parsed()) {
    zip.json = output == "json";
    return RunVerifyZip(zip, std::cout, std::cerr);
  }
  if (sign_image_cmd->parsed()) {
    sign_image.json = sign_image_output == "json";
    return RunSignImage(sign_image, ProcessEnvironment(), std::cin, std::cout, std::cerr);
  }
  if (verify_image_cmd->parsed()) {
    verify_image.json = verify_image_output == "json";
    return RunVerifyImage(verify_image, ProcessEnvironment(), std::cin, std::cout, std::cerr);
  }
  if (list_image_cmd->parsed()) {
    list_image.json = list_output == "json";
    return RunListImage(list_image, std::cin, std::cout, std::cerr);
  }
  if (trust_export_cmd->parsed()) {
    return RunTrustExport(trust_export, ProcessEnvironment(), std::cout, std::cerr);
  }
  if (cost_command->parsed()) return RunCost(cost, std::cout, std::cerr);
  if (admission_cert_command->parsed()) {
    return RunAdmissionCert(admission_cert, std::cout, std::cerr);
  }
  return kExitUsage;
}

}  // namespace signet::cli
