
/*
 * ngx_http_api_module: directives, configuration and process hooks.
 */


#include "ngx_http_api.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_errors.h"
#include "ngx_http_api_health.h"
#include "ngx_http_api_handler.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_idempotency.h"
#include "ngx_http_api_access.h"
#include "ngx_http_api_key.h"
#include "ngx_http_api_key_cache.h"
#include "ngx_http_api_keys.h"
#include "ngx_http_api_limit.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_prometheus.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_status.h"
#include "ngx_http_api_variables.h"
#include "ngx_http_api_openapi.h"
#include "ngx_http_api_cors.h"


static ngx_int_t ngx_http_api_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_api_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_api_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_api_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_api_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_api_init_process(ngx_cycle_t *cycle);
static void ngx_http_api_exit_process(ngx_cycle_t *cycle);


static ngx_http_api_num_bounds_t  ngx_http_api_connections_bounds = { 1, 64 };
static ngx_http_api_num_bounds_t  ngx_http_api_max_pending_bounds =
    { 1, 1048576 };
static ngx_http_api_num_bounds_t  ngx_http_api_database_bounds = { 0, 65535 };
static ngx_http_api_num_bounds_t  ngx_http_api_depth_bounds = { 1, 1000 };
static ngx_http_api_num_bounds_t  ngx_http_api_limit_bounds = { 1, 100000 };
static ngx_http_api_num_bounds_t  ngx_http_api_key_cache_bounds =
    { 1, 1000000 };

/* what api_metrics locations answer with */
static ngx_http_handler_pt  ngx_http_api_metrics_handler =
    ngx_http_api_prometheus_handler;

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
      &ngx_http_api_metrics_handler },

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

    { ngx_string("api_problem"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api_problem,
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

    { ngx_string("api_openapi"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_api_openapi,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_cors"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_cors,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
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

    /* set by ngx_pcalloc(): every string empty, every pointer NULL */

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

    ngx_conf_init_msec_value(amcf->key_cache_valid, 5000);
    ngx_conf_init_uint_value(amcf->key_cache_size, 10000);

    if (ngx_http_api_redis_init_main_conf(cf, amcf) != NGX_CONF_OK
        || ngx_http_api_response_init(cf, amcf) != NGX_OK)
    {
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

    /* set by ngx_pcalloc(): every string empty, every pointer NULL */

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
    alcf->cors = NGX_CONF_UNSET_PTR;

    return alcf;
}


static char *
ngx_http_api_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_api_loc_conf_t *prev = parent;
    ngx_http_api_loc_conf_t *conf = child;

    /* before anything is inherited: what this very block serves */
    if (ngx_http_api_openapi_collect(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_value(conf->health, prev->health, 0);
    /* 0: PING has api_redis_timeout, as every command */
    ngx_conf_merge_msec_value(conf->health_threshold, prev->health_threshold,
                              0);

    ngx_conf_merge_value(conf->keys, prev->keys, 0);

    ngx_http_api_access_merge(prev, conf);

    if (ngx_http_api_cors_merge(prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_api_handler_merge(cf, prev, conf) != NGX_CONF_OK) {
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
        || ngx_http_api_key_cache_init_process(cycle, amcf) != NGX_OK)
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
        ngx_http_api_key_cache_exit_process(amcf);
        ngx_http_api_digest_exit_process(amcf);
        ngx_http_api_metrics_exit_process(amcf);
    }
}


static ngx_int_t
ngx_http_api_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (ngx_http_api_limit_init(cf, amcf) != NGX_OK
        || ngx_http_api_access_init(cf) != NGX_OK
        || ngx_http_api_metrics_postconfiguration(cf) != NGX_OK
        || ngx_http_api_openapi_init(cf, amcf) != NGX_OK
        || ngx_http_api_cors_init(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_api_handler_init(cf, amcf);
}
