
/*
 * ngx_http_api_module: the per-worker Redis engine.
 */


#ifndef _NGX_HTTP_API_REDIS_H_INCLUDED_
#define _NGX_HTTP_API_REDIS_H_INCLUDED_


#include <hiredis/hiredis.h>

#include "ngx_http_api.h"


/*
 * Called once per command, in the worker's event loop, only while the
 * request is still alive.  "reply" is NULL when status is not NGX_OK; then
 * status is the HTTP status to answer with (503: no connection or
 * connection lost, 504: Redis did not answer in time).  The reply belongs
 * to hiredis and is freed when the handler returns: copy what you need
 * into r->pool.  The handler must finalize r exactly once.
 */
typedef void (*ngx_http_api_redis_handler_pt)(ngx_http_request_t *r,
    void *data, redisReply *reply, ngx_int_t status);


/* api_redis_server host[:port] | unix:/path; */
char *ngx_http_api_redis_server(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

ngx_int_t ngx_http_api_redis_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);
void ngx_http_api_redis_exit_process(ngx_http_api_main_conf_t *amcf);

/*
 * Sends one command.  On NGX_OK the request is held (r->main->count++)
 * until the handler runs; the caller returns NGX_DONE.  Otherwise returns
 * the HTTP status to answer with now (503 when no connection can take the
 * command) and nothing was sent.  argv must stay valid while r lives.
 */
ngx_int_t ngx_http_api_redis_send(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data, int argc,
    const char **argv, const size_t *argvlen);

/*
 * EVALSHA of a registered script; on NOSCRIPT the command is sent again
 * as EVAL on the same connection.  argv holds the keys then the arguments.
 */
ngx_int_t ngx_http_api_redis_eval(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data,
    ngx_http_api_script_t *script, int nkeys, int argc, const char **argv,
    const size_t *argvlen);

/*
 * One command on behalf of no request (a request cleanup may call it):
 * argv is copied before it returns; an error reply is logged, nothing
 * else is done with the reply.  NGX_OK: queued; NGX_DECLINED: no
 * connection could take it, nothing was sent.
 */
ngx_int_t ngx_http_api_redis_send_detached(ngx_http_api_main_conf_t *amcf,
    int argc, const char **argv, const size_t *argvlen);

ngx_int_t ngx_http_api_redis_add_script(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf, ngx_str_t *name, ngx_str_t *source,
    ngx_http_api_script_t **script);


#endif /* _NGX_HTTP_API_REDIS_H_INCLUDED_ */
