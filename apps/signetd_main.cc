// signetd: parses flags and wires the service (api/signetd.h); nothing more.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <thread>

#include "api/signetd.h"
#include "core/arn.h"

int main(int argc, char** argv) {
  signet::api::SignetdConfig config;
  std::string listen = "127.0.0.1:8700";
  std::string log_level = "info";
  CLI::App app{"signetd: self-hosted code signing with the AWS Signer API"};
  app.set_config("--config", "", "read flags from an INI/TOML file", false);
  app.add_option("--data-dir", config.data_dir, "state, keys, CA and buckets")
      ->capture_default_str();
  app.add_option("--listen", listen, "HOST:PORT to serve (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--region", config.scope.region)->capture_default_str();
  app.add_option("--partition", config.scope.partition)->capture_default_str();
  app.add_option("--account", config.scope.account, "account of the first admin key")
      ->capture_default_str()
      ->check([](const std::string& s) {
        return signet::IsValidAccountId(s) ? std::string() : std::string("the account must be 12 digits");
      });
  app.add_option("--tls-cert", config.http.tls_certificate_file, "PEM certificate for HTTPS");
  app.add_option("--tls-key", config.http.tls_key_file, "PEM key for HTTPS");
  app.add_option("--environment", config.environment,
                 "default environment of signing requests (default: the metering "
                 "configuration's default_environment, or \"default\")");
  app.add_option("--metering-config", config.metering_config,
                 "JSON file of prices, environments and budgets (README: Cost and environments)")
      ->check(CLI::ExistingFile);
  app.add_option("--admission-policy", config.admission_policy,
                 "JSON admission policy: serve the Kubernetes admission webhook on "
                 "/admission/validate and /admission/mutate (HTTPS only; README: Kubernetes "
                 "admission)")
      ->check(CLI::ExistingFile);
  int revocation_poll_ms = 250;
  app.add_option("--admission-revocation-poll-ms", revocation_poll_ms,
                 "how often the admission cache reads the installation's revocations: the bound "
                 "on how long one made through another signetd stays unseen here")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  app.add_flag("--admission-replica", config.admission_replica,
               "serve only the admission webhook from the data directory another signetd of "
               "the installation owns (README: Kubernetes admission)");
  app.add_option("--subject-country", config.subject_country,
                 "C of the certificates signetd issues (profile leaves; a new data directory's "
                 "CAs): two upper-case letters")
      ->capture_default_str();
  app.add_option("--subject-state", config.subject_state,
                 "ST of the certificates signetd issues")
      ->capture_default_str();
  app.add_option("--subject-organization", config.subject_organization,
                 "O of the certificates signetd issues")
      ->capture_default_str();
  app.add_option("--threads", config.http.worker_threads, "HTTP worker threads")
      ->capture_default_str();
  int skew_minutes = 5;
  app.add_option("--max-clock-skew", skew_minutes,
                 "minutes a SigV4 signature's time may differ from signetd's clock")
      ->capture_default_str()
      ->check(CLI::Range(1, 15));
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "signetd: --listen must be HOST:PORT\n");
    return 2;
  }
  config.http.host = listen.substr(0, colon);
  try {
    config.http.port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    std::fprintf(stderr, "signetd: --listen must be HOST:PORT\n");
    return 2;
  }
  config.max_clock_skew = std::chrono::minutes(skew_minutes);
  config.admission_revocation_poll = std::chrono::milliseconds(revocation_poll_ms);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  // SIGTERM/SIGINT are taken by one thread, so that shutdown runs outside a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto daemon = signet::api::Signetd::Open(config);
  if (!daemon.ok()) {
    std::fprintf(stderr, "signetd: %s\n", daemon.status().message().c_str());
    return 1;
  }
  signet::api::Signetd& d = **daemon;
  const std::string scheme = config.http.tls_certificate_file.empty() ? "http" : "https";
  const std::string url = scheme + "://" + config.http.host + ":" + std::to_string(d.port());
  std::printf(
      "signetd listening on %s\n"
      "  data directory:  %s%s\n"
      "  credentials:     %s (profile default)\n"
      "  trust anchor:    %s\n"
      "try:\n"
      "  AWS_SHARED_CREDENTIALS_FILE=%s AWS_CONFIG_FILE=%s \\\n"
      "    aws --endpoint-url %s signer list-signing-platforms\n",
      url.c_str(), d.data_dir().c_str(), d.first_start() ? " (initialised)" : "",
      d.credentials_file().c_str(), d.root_certificate_file().c_str(),
      d.credentials_file().c_str(), d.config_file().c_str(), url.c_str());
  std::fflush(stdout);
  spdlog::info("listening url={} data_dir={}", url, d.data_dir().string());

  std::thread waiter([&d, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal={} shutting down; finishing in-flight requests", sig);
    d.Stop();
  });
  signet::Status served = d.Serve();
  // Serve also returns if the listener failed: wake the waiter so it can be joined.
  kill(getpid(), SIGTERM);
  waiter.join();
  daemon->reset();
  spdlog::info("stopped");
  if (!served.ok()) {
    std::fprintf(stderr, "signetd: %s\n", served.message().c_str());
    return 1;
  }
  return 0;
}
