
/*
 * ngx_http_api_module: the per-worker Redis engine.
 */


#ifndef _NGX_HTTP_API_REDIS_H_INCLUDED_
#define _NGX_HTTP_API_REDIS_H_INCLUDED_


#include <hiredis/hiredis.h>

#include "ngx_http_api.h"


/*
 * The async contract: every caller of ngx_http_api_redis_send() and
 * ngx_http_api_redis_eval() follows it.
 *
 * The request count.  On NGX_OK the engine has taken one reference
 * (r->main->count++) and registered a request cleanup that clears its
 * token, so a reply that comes after the request is gone is dropped and
 * no handler runs.  The reply handler gives the reference back exactly
 * once: a content-phase handler by ngx_http_finalize_request(), an
 * access-phase policy by ngx_http_api_policy_resume() (policy.h), which
 * finalizes nothing and runs the phases on.  On any other return nothing
 * was taken and no handler will run.
 *
 * What the caller returns.  In the content phase NGX_DONE (the handler
 * finalizes); on failure the HTTP status returned, through
 * ngx_http_api_send_redis_problem().  In the access phase NGX_AGAIN (the
 * phase is suspended; ngx_http_core_access_phase() treats it as NGX_DONE)
 * after setting r->write_event_handler to an empty handler; on failure
 * the policy records its decision and returns NGX_OK.
 *
 * argv.  ngx_http_api_redis_send() formats argv before it returns: any
 * storage will do, the stack included.  ngx_http_api_redis_eval() copies
 * the array, but the strings it points to must stay valid while r lives
 * (r->pool, the configuration, static data): a NOSCRIPT reply sends them
 * again as EVAL.
 *
 * Re-entrancy.  Handlers run inside the engine's read handler, with
 * hiredis's context in REDIS_IN_CALLBACK, and so does all they call: a
 * finalization, the access phase resumed, a next command sent.  They may
 * queue commands (the adapter posts the write, redis_event.c) but must
 * never write to the Redis socket inline; the adapter logs an alert if
 * anything tries, and posts the write instead.  Posted requests run
 * after the handler returns.
 *
 * The handler: called once per command, only while the request is still
 * alive.  "reply" is NULL when status is not NGX_OK; then status is the
 * HTTP status to answer with (503: no connection or connection lost, 504:
 * Redis did not answer in time).  The reply belongs to hiredis and is
 * freed when the handler returns: copy what you need into r->pool.
 */
typedef void (*ngx_http_api_redis_handler_pt)(ngx_http_request_t *r,
    void *data, redisReply *reply, ngx_int_t status);


/* api_redis_server host[:port] | unix:/path; */
char *ngx_http_api_redis_server(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* init_main_conf: the engine's defaults and checks. */
char *ngx_http_api_redis_init_main_conf(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);

ngx_int_t ngx_http_api_redis_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf);
void ngx_http_api_redis_exit_process(ngx_http_api_main_conf_t *amcf);

/*
 * Sends one command, as the contract above says.  Returns NGX_OK, or the
 * HTTP status to answer with now (503 when no connection can take the
 * command) and nothing was sent.
 */
ngx_int_t ngx_http_api_redis_send(ngx_http_request_t *r,
    ngx_http_api_redis_handler_pt handler, void *data, int argc,
    const char **argv, const size_t *argvlen);

/*
 * EVALSHA of a registered script; on NOSCRIPT the command is sent again
 * as EVAL on the same connection.  argv holds the keys then the
 * arguments; returns as ngx_http_api_redis_send().
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
