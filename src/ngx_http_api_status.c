
/*
 * ngx_http_api_module: api_status, the figures of api_metrics as JSON,
 * plus the versions, this worker's view of Redis (one INFO round trip)
 * and every worker's engine state.
 */


#include <unistd.h>

#include "ngx_http_api_status.h"
#include "ngx_http_api_metrics_out.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"


#define NGX_HTTP_API_STATUS_FIELD  64    /* Redis role and version */
#define NGX_HTTP_API_STATUS_LINE   (512 + 16 * NGX_ATOMIC_T_LEN)


typedef struct {
    const char                     *redis;      /* "up", "timeout", ... */
    u_char                          role[NGX_HTTP_API_STATUS_FIELD];
    u_char                          version[NGX_HTTP_API_STATUS_FIELD];
} ngx_http_api_status_ctx_t;


static ngx_int_t ngx_http_api_status_handler(ngx_http_request_t *r);
static void ngx_http_api_status_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static void ngx_http_api_status_info(ngx_http_api_status_ctx_t *ctx,
    redisReply *reply);
static ngx_int_t ngx_http_api_status_send(ngx_http_request_t *r,
    ngx_http_api_status_ctx_t *ctx);
static ngx_int_t ngx_http_api_status_redis(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf, ngx_http_api_status_ctx_t *ctx,
    ngx_http_api_metrics_totals_t *t);
static ngx_int_t ngx_http_api_status_workers(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf);
static ngx_int_t ngx_http_api_status_locations(
    ngx_http_api_metrics_out_t *out, ngx_http_api_main_conf_t *amcf);
static ngx_int_t ngx_http_api_status_families(
    ngx_http_api_metrics_out_t *out, ngx_http_api_metrics_totals_t *t,
    ngx_uint_t redis);
static ngx_int_t ngx_http_api_status_conns(ngx_http_api_metrics_out_t *out,
    ngx_uint_t *conns);
static u_char *ngx_http_api_status_time(u_char *buf, time_t t);


static ngx_str_t  ngx_http_api_status_type = ngx_string("application/json");


/* api_status; */

char *
ngx_http_api_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_api_metrics_endpoint(cf, conf,
                                         ngx_http_api_status_handler);
}


static ngx_int_t
ngx_http_api_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_api_status_ctx_t  *ctx;
    ngx_http_api_main_conf_t   *amcf;

    static const char          *argv[] = { "INFO" };
    static const size_t         argvlen[] = { 4 };

    if (ngx_http_api_read_only(r, &rc) != NGX_OK) {
        return rc;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_api_status_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    if (amcf->server.len == 0) {
        ctx->redis = "not_configured";
        return ngx_http_api_status_send(r, ctx);
    }

    rc = ngx_http_api_redis_send(r, ngx_http_api_status_reply, ctx, 1, argv,
                                 argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    ctx->redis = (rc == NGX_HTTP_SERVICE_UNAVAILABLE) ? "unavailable"
                                                      : "error";

    return ngx_http_api_status_send(r, ctx);
}


static void
ngx_http_api_status_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_status_ctx_t *ctx = data;

    if (status == NGX_HTTP_GATEWAY_TIME_OUT) {
        ctx->redis = "timeout";

    } else if (status != NGX_OK) {
        ctx->redis = "unavailable";

    } else if (reply->type != REDIS_REPLY_STRING) {
        ctx->redis = "error";

    } else {
        ctx->redis = "up";
        ngx_http_api_status_info(ctx, reply);
    }

    ngx_http_finalize_request(r, ngx_http_api_status_send(r, ctx));
}


/*
 * Copies "role" and "redis_version" out of an INFO reply (it is freed
 * when the callback returns), keeping only [A-Za-z0-9._-].
 */

static void
ngx_http_api_status_info(ngx_http_api_status_ctx_t *ctx, redisReply *reply)
{
    u_char      *p, *end, *dst, *last;
    ngx_uint_t   i;

    static const char  *keys[] = { "\nrole:", "\nredis_version:" };

    end = (u_char *) reply->str + reply->len;

    for (i = 0; i < 2; i++) {
        dst = (i == 0) ? ctx->role : ctx->version;
        last = dst + NGX_HTTP_API_STATUS_FIELD - 1;

        p = ngx_strlcasestrn((u_char *) reply->str, end, (u_char *) keys[i],
                             ngx_strlen(keys[i]) - 1);
        if (p == NULL) {
            continue;
        }

        for (p += ngx_strlen(keys[i]); p < end && dst < last; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                  || (*p >= '0' && *p <= '9')
                  || *p == '.' || *p == '_' || *p == '-'))
            {
                break;
            }

            *dst++ = *p;
        }

        *dst = '\0';
    }
}


static ngx_int_t
ngx_http_api_status_send(ngx_http_request_t *r,
    ngx_http_api_status_ctx_t *ctx)
{
    u_char                          load[32], now[32], reset[32];
    ngx_http_api_main_conf_t       *amcf;
    ngx_http_api_metrics_out_t      out;
    ngx_http_api_metrics_totals_t   t;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    ngx_http_api_metrics_totals(amcf, &t);
    ngx_http_api_metrics_out_init(&out, r);

    *ngx_http_api_status_time(load, t.load_time) = '\0';
    *ngx_http_api_status_time(now, ngx_time()) = '\0';
    *ngx_http_api_status_time(reset, t.reset_time) = '\0';

    if (ngx_http_api_metrics_out_printf(&out, NGX_HTTP_API_STATUS_LINE,
            "{\"version\":\"" NGX_HTTP_API_VERSION "\","
            "\"nginx\":{\"version\":\"" NGINX_VERSION "\","
            "\"generation\":%ui,\"load_timestamp\":\"%s\","
            "\"timestamp\":\"%s\",\"pid\":%P,\"ppid\":%P},"
            "\"reset_timestamp\":\"%s\",",
            t.generation, load, now, ngx_pid, (ngx_pid_t) getppid(), reset)
        != NGX_OK
        || ngx_http_api_status_redis(&out, amcf, ctx, &t) != NGX_OK
        || ngx_http_api_status_workers(&out, amcf) != NGX_OK
        || ngx_http_api_status_locations(&out, amcf) != NGX_OK
        || ngx_http_api_status_families(&out, &t, 0) != NGX_OK
        || ngx_http_api_metrics_out_printf(&out, 2, "}") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_metrics_out_send(&out, &ngx_http_api_status_type);
}


static ngx_int_t
ngx_http_api_status_redis(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf, ngx_http_api_status_ctx_t *ctx,
    ngx_http_api_metrics_totals_t *t)
{
    u_char     *server;
    ngx_str_t   role, version;

    if (amcf->server.len) {
        server = ngx_pnalloc(out->r->pool,
                             amcf->server.len + 2
                             + ngx_escape_json(NULL, amcf->server.data,
                                               amcf->server.len));
        if (server == NULL) {
            return NGX_ERROR;
        }

        *server = '"';
        *(u_char *) ngx_escape_json(server + 1, amcf->server.data,
                                    amcf->server.len) = '\0';

    } else {
        server = (u_char *) "null";
    }

    ngx_str_set(&role, "null");
    ngx_str_set(&version, "null");

    if (ctx->role[0]) {
        role.data = ngx_pnalloc(out->r->pool, NGX_HTTP_API_STATUS_FIELD + 2);
        if (role.data == NULL) {
            return NGX_ERROR;
        }

        role.len = ngx_sprintf(role.data, "\"%s\"", ctx->role) - role.data;
    }

    if (ctx->version[0]) {
        version.data = ngx_pnalloc(out->r->pool,
                                   NGX_HTTP_API_STATUS_FIELD + 2);
        if (version.data == NULL) {
            return NGX_ERROR;
        }

        version.len = ngx_sprintf(version.data, "\"%s\"", ctx->version)
                      - version.data;
    }

    if (ngx_http_api_metrics_out_printf(out,
            NGX_HTTP_API_STATUS_LINE + ngx_strlen(server),
            "\"redis\":{\"server\":%s%s,\"status\":\"%s\",\"role\":%V,"
            "\"version\":%V,\"in_flight\":%ui,",
            server, amcf->server.len ? "\"" : "", ctx->redis, &role,
            &version, t->in_flight)
        != NGX_OK
        || ngx_http_api_status_conns(out, t->conns) != NGX_OK
        || ngx_http_api_metrics_out_printf(out, 2, ",") != NGX_OK
        || ngx_http_api_status_families(out, t, 1) != NGX_OK
        || ngx_http_api_metrics_out_printf(out, 2, "},") != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* "connections":{"down":0,...} */

static ngx_int_t
ngx_http_api_status_conns(ngx_http_api_metrics_out_t *out, ngx_uint_t *conns)
{
    return ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
               "\"connections\":{\"%s\":%ui,\"%s\":%ui,\"%s\":%ui,"
               "\"%s\":%ui}",
               ngx_http_api_metrics_conn_states[0], conns[0],
               ngx_http_api_metrics_conn_states[1], conns[1],
               ngx_http_api_metrics_conn_states[2], conns[2],
               ngx_http_api_metrics_conn_states[3], conns[3]);
}


static ngx_int_t
ngx_http_api_status_workers(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf)
{
    u_char                          started[32];
    ngx_uint_t                      i, n;
    ngx_http_api_metrics_worker_t   w;

    if (ngx_http_api_metrics_out_printf(out, 16, "\"workers\":[") != NGX_OK) {
        return NGX_ERROR;
    }

    n = 0;

    for (i = 0; ngx_http_api_metrics_worker_get(amcf, i, &w) != NGX_DONE;
         i++)
    {
        if (w.pid == 0) {
            continue;
        }

        *ngx_http_api_status_time(started, w.started) = '\0';

        if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                "%s{\"pid\":%P,\"started\":\"%s\",\"requests\":%ui,"
                "\"commands\":%ui,\"in_flight\":%ui,",
                n++ ? "," : "", w.pid, started, w.requests, w.commands,
                w.in_flight)
            != NGX_OK
            || ngx_http_api_status_conns(out, w.conns) != NGX_OK
            || ngx_http_api_metrics_out_printf(out, 2, "}") != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_api_metrics_out_printf(out, 4, "],");
}


/*
 * "locations":{"/v1/":{"requests":{"total":3,"GET":{"2xx":3}},
 *  "duration":{"count":3,"sum":0.002,"buckets":{"0.001":2,...}}}}
 */

static ngx_int_t
ngx_http_api_status_locations(ngx_http_api_metrics_out_t *out,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                        i, k, j, b, n, sep;
    ngx_http_api_metrics_location_t   loc;

    if (ngx_http_api_metrics_out_printf(out, 16, "\"locations\":{") != NGX_OK) {
        return NGX_ERROR;
    }

    for (i = 0; ngx_http_api_metrics_location_get(amcf, i, &loc) == NGX_OK;
         i++)
    {
        if (ngx_http_api_metrics_out_printf(out,
                NGX_HTTP_API_STATUS_LINE + loc.json.len,
                "%s\"%V\":{\"requests\":{\"total\":%ui",
                i ? "," : "", &loc.json, loc.count)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        for (k = 0; k < NGX_HTTP_API_M_METHODS; k++) {
            sep = 0;

            for (j = 0; j < NGX_HTTP_API_M_CLASSES; j++) {
                if (loc.requests[k][j] == 0) {
                    continue;
                }

                if ((!sep
                     && ngx_http_api_metrics_out_printf(out, 32, ",\"%s\":{",
                            ngx_http_api_metrics_methods[k])
                        != NGX_OK)
                    || ngx_http_api_metrics_out_printf(out,
                           NGX_HTTP_API_STATUS_LINE, "%s\"%s\":%ui",
                           sep ? "," : "", ngx_http_api_metrics_classes[j],
                           loc.requests[k][j])
                       != NGX_OK)
                {
                    return NGX_ERROR;
                }

                sep = 1;
            }

            if (sep && ngx_http_api_metrics_out_printf(out, 2, "}") != NGX_OK) {
                return NGX_ERROR;
            }
        }

        if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                "},\"duration\":{\"count\":%ui,\"sum\":%ui.%03ui,"
                "\"buckets\":{", loc.count, loc.sum / 1000, loc.sum % 1000)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        n = 0;

        for (b = 0; b < NGX_HTTP_API_M_BUCKETS; b++) {
            n += loc.buckets[b];

            if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                    "%s\"%s\":%ui", b ? "," : "",
                    ngx_http_api_metrics_buckets[b], n)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_api_metrics_out_printf(out, 8, "}}}") != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return ngx_http_api_metrics_out_printf(out, 4, "},");
}


/*
 * The counter families: inside "redis" ("commands":3,"errors":{...}) or
 * at the top level ("ratelimit":{...},...), the last one ending the
 * document.
 */

static ngx_int_t
ngx_http_api_status_families(ngx_http_api_metrics_out_t *out,
    ngx_http_api_metrics_totals_t *t, ngx_uint_t redis)
{
    ngx_uint_t                            i, n;
    const ngx_http_api_metrics_family_t  *f;

    n = 0;

    for (f = ngx_http_api_metrics_families; f->name != NULL; f++) {

        if (f->redis != redis) {
            continue;
        }

        if (f->label == NULL) {
            if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                    "%s\"%s\":%ui", n++ ? "," : "", f->json,
                    t->counters[f->first])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            continue;
        }

        if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                "%s\"%s\":{", n++ ? "," : "", f->json)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        for (i = 0; i < f->n; i++) {
            if (ngx_http_api_metrics_out_printf(out, NGX_HTTP_API_STATUS_LINE,
                    "%s\"%s\":%ui", i ? "," : "", f->values[i],
                    t->counters[f->first + i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        if (ngx_http_api_metrics_out_printf(out, 2, "}") != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* ISO 8601 in UTC: "2024-11-27T18:14:05Z" (at most 20 bytes) */

static u_char *
ngx_http_api_status_time(u_char *buf, time_t t)
{
    ngx_tm_t  tm;

    ngx_gmtime(t, &tm);

    return ngx_sprintf(buf, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                       tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                       tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);
}
