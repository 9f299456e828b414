#include "cli/signet_app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cost_command.h"
#include "cli/verify_zip.h"

namespace signet::cli {

int RunSignet(int argc, char** argv) {
  CLI::App app{
      "signet: sign and verify function packages and container images.\n"
      "Signatures are Notary Project (Notation) envelopes; see README.md."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "signet 0.1.0");

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

  CostOptions cost;
  CLI::App* cost_command = AddCostCommand(app, cost);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (verify_zip->parsed()) {
    zip.json = output == "json";
    return RunVerifyZip(zip, std::cout, std::cerr);
  }
  if (cost_command->parsed()) return RunCost(cost, std::cout, std::cerr);
  return kExitUsage;
}

}  // namespace signet::cli
