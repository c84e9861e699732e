#pragma once
// cli: the `sluice topic|produce|consume|group|txn` commands, a Kafka client on librdkafka and,
// where librdkafka has no admin call (txn), on its own protocol client (docs/cli.md). src/app/main.cc hands these commands to run().

namespace sluice::cli {

// True for the commands run() serves (argv[1]: topic, produce, consume, group, txn).
bool is_cli_command(const char* command) noexcept;

// Parses `argv` (argv[0] the program, argv[1] the command), runs the command and returns the
// exit code: 0 done, 1 failed (the reason on stderr), 2 usage error.
int run(int argc, char** argv);

} // namespace sluice::cli
