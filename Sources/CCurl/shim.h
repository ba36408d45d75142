// Typed wrappers around libcurl's variadic functions, which Swift cannot call directly.
#ifndef SOPORTE_CCURL_SHIM_H
#define SOPORTE_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*soporte_curl_data_cb)(char *, size_t, size_t, void *);
typedef int (*soporte_curl_xfer_cb)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

static inline CURLcode soporte_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_data_cb(CURL *h, CURLoption o, soporte_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_xfer_cb(CURL *h, CURLoption o, soporte_curl_xfer_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode soporte_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode soporte_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soporte_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soporte_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode soporte_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

#endif
