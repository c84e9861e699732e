#pragma once
// table: the `--format table` layout of list-like output. Left-aligned columns two spaces
// apart, widths in code points (topic names and config values may be UTF-8), no trailing
// blanks, a header row in capitals.
#include <string>
#include <vector>

namespace sluice::cli {

class table {
public:
    explicit table(std::vector<std::string> headers);

    // A row shorter than the header is padded with empty cells; a longer one is a bug of the
    // caller (asserted, also in release).
    void add_row(std::vector<std::string> cells);
    bool empty() const noexcept { return _rows.empty(); }

    // Every line ends with '\n'.
    std::string render() const;

private:
    std::vector<std::string> _headers;
    std::vector<std::vector<std::string>> _rows;
};

} // namespace sluice::cli
