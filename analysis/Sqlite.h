// A thin RAII layer over the SQLite C API: connections, prepared statements,
// transactions. Errors become SqliteError with SQLite's message and code.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sb::sql {

struct SqliteError : std::runtime_error {
  int code;
  SqliteError(int c, const std::string& what) : std::runtime_error(what), code(c) {}
  // The file is not a database, or its pages are damaged.
  bool corrupt() const { return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB; }
};

class Statement;
class StatementLease;

class Database {
 public:
  // Opens (creating if asked) the file; throws SqliteError.
  Database(const std::string& path, bool readOnly);
  sqlite3* handle() const { return db_.get(); }
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // The statement for `sql`, prepared on first use and kept for the life of
  // the connection (a query on a hot path then costs no parse or plan); the
  // lease resets it when dropped. Not thread-safe: callers serialize, and one
  // statement is leased once at a time.
  StatementLease cached(std::string_view sql);
  int64_t lastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_: finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bindNull(int index);
  // True while there is a row to read; false when done. Throws on error.
  bool step();
  void reset();  // and clears bindings
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  std::string text(int column) const;
  bool isNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// A cached statement on loan; reset (bindings cleared) when it goes out of
// scope, even when a step threw.
class StatementLease {
 public:
  explicit StatementLease(Statement& st) : st_(&st) {}
  ~StatementLease();
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  Statement& operator*() const { return *st_; }
  Statement* operator->() const { return st_; }

 private:
  Statement* st_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace sb::sql
