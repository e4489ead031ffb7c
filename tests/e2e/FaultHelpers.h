// Helpers shared by the fault-injection tests: a clean environment for the
// daemon, generated Python workspaces, and a direct look at the index database.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ChildProcess.h"
#include "ScratchDir.h"

namespace sb::e2e {

// `argv` under `env -i` with a scratch HOME and XDG folders inside `dir`.
inline std::vector<std::string> cleanEnv(const ScratchDir& dir, std::vector<std::string> argv) {
  std::vector<std::string> out = {"/usr/bin/env", "-i", "HOME=" + (dir / "home"),
                                  "XDG_CONFIG_HOME=" + (dir / "home/.config"),
                                  "XDG_CACHE_HOME=" + (dir / "home/.cache")};
  for (const auto& v : sanitizerEnvironment()) out.push_back(v);
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// Python modules `prefix_N.py`, each with `functions` functions named
// `prefix_N_fK`, so an index of them is large and every file is recognisable.
inline void writeModules(const std::string& dir, const std::string& prefix, int count,
                         int functions) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    std::ofstream out(dir + "/" + prefix + "_" + std::to_string(i) + ".py");
    for (int k = 0; k < functions; ++k)
      out << "def " << prefix << "_" << i << "_f" << k
          << "(a, b):\n    \"\"\"Adds.\"\"\"\n    return a + b + " << k << "\n\n";
  }
}

// A direct look at an index database from the test (read-only unless asked).
class Db {
 public:
  explicit Db(const std::string& path, bool readOnly = true) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  long long count(const std::string& sql) { return std::stoll(text(sql)); }
  int exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

  // The invariants a consistent index keeps: SQLite's own check, and no rows
  // pointing at a file that is not there.
  void expectConsistent() {
    EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(count("SELECT count(*) FROM symbols WHERE file_id NOT IN (SELECT id FROM files)"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM refs WHERE file_id NOT IN (SELECT id FROM files)"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM imports WHERE file_id NOT IN (SELECT id FROM files)"), 0);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The one *.sqlite file in `folder` (empty if none), and the files set aside as corrupt.
inline std::string sqliteFileIn(const std::string& folder) {
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.path().extension() == ".sqlite") return e.path().string();
  return {};
}
inline std::vector<std::string> corruptFilesIn(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(folder))
    if (e.path().string().find(".corrupt") != std::string::npos) out.push_back(e.path().string());
  return out;
}

}  // namespace sb::e2e
