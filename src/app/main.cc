// sluice: the single binary (broker, controller, admin, CLI). `serve` runs the broker;
// `topic`, `produce`, `consume`, `group` and `txn` are the Kafka client (src/cli); `--version`
// and `apis` report what this build is and speaks.
#include <cstdio>
#include <cstring>

#include "app/serve.h"
#include "cli/cli.h"
#include "protocol/api_table.h"

namespace {

int print_apis() {
    for (const auto& api : sluice::protocol::all_apis()) {
        if (!api.advertised) continue;
        std::printf("%3d %-32s v%d-v%d\n", api.key, api.name, api.min_version, api.max_version);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
        std::printf("sluice %s\n", SLUICE_VERSION);
        return 0;
    }
    if (argc >= 2 && std::strcmp(argv[1], "apis") == 0) return print_apis();
    if (argc >= 2 && std::strcmp(argv[1], "serve") == 0) return sluice::app::serve(argc - 1, argv + 1);
    if (argc >= 2 && sluice::cli::is_cli_command(argv[1])) return sluice::cli::run(argc, argv);
    std::fprintf(stderr, "usage: sluice serve [options] | sluice topic|produce|consume|group|txn ... (--help) | "
                         "sluice --version | sluice apis\n");
    return 2;
}
