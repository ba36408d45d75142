// Loads libcurl at run time and forwards to it through a table of function pointers.
#include "ccurlshim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    const char *(*multi_strerror)(CURLMcode);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_cleanup)(CURLSH *);
    CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
    const char *(*share_strerror)(CURLSHcode);
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
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
    RESOLVE(multi_init, "curl_multi_init")
    RESOLVE(multi_cleanup, "curl_multi_cleanup")
    RESOLVE(multi_add_handle, "curl_multi_add_handle")
    RESOLVE(multi_remove_handle, "curl_multi_remove_handle")
    RESOLVE(multi_perform, "curl_multi_perform")
    RESOLVE(multi_poll, "curl_multi_poll")
    RESOLVE(multi_info_read, "curl_multi_info_read")
    RESOLVE(multi_setopt, "curl_multi_setopt")
    RESOLVE(multi_strerror, "curl_multi_strerror")
    RESOLVE(share_init, "curl_share_init")
    RESOLVE(share_cleanup, "curl_share_cleanup")
    RESOLVE(share_setopt, "curl_share_setopt")
    RESOLVE(share_strerror, "curl_share_strerror")
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

CURLM *soporte_multi_init(void) { return api.multi_init(); }
CURLMcode soporte_multi_cleanup(CURLM *m) { return api.multi_cleanup(m); }
CURLMcode soporte_multi_add(CURLM *m, CURL *h) { return api.multi_add_handle(m, h); }
CURLMcode soporte_multi_remove(CURLM *m, CURL *h) { return api.multi_remove_handle(m, h); }
CURLMcode soporte_multi_perform(CURLM *m, int *running) { return api.multi_perform(m, running); }
CURLMcode soporte_multi_poll(CURLM *m, int wake_fd, int timeout_ms, int *woken) {
    struct curl_waitfd w = { wake_fd, CURL_WAIT_POLLIN, 0 };
    CURLMcode c = api.multi_poll(m, &w, 1, timeout_ms, NULL);
    *woken = c == CURLM_OK && (w.revents & CURL_WAIT_POLLIN) != 0;
    return c;
}
CURLMcode soporte_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return api.multi_setopt(m, o, v); }
const char *soporte_multi_strerror(CURLMcode c) { return api.multi_strerror(c); }

int soporte_multi_done(CURLM *m, CURL **h, CURLcode *result) {
    int left = 0;
    CURLMsg *msg;
    while ((msg = api.multi_info_read(m, &left))) {
        if (msg->msg == CURLMSG_DONE) {
            *h = msg->easy_handle;
            *result = msg->data.result;
            return 1;
        }
    }
    return 0;
}

CURLSH *soporte_share_init(void) { return api.share_init(); }
CURLSHcode soporte_share_cleanup(CURLSH *s) { return api.share_cleanup(s); }
CURLSHcode soporte_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return api.share_setopt(s, o, v); }
const char *soporte_share_strerror(CURLSHcode c) { return api.share_strerror(c); }
