
/*
 * ngx_http_api_module: directives, configuration and process hooks.
 */


#include <sys/un.h>

#include "ngx_http_api.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_health.h"
#include "ngx_http_api_handler.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_idempotency.h"
#include "ngx_http_api_store.h"
#include "ngx_http_api_access.h"
#include "ngx_http_api_keys.h"
#include "ngx_http_api_keyadmin.h"
#include "ngx_http_api_limit.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_prometheus.h"
#include "ngx_http_api_status.h"
#include "ngx_http_api_variables.h"


typedef struct {
    ngx_int_t    min;
    ngx_int_t    max;
} ngx_http_api_num_bounds_t;


static ngx_int_t ngx_http_api_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_api_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_api_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_api_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_api_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_api_init_process(ngx_cycle_t *cycle);
static void ngx_http_api_exit_process(ngx_cycle_t *cycle);

static char *ngx_http_api_redis_server(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_api_health(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_api_collection(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_api_conf_set_num(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_api_conf_set_msec(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_http_api_num_bounds_t  ngx_http_api_connections_bounds = {
    1, 64
};

static ngx_http_api_num_bounds_t  ngx_http_api_max_pending_bounds = {
    1, 1048576
};

static ngx_http_api_num_bounds_t  ngx_http_api_database_bounds = {
    0, 65535
};

static ngx_http_api_num_bounds_t  ngx_http_api_depth_bounds = {
    1, 1000
};

static ngx_http_api_num_bounds_t  ngx_http_api_limit_bounds = {
    1, 100000
};

static ngx_http_api_num_bounds_t  ngx_http_api_key_cache_bounds = {
    1, 1000000
};

static ngx_conf_enum_t  ngx_http_api_idempotency_modes[] = {
    { ngx_string("off"), NGX_HTTP_API_IDEM_OFF },
    { ngx_string("on"), NGX_HTTP_API_IDEM_ON },
    { ngx_string("required"), NGX_HTTP_API_IDEM_REQUIRED },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_api_commands[] = {

    { ngx_string("api_redis_server"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_redis_server,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_redis_connections"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, connections),
      &ngx_http_api_connections_bounds },

    { ngx_string("api_redis_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, connect_timeout),
      NULL },

    { ngx_string("api_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, timeout),
      NULL },

    { ngx_string("api_redis_backoff_max"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, backoff_max),
      NULL },

    { ngx_string("api_redis_max_pending"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, max_pending),
      &ngx_http_api_max_pending_bounds },

    { ngx_string("api_redis_password"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, password),
      NULL },

    { ngx_string("api_redis_username"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, username),
      NULL },

    { ngx_string("api_redis_database"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, database),
      &ngx_http_api_database_bounds },

    { ngx_string("api_redis_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, prefix),
      NULL },

    { ngx_string("api_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS|NGX_CONF_TAKE1,
      ngx_http_api_health,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_health_threshold"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, health_threshold),
      NULL },

    { ngx_string("api_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_metrics_location"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_metrics_location,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_collection"),
      NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_collection,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_max_depth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, max_depth),
      &ngx_http_api_depth_bounds },

    { ngx_string("api_list_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, list_max_size),
      NULL },

    { ngx_string("api_list_limit_max"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, limit_max),
      &ngx_http_api_limit_bounds },

    { ngx_string("api_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_api_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, key),
      NULL },

    { ngx_string("api_key_header"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, key_header),
      NULL },

    { ngx_string("api_key_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_key_scope,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, key_scope),
      NULL },

    { ngx_string("api_key_cache_valid"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, key_cache_valid),
      NULL },

    { ngx_string("api_key_cache_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_num,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_api_main_conf_t, key_cache_size),
      &ngx_http_api_key_cache_bounds },

    { ngx_string("api_keys"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api_keys,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_limit_req_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_api_limit_req_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_limit_req"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE123,
      ngx_http_api_limit_req,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_limit_req_headers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, limit_headers),
      NULL },

    { ngx_string("api_idempotency"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, idempotency),
      &ngx_http_api_idempotency_modes },

    { ngx_string("api_idempotency_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, idempotency_ttl),
      NULL },

    { ngx_string("api_idempotency_lock_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_conf_set_msec,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_loc_conf_t, idempotency_lock_ttl),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_api_module_ctx = {
    ngx_http_api_variables_add,            /* preconfiguration */
    ngx_http_api_postconfiguration,        /* postconfiguration */

    ngx_http_api_create_main_conf,         /* create main configuration */
    ngx_http_api_init_main_conf,           /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_api_create_loc_conf,          /* create location configuration */
    ngx_http_api_merge_loc_conf            /* merge location configuration */
};


ngx_module_t  ngx_http_api_module = {
    NGX_MODULE_V1,
    &ngx_http_api_module_ctx,              /* module context */
    ngx_http_api_commands,                 /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_api_init_process,             /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_api_exit_process,             /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_api_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     amcf->server = { 0, NULL };
     *     amcf->host = NULL;
     *     amcf->unix_path = NULL;
     *     amcf->password = { 0, NULL };
     *     amcf->username = { 0, NULL };
     *     amcf->prefix = { 0, NULL };
     *     amcf->needs_file = { 0, NULL };
     *     amcf->redis = NULL;
     */

    amcf->connections = NGX_CONF_UNSET_UINT;
    amcf->connect_timeout = NGX_CONF_UNSET_MSEC;
    amcf->timeout = NGX_CONF_UNSET_MSEC;
    amcf->backoff_max = NGX_CONF_UNSET_MSEC;
    amcf->max_pending = NGX_CONF_UNSET_UINT;
    amcf->database = NGX_CONF_UNSET;
    amcf->request_id_index = NGX_ERROR;
    amcf->key_cache_valid = NGX_CONF_UNSET_MSEC;
    amcf->key_cache_size = NGX_CONF_UNSET_UINT;

    if (ngx_array_init(&amcf->scripts, cf->pool, 4,
                       sizeof(ngx_http_api_script_t *))
        != NGX_OK
        || ngx_array_init(&amcf->apis, cf->pool, 4,
                          sizeof(ngx_http_api_loc_conf_t *))
           != NGX_OK
        || ngx_array_init(&amcf->limit_zones, cf->pool, 4,
                          sizeof(void *))
           != NGX_OK
        || ngx_array_init(&amcf->limit_uses, cf->pool, 4,
                          sizeof(ngx_shm_zone_t *))
           != NGX_OK)
    {
        return NULL;
    }

    return amcf;
}


static char *
ngx_http_api_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_api_main_conf_t *amcf = conf;

    ngx_str_t  request_id = ngx_string("request_id");

    ngx_conf_init_uint_value(amcf->connections, 2);
    ngx_conf_init_msec_value(amcf->connect_timeout, 1000);
    ngx_conf_init_msec_value(amcf->timeout, 1000);
    ngx_conf_init_msec_value(amcf->backoff_max, 500);
    ngx_conf_init_uint_value(amcf->max_pending, 1024);
    ngx_conf_init_value(amcf->database, 0);
    ngx_conf_init_msec_value(amcf->key_cache_valid, 5000);
    ngx_conf_init_uint_value(amcf->key_cache_size, 10000);

    if (amcf->prefix.data == NULL) {
        ngx_str_set(&amcf->prefix, "api:");
    }

    if (amcf->backoff_max < 100) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"api_redis_backoff_max\" must be at least 100ms, "
                      "not %Mms", amcf->backoff_max);
        return NGX_CONF_ERROR;
    }

    if (amcf->username.len && amcf->password.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"api_redis_username\" \"%V\" needs "
                      "\"api_redis_password\"", &amcf->username);
        return NGX_CONF_ERROR;
    }

    if (amcf->needs_file.len && amcf->server.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "the Redis-backed location at %V:%ui needs "
                      "\"api_redis_server\" in the \"http\" block",
                      &amcf->needs_file, amcf->needs_line);
        return NGX_CONF_ERROR;
    }

    amcf->request_id_index = ngx_http_get_variable_index(cf, &request_id);
    if (amcf->request_id_index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_api_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_api_loc_conf_t  *alcf;

    alcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_loc_conf_t));
    if (alcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     alcf->collections = NULL;
     *     alcf->base = { 0, NULL };
     *     alcf->clcf = NULL;
     *     alcf->metrics_name = { 0, NULL };
     */

    alcf->health = NGX_CONF_UNSET;
    alcf->health_threshold = NGX_CONF_UNSET_MSEC;
    alcf->metrics_index = NGX_CONF_UNSET_UINT;
    alcf->api = NGX_CONF_UNSET;
    alcf->max_depth = NGX_CONF_UNSET_UINT;
    alcf->limit_max = NGX_CONF_UNSET_UINT;
    alcf->list_max_size = NGX_CONF_UNSET_SIZE;
    alcf->key = NGX_CONF_UNSET;
    alcf->limits = NGX_CONF_UNSET_PTR;
    alcf->limit_headers = NGX_CONF_UNSET;
    alcf->keys = NGX_CONF_UNSET;
    alcf->idempotency = NGX_CONF_UNSET_UINT;
    alcf->idempotency_ttl = NGX_CONF_UNSET_MSEC;
    alcf->idempotency_lock_ttl = NGX_CONF_UNSET_MSEC;

    return alcf;
}


static char *
ngx_http_api_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_api_loc_conf_t *prev = parent;
    ngx_http_api_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t  *clcf;

    ngx_conf_merge_value(conf->health, prev->health, 0);
    /* 0: PING has api_redis_timeout, as every command */
    ngx_conf_merge_msec_value(conf->health_threshold, prev->health_threshold,
                              0);
    ngx_conf_merge_uint_value(conf->max_depth, prev->max_depth, 32);
    ngx_conf_merge_uint_value(conf->limit_max, prev->limit_max, 1000);
    ngx_conf_merge_size_value(conf->list_max_size, prev->list_max_size,
                              1024 * 1024);

    conf->limit_default = ngx_min(20, conf->limit_max);

    ngx_conf_merge_value(conf->key, prev->key, 0);
    ngx_conf_merge_str_value(conf->key_header, prev->key_header, "");
    ngx_conf_merge_str_value(conf->key_scope, prev->key_scope, "");
    ngx_conf_merge_ptr_value(conf->limits, prev->limits, NULL);
    ngx_conf_merge_value(conf->limit_headers, prev->limit_headers, 1);
    ngx_conf_merge_value(conf->keys, prev->keys, 0);
    ngx_conf_merge_uint_value(conf->idempotency, prev->idempotency,
                              NGX_HTTP_API_IDEM_OFF);
    ngx_conf_merge_msec_value(conf->idempotency_ttl, prev->idempotency_ttl,
                              24 * 60 * 60 * 1000);
    ngx_conf_merge_msec_value(conf->idempotency_lock_ttl,
                              prev->idempotency_lock_ttl, 60 * 1000);

    /* an "if" block inside an api location serves that location's API */
    if (conf->api_loc == NULL) {
        conf->api_loc = prev->api_loc;
    }

    /* so does a limit_except block, as proxy_pass's does */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->lmt_excpt && clcf->handler == NULL && conf->api_loc != NULL) {
        clcf->handler = ngx_http_api_handler;
    }

    if (conf->api_loc == conf && conf->collections == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"api\" in location \"%V\" needs at least one "
                           "\"api_collection\"", &conf->base);
        return NGX_CONF_ERROR;
    }

    return ngx_http_api_metrics_merge(cf, prev, conf);
}


static ngx_int_t
ngx_http_api_init_process(ngx_cycle_t *cycle)
{
    ngx_http_api_main_conf_t  *amcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    amcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_api_module);

    if (amcf == NULL) {
        return NGX_OK;
    }

    ngx_http_api_metrics_init_process(cycle, amcf);

    if (amcf->server.len == 0) {
        return NGX_OK;
    }

    if (ngx_http_api_ids_init(cycle, amcf) != NGX_OK
        || ngx_http_api_digest_init_process(cycle, amcf) != NGX_OK
        || ngx_http_api_keys_init_process(cycle, amcf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_api_redis_init_process(cycle, amcf);
}


static void
ngx_http_api_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_api_module);

    if (amcf != NULL) {
        ngx_http_api_redis_exit_process(amcf);
        ngx_http_api_keys_exit_process(amcf);
        ngx_http_api_digest_exit_process(amcf);
        ngx_http_api_metrics_exit_process(amcf);
    }
}


/* The request's context: found, or created in r->pool. */

ngx_http_api_ctx_t *
ngx_http_api_ctx(ngx_http_request_t *r)
{
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    if (ctx != NULL) {
        return ctx;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_api_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->ratelimit_remaining = -1;

    ngx_http_set_ctx(r, ctx, ngx_http_api_module);

    return ctx;
}


/*
 * api_redis_server host[:port] | unix:/path;
 * A host name is resolved here, once: requests never wait on DNS.
 */

static char *
ngx_http_api_redis_server(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_main_conf_t *amcf = conf;

    u_char      text[NGX_SOCKADDR_STRLEN];
    size_t      len;
    ngx_url_t   u;
    ngx_str_t  *value;

    if (amcf->server.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len > 5 && ngx_strncasecmp(value[1].data,
                                            (u_char *) "unix:", 5) == 0)
    {
        len = value[1].len - 5;

        if (len >= sizeof(((struct sockaddr_un *) 0)->sun_path)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unix socket path \"%V\" is too long",
                               &value[1]);
            return NGX_CONF_ERROR;
        }

        amcf->unix_path = ngx_pnalloc(cf->pool, len + 1);
        if (amcf->unix_path == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(amcf->unix_path, value[1].data + 5, len + 1);

    } else {
        ngx_memzero(&u, sizeof(ngx_url_t));

        u.url = value[1];
        u.default_port = NGX_HTTP_API_REDIS_PORT;

        if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid Redis address \"%V\": %s",
                               &value[1], u.err ? u.err : "cannot parse");
            return NGX_CONF_ERROR;
        }

        if (u.uri.len || u.naddrs == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid Redis address \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }

        len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen, text,
                            NGX_SOCKADDR_STRLEN, 0);

        amcf->host = ngx_pnalloc(cf->pool, len + 1);
        if (amcf->host == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(amcf->host, text, len + 1);
        amcf->port = ngx_inet_get_port(u.addrs[0].sockaddr);
    }

    amcf->server = value[1];
    amcf->conf_file = cf->conf_file->file.name;
    amcf->conf_line = cf->conf_file->line;

    return NGX_CONF_OK;
}


static char *
ngx_http_api_health(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_str_t                 *value;
    ngx_http_core_loc_conf_t  *clcf;

    if (alcf->health != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 1 || ngx_strcmp(value[1].data, "ready") == 0) {
        alcf->health = NGX_HTTP_API_HEALTH_READY;

        ngx_http_api_needs_redis(cf,
            ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module));

    } else if (ngx_strcmp(value[1].data, "live") == 0) {
        alcf->health = NGX_HTTP_API_HEALTH_LIVE;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"api_health\": use "
                           "\"ready\" or \"live\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_api_health_handler;

    ngx_http_api_metrics_mark(alcf);

    return NGX_CONF_OK;
}


/*
 * api;  The location serves the resource API: METHOD /{collection}[/{id}]
 * relative to its prefix.
 */

static char *
ngx_http_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_api_main_conf_t   *amcf;
    ngx_http_api_loc_conf_t   **ap;

    if (alcf->api != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    if (alcf->keys != NGX_CONF_UNSET) {
        return "cannot share a location with \"api_keys\"";
    }

    clcf = ngx_http_api_prefix_location(cf, cmd);
    if (clcf == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->api = 1;
    alcf->api_loc = alcf;
    alcf->base = clcf->name;
    alcf->clcf = clcf;
    clcf->handler = ngx_http_api_handler;

    ngx_http_api_metrics_mark(alcf);

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    ap = ngx_array_push(&amcf->apis);
    if (ap == NULL) {
        return NGX_CONF_ERROR;
    }

    *ap = alcf;

    if (ngx_http_api_store_init(cf, amcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_http_api_needs_redis(cf, amcf);

    return NGX_CONF_OK;
}


/* api_collection name ...;  [A-Za-z0-9_-]{1,64}, no duplicates. */

static char *
ngx_http_api_collection(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_str_t   *value, *c;
    ngx_uint_t   i, k;

    if (alcf->collections == NULL) {
        alcf->collections = ngx_array_create(cf->pool, 4, sizeof(ngx_str_t));
        if (alcf->collections == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (!ngx_http_api_parse_name(value[i].data, value[i].len, 64,
                                     "_-"))
        {
            goto invalid;
        }

        c = alcf->collections->elts;

        for (k = 0; k < alcf->collections->nelts; k++) {
            if (c[k].len == value[i].len
                && ngx_strncmp(c[k].data, value[i].data, c[k].len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "duplicate collection \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        c = ngx_array_push(alcf->collections);
        if (c == NULL) {
            return NGX_CONF_ERROR;
        }

        *c = value[i];
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid collection name \"%V\": use 1 to 64 of "
                       "A-Z a-z 0-9 _ -", &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * The api and api_keys locations enforce client_max_body_size themselves,
 * so that an oversized body gets a problem+json 413 rather than nginx's
 * HTML page, and read bodies into memory without temporary files.
 */

static ngx_int_t
ngx_http_api_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                  i, core;
    ngx_http_api_loc_conf_t   **ap, *alcf;
    ngx_http_core_loc_conf_t   *lcf;
    ngx_http_api_main_conf_t   *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);
    core = ngx_http_core_module.ctx_index;

    if (ngx_http_api_limit_init(cf, amcf) != NGX_OK
        || ngx_http_api_access_init(cf) != NGX_OK
        || ngx_http_api_metrics_postconfiguration(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ap = amcf->apis.elts;

    for (i = 0; i < amcf->apis.nelts; i++) {
        alcf = ap[i];

        alcf->max_body = alcf->clcf->client_max_body_size;
        alcf->clcf->client_max_body_size = 0;

        if (alcf->clcf->limit_except_loc_conf) {
            lcf = alcf->clcf->limit_except_loc_conf[core];
            lcf->client_max_body_size = 0;
        }

        alcf->max_doc.data = ngx_pnalloc(cf->pool, NGX_OFF_T_LEN);
        if (alcf->max_doc.data == NULL) {
            return NGX_ERROR;
        }

        alcf->max_doc.len = ngx_sprintf(alcf->max_doc.data, "%O",
                                        alcf->max_body ? alcf->max_body
                                                       : NGX_MAX_OFF_T_VALUE)
                            - alcf->max_doc.data;
    }

    return NGX_OK;
}


/* api and api_keys route paths relative to a prefix location's "/". */

ngx_http_core_loc_conf_t *
ngx_http_api_prefix_location(ngx_conf_t *cf, ngx_command_t *cmd)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

#if (NGX_PCRE)
    if (clcf->regex) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs a prefix location, not the "
                           "regular expression \"%V\"", &cmd->name,
                           &clcf->name);
        return NULL;
    }
#endif

    if (clcf->named || clcf->name.len == 0
        || clcf->name.data[clcf->name.len - 1] != '/')
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs a prefix location that ends with "
                           "\"/\", not \"%V\"", &cmd->name, &clcf->name);
        return NULL;
    }

    return clcf;
}


void
ngx_http_api_needs_redis(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    if (amcf->needs_file.len == 0) {
        amcf->needs_file = cf->conf_file->file.name;
        amcf->needs_line = cf->conf_file->line;
    }
}


/* ngx_conf_set_num_slot with bounds, quoting the bad value. */

static char *
ngx_http_api_conf_set_num(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_int_t                  *np, n;
    ngx_str_t                  *value;
    ngx_http_api_num_bounds_t  *b;

    np = (ngx_int_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    b = cmd->post;

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n < b->min || n > b->max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\": "
                           "must be a number from %i to %i",
                           &value[1], &cmd->name, b->min, b->max);
        return NGX_CONF_ERROR;
    }

    *np = n;

    return NGX_CONF_OK;
}


/* ngx_conf_set_msec_slot for a positive time, quoting the bad value. */

static char *
ngx_http_api_conf_set_msec(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_int_t    ms;
    ngx_str_t   *value;
    ngx_msec_t  *mp;

    mp = (ngx_msec_t *) (p + cmd->offset);

    if (*mp != NGX_CONF_UNSET_MSEC) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ms = ngx_parse_time(&value[1], 0);

    if (ms == NGX_ERROR || ms == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid time \"%V\" in \"%V\": must be a "
                           "positive time such as \"500ms\" or \"2s\"",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    *mp = (ngx_msec_t) ms;

    return NGX_CONF_OK;
}
