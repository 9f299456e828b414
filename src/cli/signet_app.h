// The `signet` command tree. apps/signet_main.cc calls RunSignet and nothing else.
#pragma once

namespace signet::cli {

// Parses argv, runs the command and returns the process exit code: 0 success (a valid
// signature, for verify), 1 an invalid signature, 2 a usage or I/O error.
int RunSignet(int argc, char** argv);

}  // namespace signet::cli
