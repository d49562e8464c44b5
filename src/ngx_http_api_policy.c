
/*
 * ngx_http_api_module: the policies' state of one request, their
 * refusals, and the resumption of the access phase after a reply.
 */


#include "ngx_http_api_policy.h"
#include "ngx_http_api_ctx.h"


ngx_http_api_policy_t *
ngx_http_api_policy(ngx_http_request_t *r)
{
    ngx_http_api_ctx_t     *ctx;
    ngx_http_api_policy_t  *st;

    ctx = ngx_http_api_ctx(r);
    if (ctx == NULL) {
        return NULL;
    }

    if (ctx->policy != NULL) {
        return ctx->policy;
    }

    st = ngx_pcalloc(r->pool, sizeof(ngx_http_api_policy_t));
    if (st == NULL) {
        return NULL;
    }

    ctx->policy = st;

    return st;
}


void
ngx_http_api_policy_deny(ngx_http_api_policy_t *st, ngx_uint_t status,
    const char *code, const char *detail)
{
    if (st->status == 0) {
        st->status = status;
        st->code = code;
        st->detail = detail;
    }
}


/*
 * Runs inside the engine's read handler (ngx_http_api_redis.h): the phase
 * engine runs from here, and whatever it sends is queued or posted, never
 * written to the Redis socket inline.
 */

void
ngx_http_api_policy_resume(ngx_http_request_t *r)
{
    ngx_http_api_ctx_t     *ctx;
    ngx_http_api_policy_t  *st;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    st = ctx->policy;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api access: resume, status:%ui", st->status);

    st->waiting = 0;

    /* the count the engine took when the command was sent */
    r->main->count--;

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);
}
