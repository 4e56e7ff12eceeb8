#ifndef WAGEWATCH_CCURL_SHIM_H
#define WAGEWATCH_CCURL_SHIM_H

#include <curl/curl.h>

/* Swift cannot call C variadic functions; these typed wrappers give each
   curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt use one signature. */

typedef size_t (*ww_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode ww_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_setopt_data_callback(CURL *handle, CURLoption option, ww_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ww_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ww_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ww_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode ww_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

#endif
