#include "cli/signet_app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/admission_cert.h"
#include "cli/cost_command.h"
#include "cli/progress_bar.h"
#include "cli/sign_zip.h"
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
  if (cost_command->parsed()) return RunCost(cost, std::cout, std::cerr);
  if (admission_cert_command->parsed()) {
    return RunAdmissionCert(admission_cert, std::cout, std::cerr);
  }
  return kExitUsage;
}

}  // namespace signet::cli
