// One row of the generated entity tables (html_entities.inc, ftfy_tables.inc):
// the entity's name and its text in UTF-8.
#pragma once

namespace wanattn {

struct HtmlEntity {
  const char* name;
  const char* utf8;
};

}  // namespace wanattn
