
/*
 * ngx_http_api_module: API keys (api_key), checked in the access phase.
 *
 * A key arrives as "Authorization: Bearer <key>" or in the header that
 * api_key_header names.  Redis holds only its SHA-256 digest:
 * <prefix>key:<hex digest> is a hash {name, scopes, created, expires}.
 * Each worker caches lookups, found or not, for api_key_cache_valid, keyed
 * by the key as presented (key_cache.c), so a hot key costs no digest and
 * no round trip, and a revoked key stops working everywhere within that
 * time.
 */


#include "ngx_http_api_key.h"
#include "ngx_http_api_key_cache.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"


#define NGX_HTTP_API_BEARER  "Bearer realm=\"api\""
#define NGX_HTTP_API_BEARER_INVALID                                           \
    "Bearer realm=\"api\", error=\"invalid_token\""


typedef struct {
    ngx_http_api_loc_conf_t     *alcf;
    ngx_str_t                    key;        /* in the request's headers */
    u_char                       digest[NGX_HTTP_API_SHA256_LEN];
} ngx_http_api_key_lookup_t;


static ngx_int_t ngx_http_api_key_presented(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *key);
static void ngx_http_api_key_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static ngx_int_t ngx_http_api_key_decide(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st,
    ngx_http_api_key_entry_t *e);
static ngx_uint_t ngx_http_api_key_scope_match(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *scopes, ngx_str_t *need);


ngx_int_t
ngx_http_api_key_check(ngx_http_request_t *r, ngx_http_api_loc_conf_t *alcf,
    ngx_http_api_policy_t *st)
{
    size_t                      len;
    ngx_int_t                   rc;
    ngx_str_t                   key;
    const char                 *argv[5];
    size_t                      argvlen[5];
    ngx_http_api_key_entry_t   *e;
    ngx_http_api_main_conf_t   *amcf;
    ngx_http_api_key_lookup_t  *lk;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    rc = ngx_http_api_key_presented(r, alcf, &key);

    if (rc != NGX_OK) {
        st->key_done = 1;

        if (rc == NGX_DECLINED) {
            ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_MISSING);
            ngx_http_api_policy_deny(st, NGX_HTTP_UNAUTHORIZED,
                                     "api_key_missing",
                                     "This resource needs an API key.");
            st->authenticate = NGX_HTTP_API_BEARER;

        } else {
            ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_INVALID);
            ngx_http_api_policy_deny(st, NGX_HTTP_UNAUTHORIZED,
                                     "api_key_invalid",
                                     "The API key is not valid.");
            st->authenticate = NGX_HTTP_API_BEARER_INVALID;
        }

        return NGX_OK;
    }

    /* a hot key: no digest, no round trip */

    e = ngx_http_api_key_cache_get(amcf->key_cache, &key);

    if (e != NULL) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api key: cached, found:%ui", e->found);

        st->key_done = 1;
        return ngx_http_api_key_decide(r, alcf, st, e);
    }

    lk = ngx_palloc(r->pool, sizeof(ngx_http_api_key_lookup_t));
    if (lk == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_api_sha256_plain(&key, lk->digest) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    lk->alcf = alcf;
    lk->key = key;

    argv[0] = "HMGET";
    argvlen[0] = 5;
    argv[1] = (const char *) ngx_http_api_key_record(r->pool, amcf,
                                                     lk->digest, &len);
    argvlen[1] = len;
    argv[2] = "name";
    argvlen[2] = 4;
    argv[3] = "scopes";
    argvlen[3] = 6;
    argv[4] = "expires";
    argvlen[4] = 7;

    if (argv[1] == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_api_redis_send(r, ngx_http_api_key_reply, lk, 5, argv,
                                 argvlen);
    if (rc == NGX_OK) {
        return NGX_AGAIN;
    }

    st->key_done = 1;
    ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_UNAVAILABLE);
    ngx_http_api_policy_deny(st, NGX_HTTP_SERVICE_UNAVAILABLE,
                             "api_key_unavailable",
                             "The API key cannot be checked now; try "
                             "again shortly.");
    st->retry_after = 1;

    return NGX_OK;
}


u_char *
ngx_http_api_key_record(ngx_pool_t *pool, ngx_http_api_main_conf_t *amcf,
    u_char *digest, size_t *len)
{
    u_char  *p, *s;

    s = ngx_pnalloc(pool, amcf->prefix.len + sizeof("key:") - 1
                          + NGX_HTTP_API_SHA256_HEX_LEN);
    if (s == NULL) {
        return NULL;
    }

    p = ngx_sprintf(s, "%Vkey:", &amcf->prefix);
    p = ngx_hex_dump(p, digest, NGX_HTTP_API_SHA256_LEN);

    *len = p - s;

    return s;
}


/*
 * The key the request presents: NGX_OK, NGX_DECLINED when there is none,
 * NGX_ERROR when it is malformed.
 */

static ngx_int_t
ngx_http_api_key_presented(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *key)
{
    u_char           *p, *last;
    ngx_uint_t        i;
    ngx_table_elt_t  *h;

    if (alcf->key_header.len == 0) {
        h = r->headers_in.authorization;

        if (h == NULL) {
            return NGX_DECLINED;
        }

        p = h->value.data;
        last = p + h->value.len;

        if (h->value.len < sizeof("Bearer ") - 1
            || ngx_strncasecmp(p, (u_char *) "Bearer ", 7) != 0)
        {
            /* another scheme (Basic...): no key presented */
            return NGX_DECLINED;
        }

        for (p += 7; p < last && *p == ' '; p++) { /* void */ }

        key->data = p;
        key->len = last - p;

    } else {
        h = ngx_http_api_parse_header(r, alcf->key_header.data,
                                      alcf->key_header.len, NULL);
        if (h == NULL) {
            return NGX_DECLINED;
        }

        key->data = h->value.data;
        key->len = h->value.len;
    }

    if (key->len == 0 || key->len > NGX_HTTP_API_KEY_MAX) {
        return NGX_ERROR;
    }

    for (i = 0; i < key->len; i++) {
        if (key->data[i] <= 0x20 || key->data[i] >= 0x7f) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* HMGET <record> name scopes expires: three nils when the key is unknown. */

static void
ngx_http_api_key_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_key_lookup_t *lk = data;

    time_t                      expires;
    ngx_str_t                   name, scopes;
    ngx_uint_t                  found;
    redisReply                **e;
    ngx_http_api_ctx_t         *ctx;
    ngx_http_api_policy_t      *st;
    ngx_http_api_key_entry_t   *entry, local;
    ngx_http_api_main_conf_t   *amcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    st = ctx->policy;
    st->key_done = 1;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    if (status != NGX_OK || reply->type == REDIS_REPLY_ERROR) {
        if (status == NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "api key: lookup failed: %*s",
                          (size_t) reply->len, reply->str);
        }

        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_UNAVAILABLE);
        ngx_http_api_policy_deny(st, status == NGX_HTTP_GATEWAY_TIME_OUT
                                     ? NGX_HTTP_GATEWAY_TIME_OUT
                                     : NGX_HTTP_SERVICE_UNAVAILABLE,
                                 "api_key_unavailable",
                                 "The API key cannot be checked now; try "
                                 "again shortly.");
        st->retry_after = 1;
        goto done;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api key: unexpected HMGET reply");
        ngx_http_api_policy_deny(st, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                 "internal_error", "Unexpected reply.");
        goto done;
    }

    e = reply->element;
    found = (e[0]->type == REDIS_REPLY_STRING);

    ngx_str_null(&name);
    ngx_str_null(&scopes);
    expires = 0;

    if (found) {
        name.data = (u_char *) e[0]->str;
        name.len = ngx_min(e[0]->len, NGX_HTTP_API_KEY_NAME_MAX);

        if (e[1]->type == REDIS_REPLY_STRING) {
            scopes.data = (u_char *) e[1]->str;
            scopes.len = ngx_min(e[1]->len, NGX_HTTP_API_SCOPES_MAX
                                            * (NGX_HTTP_API_SCOPE_MAX + 1));
        }

        if (e[2]->type == REDIS_REPLY_STRING) {
            expires = ngx_atotm((u_char *) e[2]->str, e[2]->len);
            if (expires == NGX_ERROR) {
                expires = 1;  /* unreadable: treat as long expired */
            }
        }
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api key: looked up, found:%ui", found);

    entry = NULL;

    if (amcf->key_cache_valid) {
        entry = ngx_http_api_key_cache_put(amcf->key_cache, &lk->key,
                                           &name, &scopes, expires, found,
                                           amcf->key_cache_valid);
    }

    if (entry == NULL) {
        /* not cached: decided from the reply, copied before it goes */
        local.found = found;
        local.expires = expires;
        local.name = name;
        local.scopes = scopes;
        entry = &local;
    }

    if (ngx_http_api_key_decide(r, lk->alcf, st, entry) != NGX_OK) {
        ngx_http_api_policy_deny(st, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                 "internal_error", "Out of memory.");
    }

done:

    ngx_http_api_policy_resume(r);
}


static ngx_int_t
ngx_http_api_key_decide(ngx_http_request_t *r, ngx_http_api_loc_conf_t *alcf,
    ngx_http_api_policy_t *st, ngx_http_api_key_entry_t *e)
{
    u_char              *p;
    ngx_str_t            need;
    ngx_http_api_ctx_t  *ctx;

    if (!e->found) {
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_INVALID);
        ngx_http_api_policy_deny(st, NGX_HTTP_UNAUTHORIZED, "api_key_invalid",
                                 "The API key is not valid.");
        st->authenticate = NGX_HTTP_API_BEARER_INVALID;
        return NGX_OK;
    }

    if (e->expires && e->expires <= ngx_time()) {
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_EXPIRED);
        ngx_http_api_policy_deny(st, NGX_HTTP_UNAUTHORIZED, "api_key_expired",
                                 "The API key has expired.");
        st->authenticate = NGX_HTTP_API_BEARER_INVALID;
        return NGX_OK;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    ctx->key_name.data = ngx_pstrdup(r->pool, &e->name);
    if (ctx->key_name.data == NULL) {
        return NGX_ERROR;
    }

    ctx->key_name.len = e->name.len;

    if (ngx_http_api_key_scope_match(r, alcf, &e->scopes, &need)) {
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_OK);
        return NGX_OK;
    }

    ngx_http_api_metrics_count(r, NGX_HTTP_API_M_AUTH_FORBIDDEN);

    ngx_http_api_policy_deny(st, NGX_HTTP_FORBIDDEN, "insufficient_scope",
                             "The API key lacks the scope this request "
                             "needs (see WWW-Authenticate).");

    p = ngx_pnalloc(r->pool, sizeof(NGX_HTTP_API_BEARER ", error=\""
                                    "insufficient_scope\", scope=\"\"")
                             + need.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    *ngx_sprintf(p, NGX_HTTP_API_BEARER ", error=\"insufficient_scope\", "
                 "scope=\"%V\"", &need) = '\0';

    st->authenticate = (const char *) p;

    return NGX_OK;
}


/*
 * GET, HEAD and OPTIONS need "read", the rest "write"; either is also
 * granted per resource, "read:<name>": the name is api_key_scope's, or in
 * an api location the collection the request is for.
 */

static ngx_uint_t
ngx_http_api_key_scope_match(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_str_t *scopes, ngx_str_t *need)
{
    u_char     *p, *last, *end, *s;
    ngx_str_t   what, resource;

    if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_OPTIONS)) {
        ngx_str_set(&what, "read");

    } else {
        ngx_str_set(&what, "write");
    }

    resource = alcf->key_scope;

    if (resource.len == 0 && alcf->api_loc != NULL
        && r->uri.len > alcf->api_loc->base.len)
    {
        resource.data = r->uri.data + alcf->api_loc->base.len;
        last = r->uri.data + r->uri.len;

        for (p = resource.data; p < last && *p != '/'; p++) { /* void */ }

        resource.len = p - resource.data;
    }

    p = scopes->data;
    last = p + scopes->len;

    while (p < last) {
        end = ngx_strlchr(p, last, ' ');
        if (end == NULL) {
            end = last;
        }

        if ((size_t) (end - p) == what.len
            && ngx_strncmp(p, what.data, what.len) == 0)
        {
            return 1;
        }

        if (resource.len
            && (size_t) (end - p) == what.len + 1 + resource.len
            && ngx_strncmp(p, what.data, what.len) == 0
            && p[what.len] == ':'
            && ngx_strncmp(p + what.len + 1, resource.data, resource.len)
               == 0)
        {
            return 1;
        }

        p = end + 1;
    }

    /* refused: the scope to name in WWW-Authenticate */

    *need = what;

    if (resource.len) {
        s = ngx_pnalloc(r->pool, what.len + 1 + resource.len);
        if (s != NULL) {
            need->data = s;
            need->len = ngx_sprintf(s, "%V:%V", &what, &resource) - s;
        }
    }

    return 0;
}


/* api_key on | off; */

char *
ngx_http_api_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    char                      *rv;
    ngx_http_api_main_conf_t  *amcf;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK || !alcf->key) {
        return rv;
    }

    ngx_http_api_metrics_mark(alcf);

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    ngx_http_api_needs_redis(cf, amcf);

    return NGX_CONF_OK;
}


/* api_key_scope name;  [A-Za-z0-9_-]{1,64}, as in "read:name". */

char *
ngx_http_api_key_scope(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    char  *rv;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (ngx_http_api_conf_name(cf, &alcf->key_scope, "scope") != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}
