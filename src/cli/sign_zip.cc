#include "cli/sign_zip.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <system_error>

#include "api/sigv4.h"
#include "cli/progress_bar.h"
#include "zipsig/byte_source.h"

namespace signet::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr uint64_t kProgressFrom = uint64_t{1} << 20;  // smaller packages go by in a blink

std::string PackageQuery(const SignZipOptions& options) {
  std::string query = "profileName=" + api::UriEncode(options.profile_name, true);
  if (!options.profile_owner.empty()) {
    query += "&profileOwner=" + api::UriEncode(options.profile_owner, true);
  }
  query += "&packageName=" + api::UriEncode(fs::path(options.input).filename().string(), true);
  return query;
}

// What the job looks like to DescribeSigningJob, with where the signed archive went.
json JobReport(api::AwsClient& client, const api::AwsResponse& signed_response,
               const std::string& output, std::ostream& err) {
  const std::string job_id = signed_response.Header("x-signet-job-id");
  json report = json::object();
  Result<api::AwsResponse> described =
      client.Send("GET", "/signing-jobs/" + api::UriEncode(job_id, true), "", "", "signer");
  if (described.ok() && described->status == 200) {
    report = json::parse(described->body, nullptr, false);
    if (!report.is_object()) report = json::object();
  } else {
    err << "signet: warning: the package was signed, but DescribeSigningJob failed: "
        << (described.ok() ? DescribeAwsError(*described) : described.status().message()) << "\n";
    report = {{"jobId", job_id}, {"status", "Succeeded"}};
  }
  report["signedFile"] = output;
  report["signingJobArn"] = signed_response.Header("x-signet-job-arn");
  report["signingProfileVersionArn"] = signed_response.Header("x-signet-profile-version-arn");
  return report;
}

// The message of a skipped signing (the AWS error body's "message").
std::string SkipMessage(const api::AwsResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    return body["message"].get<std::string>();
  }
  return "signing skipped by the environment's signing mode";
}

}  // namespace

std::string DefaultSignedPath(const std::string& input) {
  constexpr std::string_view kZip = ".zip";
  if (input.size() > kZip.size() && input.ends_with(kZip)) {
    return input.substr(0, input.size() - kZip.size()) + ".signed.zip";
  }
  return input + ".signed.zip";
}

int RunSignZip(const SignZipOptions& options, const EnvLookup& env, std::ostream& out,
               std::ostream& err) {
  std::error_code ec;
  if (!fs::is_regular_file(options.input, ec)) {
    err << "signet: " << options.input << ": no such file (or not a regular file)\n";
    return kExitSignError;
  }
  const uint64_t size = fs::file_size(options.input, ec);
  const std::string output = options.output.empty() ? DefaultSignedPath(options.input)
                                                    : options.output;
  Result<AwsConnection> connection = ResolveConnection(options.connection, env);
  if (!connection.ok()) {
    err << "signet: " << connection.status().message() << "\n";
    return kExitSignError;
  }
  Result<std::unique_ptr<api::AwsClient>> client = Connect(*connection);
  if (!client.ok()) {
    err << "signet: " << client.status().message() << "\n";
    return kExitSignError;
  }
  // The signed archive goes to a temporary file beside OUT, renamed into place on success.
  Result<std::unique_ptr<zipsig::ByteSink>> sink = zipsig::ByteSink::CreateFile(output);
  if (!sink.ok()) {
    err << "signet: cannot write " << output << ": " << sink.status().message() << "\n";
    return kExitSignError;
  }

  ProgressBar bar(err, "uploading", options.progress && size >= kProgressFrom);
  Status write_error = Status::Ok();
  api::AwsFileTransfer transfer;
  transfer.body_file = options.input;
  transfer.on_progress = [&](uint64_t sent, uint64_t total) {
    bar.Update(sent, total);
    if (sent == total) bar.SetLabel("signing  ");
  };
  transfer.on_body = [&](std::string_view piece) {
    write_error = (*sink)->Append(piece);
    return write_error.ok();
  };
  Result<api::AwsResponse> response = (*client)->SendFile(
      "POST", "/signing-jobs/package", PackageQuery(options), "signer", "application/zip",
      transfer);
  bar.Finish();
  if (!write_error.ok()) {
    err << "signet: cannot write " << output << ": " << write_error.message() << "\n";
    return kExitSignError;
  }
  if (!response.ok()) {
    err << "signet: " << response.status().message() << " (is signetd running at "
        << connection->endpoint << "?)\n";
    return kExitSignError;
  }
  if (response->status != 200 && response->Header("x-signet-signing-skipped") == "true") {
    // The environment is configured to skip signing (DESIGN.md §8): not a failure, and nothing
    // is written, so a pipeline deploys the unsigned package it already has.
    const std::string message = SkipMessage(*response);
    if (options.json) {
      out << json{{"skipped", true}, {"message", message}, {"file", options.input}}.dump(2) << "\n";
    } else {
      out << message << " (" << options.input << " was not signed; nothing written)\n";
    }
    return kExitSkipped;
  }
  if (response->status != 200) {
    err << "signet: signing " << options.input << " failed: " << DescribeAwsError(*response)
        << "\n";
    if (response->status == 403) err << "signet: credentials from " << connection->described << "\n";
    return kExitRefused;
  }
  if (Status closed = (*sink)->Close(); !closed.ok()) {
    err << "signet: cannot write " << output << ": " << closed.message() << "\n";
    return kExitSignError;
  }

  if (options.json) {
    out << JobReport(**client, *response, output, err)
               .dump(2, ' ', false, json::error_handler_t::replace)
        << "\n";
  } else {
    out << "signed " << options.input << " -> " << output << "\n"
        << "  signing job          " << response->Header("x-signet-job-arn") << "\n"
        << "  profile version      " << response->Header("x-signet-profile-version-arn") << "\n";
    const std::string expires = response->Header("x-signet-signature-expires-at");
    if (!expires.empty()) out << "  expires              " << expires << "\n";
  }
  return kExitSigned;
}

}  // namespace signet::cli
