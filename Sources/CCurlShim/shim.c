// Loads libcurl at run time and forwards to it through a table of function pointers.
#include "ccurlshim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded = 0;

#define RESOLVE(field, name) \
    if (!(*(void **)(&api.field) = dlsym(lib, name))) { \
        snprintf(load_error, sizeof load_error, "libcurl has no %s", name); return; }

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libcurl.so.4 (%s); install libcurl4", e ? e : "?");
        return;
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_reset, "curl_easy_reset")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
    if (api.global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        return;
    }
    loaded = 1;
}

int soporte_curl_load(char *error, size_t size) {
    pthread_once(&once, load);
    if (!loaded && error && size) snprintf(error, size, "%s", load_error);
    return loaded ? 0 : -1;
}

CURL *soporte_easy_init(void) { return api.easy_init(); }
void soporte_easy_cleanup(CURL *h) { api.easy_cleanup(h); }
void soporte_easy_reset(CURL *h) { api.easy_reset(h); }
CURLcode soporte_easy_perform(CURL *h) { return api.easy_perform(h); }
const char *soporte_easy_strerror(CURLcode c) { return api.easy_strerror(c); }
struct curl_slist *soporte_slist_append(struct curl_slist *l, const char *s) { return api.slist_append(l, s); }
void soporte_slist_free_all(struct curl_slist *l) { api.slist_free_all(l); }

CURLcode soporte_setopt_long(CURL *h, CURLoption o, long v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_setopt_string(CURL *h, CURLoption o, const char *v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_setopt_pointer(CURL *h, CURLoption o, void *v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_setopt_data_cb(CURL *h, CURLoption o, soporte_curl_data_cb v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return api.easy_setopt(h, o, v); }
CURLcode soporte_getinfo_long(CURL *h, CURLINFO i, long *v) { return api.easy_getinfo(h, i, v); }
CURLcode soporte_getinfo_double(CURL *h, CURLINFO i, double *v) { return api.easy_getinfo(h, i, v); }
