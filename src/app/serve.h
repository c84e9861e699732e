#pragma once
// `sluice serve [--config server.properties] [--set key=value ...] [--smp N] [--log-level L]`:
// runs the broker until SIGTERM or SIGINT, then stops accepting, answers the requests in
// flight and exits 0. Start order: configuration -> data directory -> shards -> listener;
// stop order is the reverse.
namespace sluice::app {

// argv[0] is "serve". Returns the process exit code.
int serve(int argc, char** argv);

} // namespace sluice::app
