#include "storage/checkpoint_file.h"

#include <charconv>

#include "storage/segment_format.h"

namespace sluice::storage {

std::optional<int64_t> parse_int64(std::string_view text) noexcept {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

storage_errc replace_file(file_system& fs, const std::string& dir, std::string_view name, byte_view bytes) {
    std::string path = join_path(dir, name);
    std::string temp = path + std::string(segment_format::checkpoint_temp_suffix);
    auto file = fs.open(temp, open_mode::create);
    if (!file) return file.error();
    if (storage_errc e = (*file)->truncate(0); e != storage_errc::none) return e;
    if (storage_errc e = (*file)->write_at(0, bytes); e != storage_errc::none) return e;
    if (storage_errc e = (*file)->fdatasync(); e != storage_errc::none) return e;
    if (storage_errc e = fs.rename(temp, path); e != storage_errc::none) return e;
    return fs.sync_dir(dir);
}

storage_errc write_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                              const std::vector<checkpoint_line>& lines) {
    std::string text = std::to_string(segment_format::checkpoint_version) + "\n" + std::to_string(lines.size()) + "\n";
    for (const checkpoint_line& line : lines) {
        for (size_t i = 0; i < line.size(); ++i) text += (i ? " " : "") + line[i];
        text += "\n";
    }
    return replace_file(fs, dir, name, as_bytes(text));
}

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t at; (at = text.find(separator, start)) != std::string_view::npos; start = at + 1)
        parts.emplace_back(text.substr(start, at - start));
    parts.emplace_back(text.substr(start));
    return parts;
}

} // namespace

result<std::vector<checkpoint_line>> read_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                                                     size_t fields) {
    auto file = fs.open(join_path(dir, name), open_mode::existing);
    if (!file) return file.error();
    auto size = (*file)->size();
    if (!size) return size.error();
    std::string text(*size, '\0');
    auto n = (*file)->read_at(0, {reinterpret_cast<uint8_t*>(text.data()), text.size()});
    if (!n) return n.error();
    std::vector<std::string> lines = split(text, '\n');
    if (lines.empty() || lines.back().empty()) lines.pop_back(); // the last line's '\n'
    if (lines.size() < 2 || parse_int64(lines[0]) != segment_format::checkpoint_version) return storage_errc::corrupt;
    if (parse_int64(lines[1]) != static_cast<int64_t>(lines.size() - 2)) return storage_errc::corrupt;
    std::vector<checkpoint_line> out;
    for (size_t i = 2; i < lines.size(); ++i) {
        checkpoint_line line = split(lines[i], ' ');
        if (line.size() != fields) return storage_errc::corrupt;
        out.push_back(std::move(line));
    }
    return out;
}

storage_errc write_offset_checkpoint(file_system& fs, const std::string& dir, std::string_view name,
                                     const std::vector<partition_offset>& entries) {
    std::vector<checkpoint_line> lines;
    for (const partition_offset& e : entries)
        lines.push_back({e.topic, std::to_string(e.partition.value()), std::to_string(e.offset.value())});
    return write_checkpoint(fs, dir, name, lines);
}

result<std::vector<partition_offset>> read_offset_checkpoint(file_system& fs, const std::string& dir,
                                                             std::string_view name) {
    auto lines = read_checkpoint(fs, dir, name, 3);
    if (!lines) return lines.error();
    std::vector<partition_offset> out;
    for (const checkpoint_line& line : *lines) {
        std::optional<int64_t> partition = parse_int64(line[1]);
        std::optional<int64_t> offset = parse_int64(line[2]);
        if (line[0].empty() || !partition || *partition < 0 || *partition > INT32_MAX || !offset)
            return storage_errc::corrupt;
        out.push_back({line[0], model::partition_id(static_cast<int32_t>(*partition)), model::offset(*offset)});
    }
    return out;
}

bool has_clean_shutdown_marker(file_system& fs, const std::string& log_dir) {
    return fs.exists(join_path(log_dir, segment_format::clean_shutdown_marker_name));
}

storage_errc write_clean_shutdown_marker(file_system& fs, const std::string& log_dir) {
    auto file = fs.open(join_path(log_dir, segment_format::clean_shutdown_marker_name), open_mode::create);
    if (!file) return file.error();
    if (storage_errc e = (*file)->fdatasync(); e != storage_errc::none) return e;
    return fs.sync_dir(log_dir);
}

storage_errc remove_clean_shutdown_marker(file_system& fs, const std::string& log_dir) {
    storage_errc e = fs.remove(join_path(log_dir, segment_format::clean_shutdown_marker_name));
    if (e != storage_errc::none && e != storage_errc::not_found) return e;
    return fs.sync_dir(log_dir);
}

} // namespace sluice::storage
