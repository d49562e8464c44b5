
/*
 * ngx_http_api_module: the counters every worker shares (api_metrics,
 * api_status), kept in one shared memory zone.
 */


#ifndef _NGX_HTTP_API_METRICS_H_INCLUDED_
#define _NGX_HTTP_API_METRICS_H_INCLUDED_


#include "ngx_http_api.h"


/* ngx_http_api_metrics_count(): policy outcomes (rate limits, keys) */
#define NGX_HTTP_API_M_RL_PASSED          0
#define NGX_HTTP_API_M_RL_REJECTED        1
#define NGX_HTTP_API_M_RL_DRY_RUN         2
#define NGX_HTTP_API_M_RL_FAILED_OPEN     3
#define NGX_HTTP_API_M_RL_FAILED_CLOSED   4
#define NGX_HTTP_API_M_RL_LOCAL           5
#define NGX_HTTP_API_M_AUTH_OK            6
#define NGX_HTTP_API_M_AUTH_MISSING       7
#define NGX_HTTP_API_M_AUTH_INVALID       8
#define NGX_HTTP_API_M_AUTH_EXPIRED       9
#define NGX_HTTP_API_M_AUTH_FORBIDDEN     10
#define NGX_HTTP_API_M_AUTH_UNAVAILABLE   11
#define NGX_HTTP_API_M_IDEM_REPLAYED      12
#define NGX_HTTP_API_M_IDEM_CONFLICT      13
#define NGX_HTTP_API_M_IDEM_MISMATCH      14

/* ngx_http_api_metrics_redis(): the Redis engine */
#define NGX_HTTP_API_M_REDIS_COMMANDS     15
#define NGX_HTTP_API_M_REDIS_ERR_REPLY    16
#define NGX_HTTP_API_M_REDIS_ERR_CONNECT  17
#define NGX_HTTP_API_M_REDIS_ERR_LOST     18
#define NGX_HTTP_API_M_REDIS_ERR_UNAVAIL  19
#define NGX_HTTP_API_M_REDIS_TIMEOUTS     20
#define NGX_HTTP_API_M_REDIS_RECONNECTS   21

#define NGX_HTTP_API_M_COUNTERS           22

#define NGX_HTTP_API_M_METHODS            8    /* GET ... OPTIONS, other */
#define NGX_HTTP_API_M_CLASSES            6    /* 1xx ... 5xx, other */
#define NGX_HTTP_API_M_BUCKETS            13   /* the last one is +Inf */
#define NGX_HTTP_API_M_CONN_STATES        4    /* the engine's states */
#define NGX_HTTP_API_M_CONN_NONE          NGX_HTTP_API_M_CONN_STATES


/* A family of counters: one Prometheus metric, one api_status object. */
typedef struct {
    const char                  *name;
    const char                  *help;
    const char                  *json;      /* its key in api_status */
    const char                  *label;     /* NULL: a single counter */
    const char *const           *values;    /* label values, JSON keys */
    ngx_uint_t                   first;     /* NGX_HTTP_API_M_* */
    ngx_uint_t                   n;
    ngx_uint_t                   redis;     /* under "redis" in api_status */
} ngx_http_api_metrics_family_t;


/* What a reader sees: the node's totals. */
typedef struct {
    ngx_uint_t                   counters[NGX_HTTP_API_M_COUNTERS];
    ngx_uint_t                   in_flight;
    ngx_uint_t                   conns[NGX_HTTP_API_M_CONN_STATES];
    ngx_uint_t                   workers;
    ngx_uint_t                   generation;    /* reloads since reset */
    time_t                       reset_time;
    time_t                       load_time;
} ngx_http_api_metrics_totals_t;


typedef struct {
    ngx_str_t                    name;
    ngx_str_t                    prom;      /* escaped for a label value */
    ngx_str_t                    json;      /* escaped for a JSON string */
    ngx_uint_t                   requests[NGX_HTTP_API_M_METHODS]
                                         [NGX_HTTP_API_M_CLASSES];
    ngx_uint_t                   buckets[NGX_HTTP_API_M_BUCKETS];
    ngx_uint_t                   count;
    ngx_uint_t                   sum;       /* milliseconds */
} ngx_http_api_metrics_location_t;


typedef struct {
    ngx_pid_t                    pid;
    time_t                       started;
    ngx_uint_t                   requests;
    ngx_uint_t                   commands;
    ngx_uint_t                   in_flight;
    ngx_uint_t                   conns[NGX_HTTP_API_M_CONN_STATES];
} ngx_http_api_metrics_worker_t;


extern const ngx_http_api_metrics_family_t  ngx_http_api_metrics_families[];
extern const char *const  ngx_http_api_metrics_methods[];
extern const char *const  ngx_http_api_metrics_classes[];
extern const char *const  ngx_http_api_metrics_buckets[];
extern const char *const  ngx_http_api_metrics_conn_states[];


/* Counts a policy outcome for the request's node; no zone: nothing. */
void ngx_http_api_metrics_count(ngx_http_request_t *r, ngx_uint_t counter);

/* The engine's hooks; each does nothing without a zone. */
void ngx_http_api_metrics_redis(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t counter);
void ngx_http_api_metrics_redis_sent(ngx_http_api_main_conf_t *amcf);
void ngx_http_api_metrics_redis_done(ngx_http_api_main_conf_t *amcf);
void ngx_http_api_metrics_conn_state(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t from, ngx_uint_t to);

/* Configuration: api_metrics, api_metrics_location, and helpers. */
char *ngx_http_api_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_api_metrics_location(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_api_metrics_endpoint(ngx_conf_t *cf,
    ngx_http_api_loc_conf_t *alcf, ngx_http_handler_pt handler);
void ngx_http_api_metrics_mark(ngx_http_api_loc_conf_t *alcf);
char *ngx_http_api_metrics_merge(ngx_conf_t *cf,
    ngx_http_api_loc_conf_t *prev, ngx_http_api_loc_conf_t *conf);
ngx_int_t ngx_http_api_metrics_postconfiguration(ngx_conf_t *cf);

void ngx_http_api_metrics_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);
void ngx_http_api_metrics_exit_process(ngx_http_api_main_conf_t *amcf);

/* Readers: NGX_DECLINED when there is no such location or worker. */
void ngx_http_api_metrics_totals(ngx_http_api_main_conf_t *amcf,
    ngx_http_api_metrics_totals_t *t);
ngx_int_t ngx_http_api_metrics_location_get(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t i, ngx_http_api_metrics_location_t *loc);
ngx_int_t ngx_http_api_metrics_worker_get(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t i, ngx_http_api_metrics_worker_t *w);


#endif /* _NGX_HTTP_API_METRICS_H_INCLUDED_ */
