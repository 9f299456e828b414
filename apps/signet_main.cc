#include "cli/signet_app.h"

int main(int argc, char** argv) { return signet::cli::RunSignet(argc, argv); }
