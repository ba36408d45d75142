#ifndef SOPORTE_CCURLSHIM_H
#define SOPORTE_CCURLSHIM_H
#include <stddef.h>
#include <curl/curl.h>

typedef size_t (*soporte_curl_data_cb)(char *, size_t, size_t, void *);

/// Loads libcurl.so.4 once and runs curl_global_init. Returns 0 on success; otherwise
/// writes why into `error` (at most `size` bytes).
int soporte_curl_load(char *error, size_t size);

CURL *soporte_easy_init(void);
void soporte_easy_cleanup(CURL *h);
void soporte_easy_reset(CURL *h);
CURLcode soporte_easy_perform(CURL *h);
const char *soporte_easy_strerror(CURLcode c);
struct curl_slist *soporte_slist_append(struct curl_slist *list, const char *s);
void soporte_slist_free_all(struct curl_slist *list);

// Typed wrappers: curl_easy_setopt and curl_easy_getinfo are variadic, which Swift
// cannot call.
CURLcode soporte_setopt_long(CURL *h, CURLoption o, long v);
CURLcode soporte_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode soporte_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode soporte_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
CURLcode soporte_setopt_data_cb(CURL *h, CURLoption o, soporte_curl_data_cb v);
CURLcode soporte_setopt_off(CURL *h, CURLoption o, curl_off_t v);
CURLcode soporte_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode soporte_getinfo_double(CURL *h, CURLINFO i, double *v);
#endif
