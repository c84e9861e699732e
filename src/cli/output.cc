#include "cli/output.h"

#include <cstdio>
#include <string>

namespace sluice::cli {

void write_stdout(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void print_error(std::string_view message) {
    std::string line = "sluice: ";
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

int fail(std::string_view message) {
    print_error(message);
    return exit_failure;
}

} // namespace sluice::cli
