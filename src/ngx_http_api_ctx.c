
/*
 * ngx_http_api_module: the request context and the monotonic clock.
 */


#include <time.h>

#include "ngx_http_api_ctx.h"


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


void
ngx_http_api_ctx_redis_time(ngx_http_request_t *r, ngx_uint_t usec)
{
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_api_ctx(r);
    if (ctx == NULL) {
        return;
    }

    ctx->redis_time += usec;
    ctx->redis_commands++;
}


ngx_uint_t
ngx_http_api_usec(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (ngx_uint_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
