#include "McpSchema.h"

namespace sb::mcp {
namespace {

using nlohmann::json;

bool hasType(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  if (type == "null") return value.is_null();
  return true;  // unknown types are not ours to refuse
}

std::optional<std::string> check(const json& schema, const json& value, const std::string& where) {
  if (!schema.is_object()) return std::nullopt;
  if (auto t = schema.find("type"); t != schema.end()) {
    bool ok = false;
    if (t->is_string()) ok = hasType(value, *t);
    if (t->is_array())
      for (const auto& alt : *t) ok = ok || (alt.is_string() && hasType(value, alt));
    if (!ok) return where + " must be of type " + t->dump();
  }
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    if (std::find(e->begin(), e->end(), value) == e->end())
      return where + " must be one of " + e->dump();
  }
  if (value.is_number()) {
    double v = value.get<double>();
    if (auto m = schema.find("minimum");
        m != schema.end() && m->is_number() && v < m->get<double>())
      return where + " must be at least " + m->dump();
    if (auto m = schema.find("maximum");
        m != schema.end() && m->is_number() && v > m->get<double>())
      return where + " must be at most " + m->dump();
  }
  if (value.is_string()) {
    if (auto m = schema.find("minLength");
        m != schema.end() && m->is_number_unsigned() &&
        value.get_ref<const std::string&>().size() < m->get<size_t>())
      return where + " must have at least " + m->dump() + " characters";
  }
  if (value.is_object()) {
    if (auto req = schema.find("required"); req != schema.end() && req->is_array())
      for (const auto& name : *req)
        if (name.is_string() && !value.contains(name.get<std::string>()))
          return "missing required argument '" + name.get<std::string>() + "'";
    if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
      for (const auto& [key, sub] : props->items())
        if (auto it = value.find(key); it != value.end())
          if (auto err = check(sub, *it, "'" + key + "'")) return err;
      if (schema.value("additionalProperties", true) == false)
        for (const auto& [key, v] : value.items())
          if (!props->contains(key)) return "unknown argument '" + key + "'";
    }
  }
  if (value.is_array())
    if (auto items = schema.find("items"); items != schema.end())
      for (size_t i = 0; i < value.size(); ++i)
        if (auto err = check(*items, value[i], where + "[" + std::to_string(i) + "]")) return err;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validateArguments(const json& schema, const json& value) {
  return check(schema, value.is_null() ? json::object() : value, "arguments");
}

}  // namespace sb::mcp
