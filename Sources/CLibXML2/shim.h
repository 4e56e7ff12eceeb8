// The few functions of libxml2 wagewatch calls, declared here rather than through
// <libxml/*.h>, whose ICU headers clash with Foundation's own copy of ICU. Pointers to
// libxml2's own structures are opaque here; those spelled out keep the layout of the
// head of libxml2's public xmlError, xmlNode and xmlNs (unchanged since libxml2 2.6).
#ifndef WAGEWATCH_CLIBXML2_SHIM
#define WAGEWATCH_CLIBXML2_SHIM

// The pull reader over an XML document (xmlreader.h), in recovery mode for feeds.
typedef struct wagewatch_xml_reader_opaque *wagewatch_xml_reader;

typedef struct {
    int domain;
    int code;
    char *message;
    int level;
    char *file;
    int line;
    char *str1;
    char *str2;
    char *str3;
    int int1;
    int int2;  // the column
} wagewatch_xml_error;

typedef void (*wagewatch_xml_error_handler)(void *context, wagewatch_xml_error *error);

wagewatch_xml_reader xmlReaderForMemory(const char *buffer, int size, const char *url, const char *encoding, int options);
void xmlFreeTextReader(wagewatch_xml_reader reader);
int xmlTextReaderRead(wagewatch_xml_reader reader);
int xmlTextReaderNodeType(wagewatch_xml_reader reader);
int xmlTextReaderIsEmptyElement(wagewatch_xml_reader reader);
const unsigned char *xmlTextReaderConstName(wagewatch_xml_reader reader);
const unsigned char *xmlTextReaderConstValue(wagewatch_xml_reader reader);
int xmlTextReaderMoveToNextAttribute(wagewatch_xml_reader reader);
int xmlTextReaderMoveToElement(wagewatch_xml_reader reader);
void xmlTextReaderSetStructuredErrorHandler(wagewatch_xml_reader reader, wagewatch_xml_error_handler handler, void *context);

// The recovering parser (parser.h) and the tree it builds (tree.h): the head of
// xmlNode, xmlAttr and xmlNs, in libxml2's public layout.
typedef struct wagewatch_xml_ns {
    struct wagewatch_xml_ns *next;
    int type;
    const unsigned char *href;
    const unsigned char *prefix;
} wagewatch_xml_ns;

typedef struct wagewatch_xml_node {
    void *private_data;
    int type;
    const unsigned char *name;
    struct wagewatch_xml_node *children;
    struct wagewatch_xml_node *last;
    struct wagewatch_xml_node *parent;
    struct wagewatch_xml_node *next;
    struct wagewatch_xml_node *prev;
    void *doc;
    wagewatch_xml_ns *ns;
    unsigned char *content;
    struct wagewatch_xml_node *properties;  // xmlAttr shares this head; its value is in children
} wagewatch_xml_node;

typedef struct wagewatch_xml_doc_opaque *wagewatch_xml_doc;

void xmlInitParser(void);
// The HTML parser (HTMLparser.h): a forgiving, linear reader of tag soup, and its table of
// named references (HTML 4's; HTMLText's list adds HTML5's before it parses).
wagewatch_xml_doc htmlReadMemory(const char *buffer, int size, const char *url, const char *encoding, int options);
const void *htmlEntityLookup(const unsigned char *name);
wagewatch_xml_doc xmlReadMemory(const char *buffer, int size, const char *url, const char *encoding, int options);
void xmlFreeDoc(wagewatch_xml_doc doc);
wagewatch_xml_node *xmlDocGetRootElement(wagewatch_xml_doc doc);

#endif
