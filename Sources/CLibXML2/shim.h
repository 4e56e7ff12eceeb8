// One function of libxml2's HTML parser: its table of HTML's named character references.
// Declared here rather than through <libxml/HTMLparser.h>, whose ICU headers clash with
// Foundation's own copy of ICU. The struct has libxml2's htmlEntityDesc layout.
#ifndef WAGEWATCH_CLIBXML2_SHIM
#define WAGEWATCH_CLIBXML2_SHIM

typedef struct {
    unsigned int value;
    const char *name;
    const char *desc;
} wagewatch_html_entity;

const wagewatch_html_entity *htmlEntityLookup(const unsigned char *name);

#endif
