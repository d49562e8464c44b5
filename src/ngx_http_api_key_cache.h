
/*
 * ngx_http_api_module: the per-worker cache of API key lookups.
 */


#ifndef _NGX_HTTP_API_KEY_CACHE_H_INCLUDED_
#define _NGX_HTTP_API_KEY_CACHE_H_INCLUDED_


#include "ngx_http_api.h"


/* One cached lookup; malloc'd with its name and scopes after it. */
typedef struct {
    ngx_str_node_t               sn;          /* the key as presented */
    ngx_queue_t                  queue;
    ngx_msec_t                   valid_until;
    time_t                       expires;     /* 0: never */
    ngx_uint_t                   found;
    ngx_str_t                    name;
    ngx_str_t                    scopes;      /* space-separated */
    u_char                       data[1];     /* key, name, scopes */
} ngx_http_api_key_entry_t;


/* Created in init_process (amcf->key_cache), freed in exit_process. */
ngx_int_t ngx_http_api_key_cache_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);
void ngx_http_api_key_cache_exit_process(ngx_http_api_main_conf_t *amcf);

/* A lookup still valid, now the most recent; NULL: none (or no cache). */
ngx_http_api_key_entry_t *ngx_http_api_key_cache_get(
    ngx_http_api_key_cache_t *cache, ngx_str_t *key);

/* Caches a lookup, copied; NULL: no memory. */
ngx_http_api_key_entry_t *ngx_http_api_key_cache_put(
    ngx_http_api_key_cache_t *cache, ngx_str_t *key, ngx_str_t *name,
    ngx_str_t *scopes, time_t expires, ngx_uint_t found, ngx_msec_t valid);


#endif /* _NGX_HTTP_API_KEY_CACHE_H_INCLUDED_ */
