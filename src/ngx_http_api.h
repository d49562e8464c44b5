
/*
 * ngx_http_api_module: configuration and types shared by every source file.
 */


#ifndef _NGX_HTTP_API_H_INCLUDED_
#define _NGX_HTTP_API_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_API_VERSION            "0.1.0"

#define NGX_HTTP_API_REDIS_PORT         6379


typedef struct ngx_http_api_redis_s  ngx_http_api_redis_t;
typedef struct ngx_http_api_ids_s    ngx_http_api_ids_t;
typedef struct ngx_http_api_key_cache_s  ngx_http_api_key_cache_t;
typedef struct ngx_http_api_digest_s     ngx_http_api_digest_t;
typedef struct ngx_http_api_metrics_s  ngx_http_api_metrics_t;
typedef struct ngx_http_api_op_s       ngx_http_api_op_t;
typedef struct ngx_http_api_policy_s   ngx_http_api_policy_t;
typedef struct ngx_http_api_openapi_s  ngx_http_api_openapi_t;
typedef struct ngx_http_api_cors_s     ngx_http_api_cors_t;


/* A Lua script the engine loads on every connection (SCRIPT LOAD). */
typedef struct {
    ngx_str_t                    name;
    ngx_str_t                    source;
    u_char                       sha1[41];    /* hex digest, NUL-terminated */
} ngx_http_api_script_t;


typedef struct {
    /* api_redis_server: "host:port" resolved at configuration time */
    ngx_str_t                    server;      /* as written, for logs */
    u_char                      *host;        /* numeric address, C string */
    int                          port;
    u_char                      *unix_path;   /* "unix:" sockets, C string */
    ngx_str_t                    conf_file;   /* where api_redis_server is */
    ngx_uint_t                   conf_line;

    ngx_uint_t                   connections;
    ngx_msec_t                   connect_timeout;
    ngx_msec_t                   timeout;
    ngx_msec_t                   backoff_max;
    ngx_uint_t                   max_pending;
    ngx_str_t                    password;
    ngx_str_t                    username;
    ngx_int_t                    database;
    ngx_str_t                    prefix;

    ngx_array_t                  scripts;     /* ngx_http_api_script_t * */
    ngx_http_api_script_t       *store[6];    /* NGX_HTTP_API_SCRIPT_* */
    ngx_array_t                  apis;        /* ngx_http_api_loc_conf_t * */

    /* where the first location that needs Redis was configured */
    ngx_str_t                    needs_file;
    ngx_uint_t                   needs_line;

    ngx_int_t                    request_id_index;

    /* API keys: the per-worker lookup cache */
    ngx_msec_t                   key_cache_valid;
    ngx_uint_t                   key_cache_size;
    ngx_http_api_script_t       *key_scripts[3];  /* NGX_HTTP_API_KEYS_* */

    /* rate limits */
    ngx_array_t                  limit_zones;  /* ngx_http_api_limit_zone_t * */
    ngx_http_api_script_t       *gcra;
    ngx_array_t                  limit_uses;   /* ngx_shm_zone_t * */
    /* api_metrics, api_status: the shared counters, or NULL (metrics.c) */
    ngx_http_api_metrics_t      *metrics;
    /* api_openapi: the locations documents describe (openapi.c) */
    ngx_array_t                 *openapi_locs;

    /* per worker: created in init_process, destroyed in exit_process */
    ngx_http_api_redis_t        *redis;
    ngx_http_api_ids_t          *ids;
    ngx_http_api_key_cache_t    *key_cache;
    ngx_http_api_digest_t       *digest;
} ngx_http_api_main_conf_t;


typedef struct ngx_http_api_loc_conf_s {
    ngx_flag_t                   health;      /* NGX_HTTP_API_HEALTH_* */
    ngx_msec_t                   health_threshold;

    /* api_metrics_location: the name counted under; "" is off (unset) */
    ngx_str_t                    metrics_name;
    ngx_uint_t                   metrics_index;  /* or NGX_CONF_UNSET_UINT */

    /* api: the resource API */
    ngx_flag_t                   api;
    ngx_array_t                 *collections; /* ngx_str_t */
    ngx_uint_t                   max_depth;
    ngx_uint_t                   limit_max;
    ngx_uint_t                   limit_default;
    off_t                        max_body;    /* client_max_body_size */
    ngx_str_t                    max_doc;     /* the same, as text */
    ngx_str_t                    base;        /* the location prefix */
    size_t                       list_max_size;
    ngx_http_core_loc_conf_t    *clcf;

    /* policies, run in the access phase of any location */
    ngx_flag_t                   key;          /* api_key */
    ngx_str_t                    key_header;   /* empty: Authorization */
    ngx_str_t                    key_scope;
    ngx_array_t                 *limits;       /* ngx_http_api_limit_t */
    ngx_flag_t                   limit_headers;

    /* api_keys: the key management endpoint */
    ngx_flag_t                   keys;
    ngx_str_t                    keys_base;

    /* the conf of the location with "api", also seen from its "if" blocks */
    struct ngx_http_api_loc_conf_s  *api_loc;

    /* api_idempotency */
    ngx_uint_t                   idempotency;  /* NGX_HTTP_API_IDEM_* */
    ngx_msec_t                   idempotency_ttl;
    ngx_msec_t                   idempotency_lock_ttl;

    /* api_openapi: the document served here (openapi.c), or NULL */
    ngx_http_api_openapi_t      *openapi;
    /* api_cors (cors.c), or NULL */
    ngx_http_api_cors_t         *cors;
} ngx_http_api_loc_conf_t;


typedef ngx_int_t (*ngx_http_api_body_done_pt)(ngx_http_request_t *r);


/*
 * A request body being read into memory (body.c): data and len are the
 * whole body when done() runs.  While it comes, it is in parts (one
 * buffer when Content-Length gave its size).
 */
typedef struct {
    u_char                      *data;
    size_t                       len;
    off_t                        max;      /* 0: no limit */
    ngx_http_api_body_done_pt    done;
    ngx_chain_t                 *parts;
    ngx_chain_t                 *last;     /* the part being filled */
    size_t                       preallocate;
} ngx_http_api_body_t;


/*
 * The module's request context, shared by the access-phase policies and
 * the content handlers; ngx_http_api_ctx() (ctx.c) creates it.  It
 * begins with the body: the body's read handlers find it with
 * ngx_http_get_module_ctx().  An internal redirect clears it, as it does
 * every module's context.
 */
typedef struct {
    ngx_http_api_body_t          body;
    ngx_http_api_op_t           *op;        /* the resource API (op.h) */
    ngx_http_api_policy_t       *policy;    /* access phase (policy.h) */

    /* what the log variables and the metrics report */
    ngx_str_t                    key_name;
    ngx_int_t                    ratelimit_remaining;  /* -1: no limit */
    ngx_str_t                    collection;
    ngx_str_t                    operation;
    ngx_str_t                    error_code;
    ngx_uint_t                   redis_time;      /* microseconds */
    ngx_uint_t                   redis_commands;  /* replies timed */
} ngx_http_api_ctx_t;


extern ngx_module_t  ngx_http_api_module;


#endif /* _NGX_HTTP_API_H_INCLUDED_ */
