#include "cli/table.h"

#include <algorithm>
#include <string_view>

#include "base/assert.h"

namespace sluice::cli {

namespace {

// Code points in UTF-8 `text`: every byte that is not a continuation byte.
size_t display_width(std::string_view text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void render_row(std::string& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
        line += cells[i];
        if (i + 1 < cells.size()) line.append(widths[i] - display_width(cells[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back(); // empty last cells
    out += line;
    out.push_back('\n');
}

} // namespace

table::table(std::vector<std::string> headers) : _headers(std::move(headers)) {}

void table::add_row(std::vector<std::string> cells) {
    SLUICE_ASSERT(cells.size() <= _headers.size(), "a table row has more cells than columns");
    cells.resize(_headers.size());
    _rows.push_back(std::move(cells));
}

std::string table::render() const {
    std::vector<size_t> widths(_headers.size());
    for (size_t i = 0; i < _headers.size(); ++i) widths[i] = display_width(_headers[i]);
    for (const auto& row : _rows) {
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::string out;
    render_row(out, _headers, widths);
    for (const auto& row : _rows) render_row(out, row, widths);
    return out;
}

} // namespace sluice::cli
