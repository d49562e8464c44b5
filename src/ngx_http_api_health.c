
/*
 * ngx_http_api_module: the api_health endpoint.
 *
 * Readiness (the default): GET runs a real PING through this worker's
 * Redis engine and reports the round trip; a Redis that is down, or
 * slower than api_health_threshold, gives a problem response.  Liveness
 * ("api_health live"): the worker answers, Redis is not asked.
 */


#include "ngx_http_api_health.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"


#define NGX_HTTP_API_HEALTH_ALIVE  "{\"status\":\"ok\"}"


typedef struct {
    ngx_uint_t        start;    /* ngx_http_api_usec() */
} ngx_http_api_health_ctx_t;


static ngx_int_t ngx_http_api_health_handler(ngx_http_request_t *r);
static void ngx_http_api_health_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);


/* api_health [ready | live]; */

char *
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


static ngx_int_t
ngx_http_api_health_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_api_loc_conf_t    *alcf;
    ngx_http_api_health_ctx_t  *ctx;

    static const char          *argv[] = { "PING" };
    static const size_t         argvlen[] = { 4 };

    if (ngx_http_api_read_only(r, &rc) != NGX_OK) {
        return rc;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->health == NGX_HTTP_API_HEALTH_LIVE) {
        if (ngx_http_api_set_header(r, "Cache-Control", "no-store")
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_api_send_json(r, NGX_HTTP_OK,
                                      (u_char *) NGX_HTTP_API_HEALTH_ALIVE,
                                      sizeof(NGX_HTTP_API_HEALTH_ALIVE) - 1);
    }

    ctx = ngx_palloc(r->pool, sizeof(ngx_http_api_health_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->start = ngx_http_api_usec();

    rc = ngx_http_api_redis_send(r, ngx_http_api_health_reply, ctx,
                                 1, argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_health_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_health_ctx_t *ctx = data;

    u_char                   *body, *p;
    ngx_int_t                 rc;
    ngx_uint_t                us;
    ngx_http_api_loc_conf_t  *alcf;

    if (status != NGX_OK) {
        ngx_http_finalize_request(r,
                                  ngx_http_api_send_redis_problem(r, status));
        return;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api health: PING failed: %*s",
                      (size_t) reply->len, reply->str);

        rc = ngx_http_api_send_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       NGX_HTTP_API_E_REDIS_ERROR,
                                       "Redis answered PING with an error.");
        ngx_http_finalize_request(r, rc);
        return;
    }

    us = ngx_http_api_usec() - ctx->start;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->health_threshold && us > alcf->health_threshold * 1000) {
        p = ngx_pnalloc(r->pool, 128);
        if (p == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        *ngx_snprintf(p, 127, "Redis answered PING in %ui.%03ui ms, over "
                      "the %M ms threshold.", us / 1000, us % 1000,
                      alcf->health_threshold) = '\0';

        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "api health: %s", p);

        rc = ngx_http_api_send_problem(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       "redis_slow", (char *) p);
        ngx_http_finalize_request(r, rc);
        return;
    }

    body = ngx_pnalloc(r->pool, sizeof("{\"status\":\"ok\",\"redis\":"
                                       "{\"status\":\"up\",\"latency_ms\":"
                                       ".000}}") + NGX_INT_T_LEN);
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = ngx_sprintf(body, "{\"status\":\"ok\",\"redis\":{\"status\":\"up\","
                    "\"latency_ms\":%ui.%03ui}}", us / 1000, us % 1000);

    if (ngx_http_api_set_header(r, "Cache-Control", "no-store") != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_finalize_request(r,
                              ngx_http_api_send_json(r, NGX_HTTP_OK, body,
                                                     p - body));
}
