// libcurl's types and constants only. The functions are reached through CCurlShim,
// which loads libcurl on the first transfer, so commands that never touch the
// network do not pay for loading libcurl and its dependencies at start-up.
#ifndef SOPORTE_CCURL_SHIM_H
#define SOPORTE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
