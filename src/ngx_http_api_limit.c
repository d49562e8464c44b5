
/*
 * ngx_http_api_module: rate limits.
 *
 * api_limit_req_zone names a limit: a key (any nginx variables), a rate
 * and what to do when Redis cannot be asked.  api_limit_req applies zones
 * to a location with a burst.  All the limits of a location are decided
 * by one script call (src/lua/gcra.lua), so every nginx node sharing the
 * Redis enforces one combined limit.  The zone's shared memory holds the
 * per-node fallback state for fail=local.
 */


#include "ngx_http_api_limit.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_limit_local.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_metrics.h"

#include "ngx_http_api_lua.h"


#define NGX_HTTP_API_LIMIT_FAIL_LOCAL   0
#define NGX_HTTP_API_LIMIT_FAIL_OPEN    1
#define NGX_HTTP_API_LIMIT_FAIL_CLOSED  2

/* keys longer than this are sent as their SHA-256 */
#define NGX_HTTP_API_LIMIT_KEY_MAX      128

#define NGX_HTTP_API_LIMIT_WARN_EVERY   10   /* seconds, per zone and worker */




static void ngx_http_api_limit_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static ngx_uint_t ngx_http_api_limit_used(ngx_http_api_main_conf_t *amcf,
    ngx_shm_zone_t *shm_zone);
static ngx_int_t ngx_http_api_limit_number(u_char **pp, u_char *last,
    ngx_int_t *n);
static void ngx_http_api_limit_failed(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st,
    const char *why);
static void ngx_http_api_limit_decide(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st,
    ngx_uint_t counted);


/*
 * api_limit_req_zone key zone=name:size rate=rate [fail=local|open|closed];
 */

char *
ngx_http_api_limit_req_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_main_conf_t *amcf = conf;

    u_char                            *p;
    size_t                             len;
    ssize_t                            size;
    ngx_str_t                         *value, name, s;
    ngx_int_t                          rate, scale;
    ngx_uint_t                         i, fail;
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_api_limit_zone_t         *zone, **zp;
    ngx_http_compile_complex_value_t   ccv;

    value = cf->args->elts;

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_limit_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = &zone->key;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    size = 0;
    rate = 0;
    scale = 1;
    fail = NGX_HTTP_API_LIMIT_FAIL_LOCAL;
    ngx_str_null(&name);

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {

            name.data = value[i].data + 5;

            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid zone size \"%V\": use "
                                   "zone=name:size", &value[i]);
                return NGX_CONF_ERROR;
            }

            name.len = p - name.data;

            s.data = p + 1;
            s.len = value[i].data + value[i].len - s.data;

            size = ngx_parse_size(&s);

            if (size == NGX_ERROR
                || !ngx_http_api_is_name(name.data, name.len))
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid zone \"%V\": the name is "
                                   NGX_HTTP_API_NAME_RULE ", the size "
                                   "e.g. 1m", &value[i]);
                return NGX_CONF_ERROR;
            }

            if (size < (ssize_t) (8 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "zone \"%V\" is too small: at least "
                                   "%uzk", &value[i],
                                   8 * ngx_pagesize / 1024);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "rate=", 5) == 0) {

            len = value[i].len;
            p = value[i].data + len - 3;

            if (len > 8 && ngx_strncmp(p, "r/s", 3) == 0) {
                scale = 1;

            } else if (len > 8 && ngx_strncmp(p, "r/m", 3) == 0) {
                scale = 60;

            } else {
                goto bad_rate;
            }

            rate = ngx_atoi(value[i].data + 5, len - 8);

            if (rate <= 0 || rate > 1000000) {
                goto bad_rate;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "fail=local") == 0) {
            fail = NGX_HTTP_API_LIMIT_FAIL_LOCAL;
            continue;
        }

        if (ngx_strcmp(value[i].data, "fail=open") == 0) {
            fail = NGX_HTTP_API_LIMIT_FAIL_OPEN;
            continue;
        }

        if (ngx_strcmp(value[i].data, "fail=closed") == 0) {
            fail = NGX_HTTP_API_LIMIT_FAIL_CLOSED;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (rate == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"rate\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    shm_zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_api_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    zone->name = name;
    zone->interval = (ngx_uint_t) scale * 1000000 / rate;
    zone->quota = rate;
    zone->window = scale;
    zone->fail = fail;
    zone->shm_zone = shm_zone;

    if (zone->interval == 0) {
        zone->interval = 1;
    }

    /* what each request sends and answers, formatted once */

    zone->interval_text.data = ngx_pnalloc(cf->pool, NGX_INT_T_LEN);
    zone->policy.data = ngx_pnalloc(cf->pool, name.len + 2 * NGX_INT_T_LEN
                                              + sizeof("\"\";q=;w="));
    if (zone->interval_text.data == NULL || zone->policy.data == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->interval_text.len = ngx_sprintf(zone->interval_text.data, "%ui",
                                          zone->interval)
                              - zone->interval_text.data;
    zone->policy.len = ngx_sprintf(zone->policy.data, "\"%V\";q=%ui;w=%ui",
                                   &name, zone->quota, zone->window)
                       - zone->policy.data;

    shm_zone->init = ngx_http_api_limit_init_zone;
    shm_zone->data = zone;

    zp = ngx_array_push(&amcf->limit_zones);
    if (zp == NULL) {
        return NGX_CONF_ERROR;
    }

    *zp = zone;

    return NGX_CONF_OK;

bad_rate:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid rate \"%V\": use a number from 1 to 1000000 "
                       "with \"r/s\" or \"r/m\", e.g. rate=10r/s", &value[i]);
    return NGX_CONF_ERROR;
}


/* api_limit_req zone=name [burst=number] [dry_run]; */

char *
ngx_http_api_limit_req(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_int_t                  burst;
    ngx_str_t                 *value, s;
    ngx_shm_zone_t           **zp;
    ngx_http_api_main_conf_t  *amcf;
    ngx_uint_t                 i, dry_run;
    ngx_shm_zone_t            *shm_zone;
    ngx_http_api_limit_t      *limit, *limits;

    value = cf->args->elts;
    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    shm_zone = NULL;
    burst = 0;
    dry_run = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {

            s.len = value[i].len - 5;
            s.data = value[i].data + 5;

            shm_zone = ngx_shared_memory_add(cf, &s, 0, &ngx_http_api_module);
            if (shm_zone == NULL) {
                return NGX_CONF_ERROR;
            }

            /* checked once the configuration is read: limit_init() */
            zp = ngx_array_push(&amcf->limit_uses);
            if (zp == NULL) {
                return NGX_CONF_ERROR;
            }

            *zp = shm_zone;

            continue;
        }

        if (ngx_strncmp(value[i].data, "burst=", 6) == 0) {

            burst = ngx_atoi(value[i].data + 6, value[i].len - 6);
            if (burst < 0 || burst > 1000000) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid burst value \"%V\": must be a "
                                   "number from 0 to 1000000", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strcmp(value[i].data, "dry_run") == 0) {
            dry_run = 1;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (shm_zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    if (alcf->limits == NULL || alcf->limits == NGX_CONF_UNSET_PTR) {
        alcf->limits = ngx_array_create(cf->pool, 2,
                                        sizeof(ngx_http_api_limit_t));
        if (alcf->limits == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    limits = alcf->limits->elts;

    for (i = 0; i < alcf->limits->nelts; i++) {
        if (shm_zone == limits[i].shm_zone) {
            return "is duplicate";
        }
    }

    limit = ngx_array_push(alcf->limits);
    if (limit == NULL) {
        return NGX_CONF_ERROR;
    }

    limit->shm_zone = shm_zone;
    limit->burst = burst;
    limit->dry_run = dry_run;

    limit->burst_text.data = ngx_pnalloc(cf->pool, NGX_INT_T_LEN);
    if (limit->burst_text.data == NULL) {
        return NGX_CONF_ERROR;
    }

    limit->burst_text.len = ngx_sprintf(limit->burst_text.data, "%i", burst)
                            - limit->burst_text.data;

    ngx_http_api_metrics_mark(alcf);
    ngx_http_api_needs_redis(cf, amcf);

    return NGX_CONF_OK;
}


/* Whether an api_limit_req names this zone (its zone may be another's). */

static ngx_uint_t
ngx_http_api_limit_used(ngx_http_api_main_conf_t *amcf,
    ngx_shm_zone_t *shm_zone)
{
    ngx_shm_zone_t  **z;
    ngx_uint_t        i;

    z = amcf->limit_uses.elts;

    for (i = 0; i < amcf->limit_uses.nelts; i++) {
        if (z[i] == shm_zone) {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_http_api_limit_init(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    ngx_str_t         name = ngx_string("gcra");
    ngx_str_t         source;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_shm_zone_t   *shm_zone;

    /* a zone used by api_limit_req but never defined has no data */

    part = &cf->cycle->shared_memory.part;
    shm_zone = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            shm_zone = part->elts;
            i = 0;
        }

        if (shm_zone[i].tag == &ngx_http_api_module
            && (shm_zone[i].data == NULL
                || shm_zone[i].init != ngx_http_api_limit_init_zone)
            && ngx_http_api_limit_used(amcf, &shm_zone[i]))
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "unknown api_limit_req_zone \"%V\"",
                          &shm_zone[i].shm.name);
            return NGX_ERROR;
        }
    }

    if (amcf->limit_zones.nelts == 0) {
        return NGX_OK;
    }

    source.data = (u_char *) ngx_http_api_lua_gcra;
    source.len = sizeof(ngx_http_api_lua_gcra) - 1;

    return ngx_http_api_redis_add_script(cf, amcf, &name, &source,
                                         &amcf->gcra);
}


ngx_int_t
ngx_http_api_limit_check(ngx_http_request_t *r, ngx_http_api_loc_conf_t *alcf,
    ngx_http_api_policy_t *st)
{
    int                          argc, nkeys;
    u_char                      *p;
    size_t                      *argvlen;
    ngx_int_t                    rc;
    ngx_str_t                    key;
    ngx_uint_t                   i, n;
    const char                 **argv;
    ngx_http_api_limit_t        *limits;
    ngx_http_api_limit_zone_t   *zone;
    ngx_http_api_main_conf_t    *amcf;
    ngx_http_api_limit_state_t  *ls;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    limits = alcf->limits->elts;
    n = alcf->limits->nelts;

    st->limits = ngx_pcalloc(r->pool, n * sizeof(ngx_http_api_limit_state_t));
    argv = ngx_palloc(r->pool, 4 * n * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 4 * n * sizeof(size_t));

    if (st->limits == NULL || argv == NULL || argvlen == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    st->nlimits = n;
    nkeys = 0;

    /* the keys first, then three arguments per key */

    for (i = 0; i < n; i++) {
        zone = limits[i].shm_zone->data;
        ls = &st->limits[i];

        if (ngx_http_complex_value(r, &zone->key, &key) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (key.len == 0) {
            /* as limit_req: an empty key is not limited */
            continue;
        }

        if (key.len > NGX_HTTP_API_LIMIT_KEY_MAX) {
            p = ngx_pnalloc(r->pool, NGX_HTTP_API_SHA256_HEX_LEN);
            if (p == NULL
                || ngx_http_api_sha256_hex(&key, 1, p) != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            key.data = p;
            key.len = NGX_HTTP_API_SHA256_HEX_LEN;
        }

        ls->key = key;

        p = ngx_pnalloc(r->pool, amcf->prefix.len + sizeof("rl::") - 1
                                 + zone->name.len + key.len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        argv[nkeys] = (const char *) p;

        p = ngx_cpymem(p, amcf->prefix.data, amcf->prefix.len);
        p = ngx_cpymem(p, "rl:", 3);
        p = ngx_cpymem(p, zone->name.data, zone->name.len);
        *p++ = ':';
        p = ngx_cpymem(p, key.data, key.len);
        argvlen[nkeys] = p - (u_char *) argv[nkeys];

        nkeys++;
    }

    if (nkeys == 0) {
        st->limit_done = 1;
        return NGX_OK;
    }

    argc = nkeys;

    for (i = 0; i < n; i++) {
        if (st->limits[i].key.len == 0) {
            continue;
        }

        zone = limits[i].shm_zone->data;

        argv[argc] = (const char *) zone->interval_text.data;
        argvlen[argc++] = zone->interval_text.len;

        argv[argc] = (const char *) limits[i].burst_text.data;
        argvlen[argc++] = limits[i].burst_text.len;

        argv[argc] = limits[i].dry_run ? "1" : "0";
        argvlen[argc++] = 1;
    }

    rc = ngx_http_api_redis_eval(r, ngx_http_api_limit_reply, alcf,
                                 amcf->gcra, nkeys, argc, argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_AGAIN;
    }

    ngx_http_api_limit_failed(r, alcf, st,
                              rc == NGX_HTTP_SERVICE_UNAVAILABLE
                              ? "no Redis connection" : "internal error");
    return NGX_OK;
}


static void
ngx_http_api_limit_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_loc_conf_t *alcf = data;

    u_char                      *p, *last;
    ngx_int_t                    n, v[4];
    ngx_uint_t                   i, k;
    ngx_http_api_ctx_t          *ctx;
    ngx_http_api_policy_t       *st;
    ngx_http_api_limit_state_t  *ls;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    st = ctx->policy;

    if (status != NGX_OK) {
        ngx_http_api_limit_failed(r, alcf, st,
                                  status == NGX_HTTP_GATEWAY_TIME_OUT
                                  ? "Redis timed out" : "Redis unavailable");
        goto done;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api limit: script failed: %*s",
                      (size_t) reply->len, reply->str);
        ngx_http_api_limit_failed(r, alcf, st, "Redis error");
        goto done;
    }

    /* "refused" then per limit with a key: "remaining reset retry over" */

    if (reply->type != REDIS_REPLY_STRING) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api limit: unexpected script reply");
        ngx_http_api_limit_failed(r, alcf, st, "unexpected reply");
        goto done;
    }

    p = (u_char *) reply->str;
    last = p + reply->len;

    if (ngx_http_api_limit_number(&p, last, &n) != NGX_OK) {
        goto bad;
    }

    for (i = 0; i < st->nlimits; i++) {
        ls = &st->limits[i];

        if (ls->key.len == 0) {
            continue;
        }

        for (k = 0; k < 4; k++) {
            if (ngx_http_api_limit_number(&p, last, &v[k]) != NGX_OK) {
                goto bad;
            }
        }

        ls->remaining = v[0];
        ls->reset = (v[1] + 999999) / 1000000;
        ls->retry = (v[2] + 999999) / 1000000;
        ls->over = v[3] ? 1 : 0;
    }

    if (p != last) {
        goto bad;
    }

    ngx_http_api_limit_decide(r, alcf, st, 0);

done:

    st->limit_done = 1;
    ngx_http_api_policy_resume(r);
    return;

bad:

    ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                  "api limit: unexpected script reply \"%*s\"",
                  (size_t) reply->len, reply->str);
    ngx_http_api_limit_failed(r, alcf, st, "unexpected reply");
    goto done;
}


/* The next of the script's space-separated integers. */

static ngx_int_t
ngx_http_api_limit_number(u_char **pp, u_char *last, ngx_int_t *n)
{
    u_char  *p, *start;

    p = *pp;

    if (p < last && *p == ' ') {
        p++;
    }

    start = p;

    while (p < last && *p != ' ') {
        p++;
    }

    *n = ngx_atoi(start, p - start);
    *pp = p;

    return *n == NGX_ERROR ? NGX_ERROR : NGX_OK;
}


/*
 * Redis could not decide: each limit does what its zone's fail= says.
 */

static void
ngx_http_api_limit_failed(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st,
    const char *why)
{
    ngx_uint_t                   i;
    ngx_http_api_limit_t        *limits;
    ngx_http_api_limit_zone_t   *zone;
    ngx_http_api_limit_state_t  *ls;

    limits = alcf->limits->elts;

    for (i = 0; i < st->nlimits; i++) {
        ls = &st->limits[i];

        if (ls->key.len == 0) {
            continue;
        }

        zone = limits[i].shm_zone->data;

        if (ngx_time() - zone->warned >= NGX_HTTP_API_LIMIT_WARN_EVERY) {
            zone->warned = ngx_time();
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "api limit: zone \"%V\" cannot use Redis (%s), "
                          "failing %s", &zone->name, why,
                          zone->fail == NGX_HTTP_API_LIMIT_FAIL_OPEN ? "open"
                          : zone->fail == NGX_HTTP_API_LIMIT_FAIL_CLOSED
                            ? "closed" : "to the local limit");
        }

        switch (zone->fail) {

        case NGX_HTTP_API_LIMIT_FAIL_CLOSED:
            ngx_http_api_metrics_count(r, NGX_HTTP_API_M_RL_FAILED_CLOSED);
            ngx_http_api_policy_deny(st, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "ratelimit_unavailable",
                                     "The rate limit cannot be checked "
                                     "now; try again shortly.");
            ls->key.len = 0;
            break;

        case NGX_HTTP_API_LIMIT_FAIL_OPEN:
            ngx_http_api_metrics_count(r, NGX_HTTP_API_M_RL_FAILED_OPEN);
            /* passes, and reports no figures it does not have */
            ls->key.len = 0;
            break;

        default: /* NGX_HTTP_API_LIMIT_FAIL_LOCAL */
            ngx_http_api_metrics_count(r, NGX_HTTP_API_M_RL_LOCAL);
            ngx_http_api_limit_local(zone, &limits[i], ls,
                                     r->connection->log);
        }
    }

    ngx_http_api_limit_decide(r, alcf, st, 1);
}


/*
 * Records the refusal (if any) and the remaining count for the logs, and
 * counts each limit's decision (unless already counted as a failure).
 */

static void
ngx_http_api_limit_decide(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st,
    ngx_uint_t counted)
{
    ngx_int_t                    remaining;
    ngx_uint_t                   i;
    ngx_http_api_ctx_t          *ctx;
    ngx_http_api_limit_t        *limits;
    ngx_http_api_limit_zone_t   *zone;
    ngx_http_api_limit_state_t  *ls;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    limits = alcf->limits->elts;
    remaining = -1;

    for (i = 0; i < st->nlimits; i++) {
        ls = &st->limits[i];

        if (ls->key.len == 0) {
            continue;
        }

        if (remaining == -1 || ls->remaining < remaining) {
            remaining = ls->remaining;
        }

        if (!counted) {
            ngx_http_api_metrics_count(r, !ls->over ? NGX_HTTP_API_M_RL_PASSED
                                          : limits[i].dry_run
                                            ? NGX_HTTP_API_M_RL_DRY_RUN
                                            : NGX_HTTP_API_M_RL_REJECTED);
        }

        if (!ls->over) {
            continue;
        }

        zone = limits[i].shm_zone->data;

        if (limits[i].dry_run) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api limit: dry run, over the limit of zone "
                          "\"%V\", key \"%V\"", &zone->name, &ls->key);
            continue;
        }

        /* every enforced limit must admit the retry: the longest wait */
        if (st->status == 0 || st->status == NGX_HTTP_TOO_MANY_REQUESTS) {
            st->retry_after = ngx_max(ngx_max(ls->retry, 1), st->retry_after);
        }

        ngx_http_api_policy_deny(st, NGX_HTTP_TOO_MANY_REQUESTS,
                                 "rate_limited",
                                 "Too many requests; retry after the "
                                 "number of seconds in Retry-After.");
    }

    ctx->ratelimit_remaining = remaining;
}


/*
 * RateLimit-Policy: "zone";q=10;w=1, ...   (the rate: q requests per w s)
 * RateLimit: "zone";r=4;t=1, ...           (r more now; t s to refill)
 * (draft-ietf-httpapi-ratelimit-headers)
 */

ngx_int_t
ngx_http_api_limit_headers(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st)
{
    u_char                      *policy, *pp, *state, *sp;
    size_t                       len;
    ngx_uint_t                   i;
    ngx_http_api_limit_t        *limits;
    ngx_http_api_limit_zone_t   *zone;
    ngx_http_api_limit_state_t  *ls;

    if (alcf->limits == NULL || alcf->limits->nelts != st->nlimits) {
        return NGX_OK;
    }

    limits = alcf->limits->elts;
    len = 0;

    for (i = 0; i < st->nlimits; i++) {
        zone = limits[i].shm_zone->data;
        len += zone->policy.len + sizeof(";r=;t=, ") + 2 * NGX_INT_T_LEN;
    }

    policy = ngx_pnalloc(r->pool, len);
    state = ngx_pnalloc(r->pool, len);
    if (policy == NULL || state == NULL) {
        return NGX_ERROR;
    }

    pp = policy;
    sp = state;

    for (i = 0; i < st->nlimits; i++) {
        ls = &st->limits[i];

        if (ls->key.len == 0) {
            continue;
        }

        zone = limits[i].shm_zone->data;

        if (pp != policy) {
            pp = ngx_cpymem(pp, ", ", 2);
            sp = ngx_cpymem(sp, ", ", 2);
        }

        pp = ngx_cpymem(pp, zone->policy.data, zone->policy.len);

        /* "name";r=4;t=1: the policy's first member, then the state */
        sp = ngx_cpymem(sp, zone->policy.data, zone->name.len + 2);
        sp = ngx_cpymem(sp, ";r=", 3);
        sp = ngx_http_api_write_uint(sp, ls->remaining > 0 ? ls->remaining
                                                           : 0);
        sp = ngx_cpymem(sp, ";t=", 3);
        sp = ngx_http_api_write_uint(sp, ls->reset);
    }

    if (pp == policy) {
        return NGX_OK;
    }

    if (ngx_http_api_add_header(r, "RateLimit-Policy", policy, pp - policy)
        != NGX_OK
        || ngx_http_api_add_header(r, "RateLimit", state, sp - state)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}
