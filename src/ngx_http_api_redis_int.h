
/*
 * ngx_http_api_module: the Redis engine's own types, shared by its
 * parts: connections (redis.c), request commands (redis_cmd.c) and the
 * event adapter (redis_event.c).
 * Nothing outside the engine includes this.
 */


#ifndef _NGX_HTTP_API_REDIS_INT_H_INCLUDED_
#define _NGX_HTTP_API_REDIS_INT_H_INCLUDED_


#include <hiredis/async.h>

#include "ngx_http_api_redis.h"


/* the metrics' connection states are these, in this order */
#define NGX_HTTP_API_REDIS_IDLE        0   /* no context, maybe backing off */
#define NGX_HTTP_API_REDIS_CONNECTING  1   /* connect + handshake running */
#define NGX_HTTP_API_REDIS_READY       2
#define NGX_HTTP_API_REDIS_CLOSING     3   /* being freed; takes nothing */

#define NGX_HTTP_API_REDIS_BACKOFF_MIN 50  /* ms */


typedef struct ngx_http_api_redis_conn_s  ngx_http_api_redis_conn_t;


/* One handshake command; hiredis gets it as privdata. */
typedef struct {
    ngx_http_api_redis_conn_t       *conn;
    const char                      *what;
    ngx_uint_t                       optional;
} ngx_http_api_redis_step_t;


/*
 * The token hiredis holds for one request command.  It lives on the
 * engine's free list or on its connection's pending queue, never in a
 * request pool: "r" is cleared by the request's cleanup, so a reply that
 * comes after the request is gone is dropped.
 */
typedef struct {
    ngx_queue_t                      queue;
    ngx_http_api_redis_conn_t       *conn;
    ngx_http_request_t              *r;
    ngx_http_cleanup_t              *cln;
    ngx_http_api_redis_handler_pt    handler;
    void                            *data;
    ngx_msec_t                       sent;
    ngx_uint_t                       started;   /* µs, for $api_redis_time */
    ngx_uint_t                       timed_out;
    ngx_http_api_script_t           *script;
    int                              argc;
    const char                     **argv;
    size_t                          *argvlen;
} ngx_http_api_redis_cmd_t;


struct ngx_http_api_redis_conn_s {
    ngx_http_api_redis_t            *engine;
    redisAsyncContext               *ac;
    ngx_connection_t                *c;        /* nginx events for ac's fd */
    ngx_uint_t                       index;
    ngx_uint_t                       state;
    ngx_uint_t                       failures;  /* since the last ready */
    ngx_msec_t                       backoff;
    ngx_int_t                        reset_status;

    ngx_queue_t                      pending;   /* tokens, in send order */
    ngx_uint_t                       npending;

    ngx_http_api_redis_step_t       *steps;
    ngx_uint_t                       nsteps;
    ngx_uint_t                       steps_left;

    ngx_event_t                      timer;     /* connect/reply deadline */
    ngx_event_t                      reconnect;
    ngx_event_t                      flush;     /* posted: one write per loop */
    unsigned                         writing:1;

    /* the adapter's calls into the engine (redis.c) */
    void                           (*lost)(ngx_http_api_redis_conn_t *conn);
    void                           (*closed)(ngx_http_api_redis_conn_t *conn);
};


struct ngx_http_api_redis_s {
    ngx_http_api_main_conf_t        *amcf;
    ngx_log_t                       *log;
    ngx_http_api_redis_conn_t       *conns;
    ngx_uint_t                       nconns;
    ngx_uint_t                       next;
    ngx_queue_t                      free;
    ngx_uint_t                       exiting;
    ngx_uint_t                       setname_warned;
    u_char                           client_name[NGX_INT_T_LEN + 16];
};


/* redis_event.c: the adapter between hiredis and nginx's events */
void ngx_http_api_redis_event_init(ngx_http_api_redis_conn_t *conn,
    ngx_log_t *log);
ngx_int_t ngx_http_api_redis_event_attach(ngx_http_api_redis_conn_t *conn,
    redisAsyncContext *ac);
void ngx_http_api_redis_event_release(ngx_http_api_redis_conn_t *conn);

/* redis.c */
void ngx_http_api_redis_connect(ngx_http_api_redis_conn_t *conn);
void ngx_http_api_redis_arm(ngx_http_api_redis_conn_t *conn);
void ngx_http_api_redis_state(ngx_http_api_redis_conn_t *conn,
    ngx_uint_t state);


#endif /* _NGX_HTTP_API_REDIS_INT_H_INCLUDED_ */
