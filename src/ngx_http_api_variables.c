
/*
 * ngx_http_api_module: variables for log_format.
 *
 * Each reads the request's context (ngx_http_api_ctx_t); a request the
 * module did nothing for, or one an internal redirect took elsewhere,
 * has none, and every variable is then empty ("-" in a log).
 */


#include "ngx_http_api_variables.h"
#include "ngx_http_api_ctx.h"


static ngx_int_t ngx_http_api_variable_str(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_api_variable_redis_time(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_api_variable_remaining(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_api_variables[] = {

    { ngx_string("api_collection"), NULL, ngx_http_api_variable_str,
      offsetof(ngx_http_api_ctx_t, collection), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_operation"), NULL, ngx_http_api_variable_str,
      offsetof(ngx_http_api_ctx_t, operation), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_key_name"), NULL, ngx_http_api_variable_str,
      offsetof(ngx_http_api_ctx_t, key_name), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_error_code"), NULL, ngx_http_api_variable_str,
      offsetof(ngx_http_api_ctx_t, error_code), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_redis_time"), NULL, ngx_http_api_variable_redis_time,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_ratelimit_remaining"), NULL,
      ngx_http_api_variable_remaining, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_api_variables_add(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_api_variables; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* An ngx_str_t of the context at offset "data"; empty: not found. */

static ngx_int_t
ngx_http_api_variable_str(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t           *s;
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = (ngx_str_t *) ((char *) ctx + data);

    if (s->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = s->data;

    return NGX_OK;
}


/* Milliseconds with microseconds, "0.262"; empty without a reply. */

static ngx_int_t
ngx_http_api_variable_redis_time(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char              *p;
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    if (ctx == NULL || ctx->redis_commands == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 4);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(p, "%ui.%03ui", ctx->redis_time / 1000,
                         ctx->redis_time % 1000)
             - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}


/* What the rate limit leaves; empty when no limit applied (-1). */

static ngx_int_t
ngx_http_api_variable_remaining(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char              *p;
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    if (ctx == NULL || ctx->ratelimit_remaining < 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(p, "%i", ctx->ratelimit_remaining) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = p;

    return NGX_OK;
}
