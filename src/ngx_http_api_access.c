
/*
 * ngx_http_api_module: the access-phase policies.
 *
 * One handler in nginx's access phase runs, in order, the API key check
 * and the rate limits configured for the location.  Each may need one
 * Redis round trip; the phase is then suspended (NGX_AGAIN) and the reply
 * handler resumes it with ngx_http_api_policy_resume(), which calls this
 * handler again to go on from where it stopped (ngx_http_api_redis.h).
 */


#include "ngx_http_api_access.h"
#include "ngx_http_api_policy.h"
#include "ngx_http_api_key.h"
#include "ngx_http_api_limit.h"
#include "ngx_http_api_response.h"


static ngx_int_t ngx_http_api_access_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_access_refuse(ngx_http_request_t *r,
    ngx_http_api_policy_t *st);
static ngx_int_t ngx_http_api_access_header_filter(ngx_http_request_t *r);


/* set once, at configuration time, as every nginx filter does */
static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


ngx_int_t
ngx_http_api_access_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_api_access_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_api_access_header_filter;

    return NGX_OK;
}


/* merge_loc_conf: api_key and api_limit_req, the policies it runs. */

void
ngx_http_api_access_merge(ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf)
{
    ngx_conf_merge_value(conf->key, prev->key, 0);
    ngx_conf_merge_str_value(conf->key_header, prev->key_header, "");
    ngx_conf_merge_str_value(conf->key_scope, prev->key_scope, "");
    ngx_conf_merge_ptr_value(conf->limits, prev->limits, NULL);
    ngx_conf_merge_value(conf->limit_headers, prev->limit_headers, 1);
}


static ngx_int_t
ngx_http_api_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                 rc;
    ngx_http_api_policy_t    *st;
    ngx_http_api_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (!alcf->key && alcf->limits == NULL) {
        return NGX_DECLINED;
    }

    st = ngx_http_api_policy(r);
    if (st == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (st->waiting) {
        /* a stray write event while the reply is awaited */
        return NGX_AGAIN;
    }

    if (alcf->key && !st->key_done && st->status == 0) {
        rc = ngx_http_api_key_check(r, alcf, st);

        if (rc == NGX_AGAIN) {
            goto suspend;
        }

        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (alcf->limits != NULL && !st->limit_done && st->status == 0) {
        rc = ngx_http_api_limit_check(r, alcf, st);

        if (rc == NGX_AGAIN) {
            goto suspend;
        }

        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (st->status) {
        return ngx_http_api_access_refuse(r, st);
    }

    /* a valid key grants access, as auth_basic does under "satisfy any" */
    return alcf->key ? NGX_OK : NGX_DECLINED;

suspend:

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api access: waiting for Redis");

    st->waiting = 1;
    r->write_event_handler = ngx_http_request_empty_handler;

    /* the access phase's answer while a command is in flight */
    return NGX_AGAIN;
}


/*
 * Sends the refusal as problem+json and finalizes the request.  Under
 * "satisfy any" a 401 or 403 is handed back to nginx instead, so that
 * another access module may still grant access.
 */

static ngx_int_t
ngx_http_api_access_refuse(ngx_http_request_t *r, ngx_http_api_policy_t *st)
{
    u_char                    *p;
    ngx_int_t                  rc;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->satisfy == NGX_HTTP_SATISFY_ANY
        && (st->status == NGX_HTTP_UNAUTHORIZED
            || st->status == NGX_HTTP_FORBIDDEN))
    {
        /* no WWW-Authenticate: another module may still grant access */
        return st->status;
    }

    if (st->authenticate != NULL
        && ngx_http_api_set_header(r, "WWW-Authenticate", st->authenticate)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* send_problem() gives every 503 its own Retry-After */
    if (st->retry_after && st->status != NGX_HTTP_SERVICE_UNAVAILABLE) {
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 1);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *ngx_sprintf(p, "%ui", st->retry_after) = '\0';

        if (ngx_http_api_set_header(r, "Retry-After", (char *) p) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_log_error((st->status >= NGX_HTTP_INTERNAL_SERVER_ERROR
                   ? NGX_LOG_WARN : NGX_LOG_INFO),
                  r->connection->log, 0, "api access: %ui %s",
                  st->status, st->code);

    rc = ngx_http_api_send_problem(r, st->status, st->code, st->detail);

    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


/* RateLimit-Policy and RateLimit on every response the limits saw. */

static ngx_int_t
ngx_http_api_access_header_filter(ngx_http_request_t *r)
{
    ngx_http_api_ctx_t       *ctx;
    ngx_http_api_policy_t    *st;
    ngx_http_api_loc_conf_t  *alcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    if (ctx == NULL || ctx->policy == NULL) {
        return ngx_http_next_header_filter(r);
    }

    st = ctx->policy;
    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (st->nlimits && alcf->limit_headers
        && ngx_http_api_limit_headers(r, alcf, st) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}
