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

// The multi interface: one multi handle drives every transfer of a run, so they share
// connections (HTTP/2 streams on one connection, HTTP/1.1 keep-alive) and the DNS cache.
CURLM *soporte_multi_init(void);
CURLMcode soporte_multi_cleanup(CURLM *m);
CURLMcode soporte_multi_add(CURLM *m, CURL *h);
CURLMcode soporte_multi_remove(CURLM *m, CURL *h);
CURLMcode soporte_multi_perform(CURLM *m, int *running);
/// curl_multi_poll that also wakes when `wake_fd` is readable (then `*woken` is 1).
CURLMcode soporte_multi_poll(CURLM *m, int wake_fd, int timeout_ms, int *woken);
CURLMcode soporte_multi_setopt_long(CURLM *m, CURLMoption o, long v);
const char *soporte_multi_strerror(CURLMcode c);
/// Reads curl_multi_info_read's messages up to the next finished transfer: 1 and that
/// transfer's handle and result, or 0 when none is left. (CURLMsg's union is read here.)
int soporte_multi_done(CURLM *m, CURL **h, CURLcode *result);

// The share interface: TLS sessions, which libcurl 7.88 keeps per easy handle otherwise.
CURLSH *soporte_share_init(void);
CURLSHcode soporte_share_cleanup(CURLSH *s);
CURLSHcode soporte_share_setopt_long(CURLSH *s, CURLSHoption o, long v);
const char *soporte_share_strerror(CURLSHcode c);
#endif
