#pragma once
// The languages Switchboard parses, each with its tree-sitter grammar and the
// LSP language ids and file extensions that select it.

#include <span>
#include <string_view>

struct TSLanguage;

namespace sb {

struct Language {
  std::string_view name;  // "cpp"
  const TSLanguage* (*grammar)();
  std::span<const std::string_view> lspIds;
  std::span<const std::string_view> extensions;  // with the dot: ".cpp"
};

// nullptr when no language matches.
const Language* languageForLspId(std::string_view languageId);
// By extension of a path or URI (case-insensitive); nullptr when unknown.
const Language* languageForPath(std::string_view path);
std::span<const Language* const> allLanguages();

}  // namespace sb
