#include "app/meta_properties.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/config.h"
#include "base/uuid.h"

namespace sluice::app {

namespace fs = std::filesystem;

meta_properties load_or_create_meta_properties(const std::string& log_dir, int32_t node_id) {
    std::error_code ec;
    fs::create_directories(log_dir, ec);
    if (ec) throw config_error("log.dirs: cannot create " + log_dir + ": " + ec.message());
    const fs::path path = fs::path(log_dir) / "meta.properties";
    if (fs::exists(path)) {
        auto props = read_properties_file(path.string());
        meta_properties m;
        m.cluster_id = props["cluster.id"];
        auto it = props.find("node.id");
        if (m.cluster_id.empty() || it == props.end())
            throw config_error(path.string() + " lacks cluster.id or node.id");
        m.node_id = std::stoi(it->second);
        if (m.node_id != node_id)
            throw config_error("node.id " + std::to_string(node_id) + " does not match node.id " +
                               std::to_string(m.node_id) + " in " + path.string());
        return m;
    }
    meta_properties m{uuid::random().to_base64(), node_id};
    // Written to a temporary file and renamed, so a crash never leaves half a file.
    const fs::path temporary = fs::path(log_dir) / "meta.properties.tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << "#\n#Written by sluice serve on first start\n"
            << "cluster.id=" << m.cluster_id << "\n"
            << "node.id=" << m.node_id << "\n"
            << "version=1\n";
        out.flush();
        if (!out) throw config_error("log.dirs: cannot write " + temporary.string());
    }
    fs::rename(temporary, path, ec);
    if (ec) throw config_error("log.dirs: cannot write " + path.string() + ": " + ec.message());
    return m;
}

} // namespace sluice::app
