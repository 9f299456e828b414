// `signet cost`: the signing cost report of signetd's GET /usage/cost (DESIGN.md §8), as a
// table, JSON or CSV.
//
//   signet cost [--month YYYY-MM | --from DATE [--to DATE]] [--by month|environment|profile|platform]…
//               [--output table|json|csv] [--endpoint URL] [--profile NAME]
//
// Requests are SigV4-signed (service "signer") with AWS credentials found as the AWS CLI finds
// them: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) profile --profile / AWS_PROFILE /
// "default"; region AWS_REGION / AWS_DEFAULT_REGION / us-east-1. Endpoint: --endpoint,
// SIGNET_ENDPOINT, AWS_ENDPOINT_URL, else http://127.0.0.1:8700.
// Exit status: 0 report printed; 2 usage error, unreachable endpoint or an error answer.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace signet::cli {

struct CostOptions {
  std::optional<std::string> month;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::vector<std::string> by;
  std::string output = "table";
  std::optional<std::string> endpoint;
  std::optional<std::string> profile;
};

// Adds the `cost` subcommand to `app`, filling `options`; returns it.
CLI::App* AddCostCommand(CLI::App& app, CostOptions& options);

int RunCost(const CostOptions& options, std::ostream& out, std::ostream& err);

}  // namespace signet::cli
