
/*
 * ngx_http_api_module: rate limit zones, and their per-node state for
 * fail=local (shared by limit.c and limit_local.c).
 */


#ifndef _NGX_HTTP_API_LIMIT_LOCAL_H_INCLUDED_
#define _NGX_HTTP_API_LIMIT_LOCAL_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_policy.h"


typedef struct {
    ngx_rbtree_t                 rbtree;
    ngx_rbtree_node_t            sentinel;
    ngx_queue_t                  queue;       /* least recently used last */
} ngx_http_api_limit_shctx_t;


/* A fail=local key's state in shared memory. */
typedef struct {
    ngx_str_node_t               sn;          /* crc32 of the key; the key */
    ngx_queue_t                  queue;
    uint64_t                     tat;         /* microseconds, monotonic */
    u_char                       data[1];
} ngx_http_api_limit_node_t;


typedef struct {
    ngx_str_t                    name;
    ngx_http_complex_value_t     key;
    ngx_uint_t                   interval;    /* microseconds per request */
    ngx_uint_t                   quota;       /* the rate's count ... */
    ngx_uint_t                   window;      /* ... per this many seconds */
    ngx_uint_t                   fail;
    ngx_str_t                    interval_text;
    ngx_str_t                    policy;      /* "name";q=..;w=.. */
    ngx_shm_zone_t              *shm_zone;
    ngx_http_api_limit_shctx_t  *sh;
    ngx_slab_pool_t             *shpool;
    time_t                       warned;      /* per worker */
} ngx_http_api_limit_zone_t;


typedef struct {
    ngx_shm_zone_t              *shm_zone;
    ngx_uint_t                   burst;
    ngx_str_t                    burst_text;
    ngx_uint_t                   dry_run;
} ngx_http_api_limit_t;


/* The zone's shm_zone->init: a reload keeps the old zone's state. */
ngx_int_t ngx_http_api_limit_init_zone(ngx_shm_zone_t *shm_zone, void *data);

/* Decides one limit for one request on this node's state alone. */
void ngx_http_api_limit_local(ngx_http_api_limit_zone_t *zone,
    ngx_http_api_limit_t *limit, ngx_http_api_limit_state_t *ls,
    ngx_log_t *log);


#endif /* _NGX_HTTP_API_LIMIT_LOCAL_H_INCLUDED_ */
