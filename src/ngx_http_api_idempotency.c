
/*
 * ngx_http_api_module: Idempotency-Key on POST and PATCH
 * (draft-ietf-httpapi-idempotency-key-header).
 *
 * Before the body is read, the request takes an in-flight lock,
 * SET <lock> <token> NX PX <api_idempotency_lock_ttl>: a second request
 * with the key gets 409 while the first runs.  The write script then, in
 * one step, replays the response recorded under the key, refuses the key
 * for a different request (422), or writes and records its response; and
 * releases the lock.  A request that ends before its script ran releases
 * the lock from a pool cleanup, with a detached compare-and-delete.
 */


#include "ngx_http_api_idempotency.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_store.h"


#define NGX_HTTP_API_IDEM_KEY_MAX  255


static ngx_int_t ngx_http_api_idem_header(ngx_http_request_t *r,
    ngx_str_t *key);
static ngx_int_t ngx_http_api_idem_parse(ngx_pool_t *pool, ngx_str_t *value,
    ngx_str_t *key);
static ngx_int_t ngx_http_api_idem_keys(ngx_http_request_t *r,
    ngx_http_api_idem_t *idem, ngx_str_t *index, ngx_str_t *key);
static ngx_int_t ngx_http_api_idem_key(ngx_pool_t *pool, ngx_str_t *index,
    const char *kind, u_char *hash, ngx_str_t *key);
static void ngx_http_api_idem_lock_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static void ngx_http_api_idem_cleanup(void *data);


ngx_int_t
ngx_http_api_idem_lock(ngx_http_request_t *r, ngx_str_t *index,
    ngx_http_api_idem_next_pt next, ngx_http_api_idem_t **idem)
{
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_str_t                 key;
    const char              **argv;
    size_t                   *argvlen;
    ngx_pool_cleanup_t       *cln;
    ngx_http_api_idem_t      *ik;
    ngx_http_api_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->idempotency == NGX_HTTP_API_IDEM_OFF) {
        return NGX_DECLINED;
    }

    rc = ngx_http_api_idem_header(r, &key);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        if (alcf->idempotency != NGX_HTTP_API_IDEM_REQUIRED) {
            return NGX_DECLINED;
        }

        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                   "idempotency_key_required",
                   "This request needs an Idempotency-Key header.");
    }

    if (rc == NGX_ABORT) {
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                   "bad_idempotency_key",
                   "Idempotency-Key must be one quoted string or token of "
                   "1 to 255 visible ASCII characters.");
    }

    ik = ngx_pcalloc(r->pool, sizeof(ngx_http_api_idem_t));
    argv = ngx_palloc(r->pool, 7 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 7 * sizeof(size_t));
    p = ngx_pnalloc(r->pool, 2 * NGX_INT_T_LEN);
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (ik == NULL || argv == NULL || argvlen == NULL || p == NULL
        || cln == NULL
        || ngx_http_api_idem_keys(r, ik, index, &key) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ik->amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);
    ik->log = r->connection->log;
    ik->next = next;
    ngx_http_api_id_generate(ik->amcf, ik->token);

    ik->ttl.data = p;
    ik->ttl.len = ngx_sprintf(p, "%M", alcf->idempotency_ttl) - p;
    p += ik->ttl.len;

    argv[0] = "SET";
    argvlen[0] = 3;
    argv[1] = (const char *) ik->lock.data;
    argvlen[1] = ik->lock.len;
    argv[2] = (const char *) ik->token;
    argvlen[2] = NGX_HTTP_API_ID_LEN;
    argv[3] = "NX";
    argvlen[3] = 2;
    argv[4] = "PX";
    argvlen[4] = 2;
    argv[5] = (const char *) p;
    argvlen[5] = ngx_sprintf(p, "%M", alcf->idempotency_lock_ttl) - p;

    /*
     * The SET may run even if its reply never comes: from now on the
     * request holds the lock until a reply says otherwise.
     */

    ik->locked = 1;
    cln->handler = ngx_http_api_idem_cleanup;
    cln->data = ik;

    *idem = ik;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: lock \"%V\" token %*s", &ik->lock,
                   (size_t) NGX_HTTP_API_ID_LEN, ik->token);

    rc = ngx_http_api_redis_send(r, ngx_http_api_idem_lock_reply, ik, 6,
                                 argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    ik->locked = 0;

    return ngx_http_api_send_redis_problem(r, rc);
}


/*
 * The Idempotency-Key header.  NGX_OK: *key is set; NGX_DECLINED: there
 * is none; NGX_ABORT: it is malformed or sent twice.
 */

static ngx_int_t
ngx_http_api_idem_header(ngx_http_request_t *r, ngx_str_t *key)
{
    ngx_uint_t        n;
    ngx_table_elt_t  *found;

    n = 0;
    found = ngx_http_api_parse_header(r, (u_char *) "Idempotency-Key",
                                      sizeof("Idempotency-Key") - 1, &n);

    if (found == NULL) {
        return NGX_DECLINED;
    }

    if (n > 1) {
        return NGX_ABORT;
    }

    return ngx_http_api_idem_parse(r->pool, &found->value, key);
}


/*
 * An sf-string ("abc", with \" and \\ escapes) or a bare token (abc):
 * 1 to 255 visible ASCII characters once unquoted.  NGX_ABORT: neither.
 */

static ngx_int_t
ngx_http_api_idem_parse(ngx_pool_t *pool, ngx_str_t *value, ngx_str_t *key)
{
    u_char  *p, *end, *d, c;

    p = value->data;
    end = p + value->len;

    if (p == end || *p != '"') {
        for ( /* void */ ; p < end; p++) {
            if (*p <= 0x20 || *p >= 0x7f || *p == '"') {
                return NGX_ABORT;
            }
        }

        *key = *value;

    } else {
        key->data = ngx_pnalloc(pool, value->len);
        if (key->data == NULL) {
            return NGX_ERROR;
        }

        d = key->data;

        for (p++; p < end && *p != '"'; p++) {
            c = *p;

            if (c == '\\') {
                if (++p == end || (*p != '"' && *p != '\\')) {
                    return NGX_ABORT;
                }

                c = *p;

            } else if (c <= 0x20 || c >= 0x7f) {
                return NGX_ABORT;
            }

            *d++ = c;
        }

        if (p != end - 1) {
            /* no closing quote, or something after it */
            return NGX_ABORT;
        }

        key->len = d - key->data;
    }

    if (key->len == 0 || key->len > NGX_HTTP_API_IDEM_KEY_MAX) {
        return NGX_ABORT;
    }

    return NGX_OK;
}


/*
 * The record and lock keys: SHA-256 of the scope (the API key's name, or
 * the client address) and the key, in the collection's hash slot.
 */

static ngx_int_t
ngx_http_api_idem_keys(ngx_http_request_t *r, ngx_http_api_idem_t *idem,
    ngx_str_t *index, ngx_str_t *key)
{
    u_char               hash[NGX_HTTP_API_SHA256_HEX_LEN];
    ngx_str_t            parts[3];
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_api_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->key_name.len) {
        ngx_str_set(&parts[0], "key");
        parts[1] = ctx->key_name;

    } else {
        ngx_str_set(&parts[0], "addr");
        parts[1] = r->connection->addr_text;
    }

    parts[2] = *key;

    if (ngx_http_api_sha256_hex(parts, 3, hash) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: key \"%V\" of %V \"%V\"",
                   key, &parts[0], &parts[1]);

    if (ngx_http_api_idem_key(r->pool, index, ":idem:", hash, &idem->record)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_api_idem_key(r->pool, index, ":idemlock:", hash,
                                 &idem->lock);
}


/* "<index><kind><hash>"; ids never contain ':', documents never clash. */

static ngx_int_t
ngx_http_api_idem_key(ngx_pool_t *pool, ngx_str_t *index, const char *kind,
    u_char *hash, ngx_str_t *key)
{
    u_char  *p;
    size_t   len;

    len = ngx_strlen(kind);

    key->len = index->len + len + NGX_HTTP_API_SHA256_HEX_LEN;
    key->data = ngx_pnalloc(pool, key->len);
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(key->data, index->data, index->len);
    p = ngx_cpymem(p, kind, len);
    ngx_memcpy(p, hash, NGX_HTTP_API_SHA256_HEX_LEN);

    return NGX_OK;
}


/*
 * The SET NX's reply: "OK" (the lock is ours, go on with the body) or
 * nil (another request with this key is running: 409).  Runs in the
 * engine's reply callback and finalizes r once, with what next(r)
 * returns (NGX_DONE while the body is read).
 */

static void
ngx_http_api_idem_lock_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_idem_t *idem = data;

    ngx_int_t  rc;

    if (status != NGX_OK) {
        /* a 504 may leave the lock set: the cleanup releases it */
        ngx_http_finalize_request(r, ngx_http_api_send_redis_problem(r,
                                                                     status));
        return;
    }

    if (reply->type == REDIS_REPLY_NIL) {
        idem->locked = 0;

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api idempotency: key in flight");

        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_IDEM_CONFLICT);

        if (ngx_http_api_set_header(r, "Retry-After", "1") != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        rc = ngx_http_api_send_problem(r, NGX_HTTP_CONFLICT,
                 "idempotency_in_flight",
                 "A request with this Idempotency-Key is still being "
                 "processed; retry shortly.");
        ngx_http_finalize_request(r, rc);
        return;
    }

    if (reply->type != REDIS_REPLY_STATUS) {
        ngx_http_finalize_request(r, ngx_http_api_send_reply_problem(r, reply));
        return;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: lock held");

    ngx_http_finalize_request(r, idem->next(r));
}


ngx_int_t
ngx_http_api_idem_args(ngx_http_request_t *r, ngx_http_api_idem_t *idem,
    ngx_str_t *body, int *nkeys, int *argc, const char **argv,
    size_t *argvlen)
{
    int                i;
    ngx_str_t          parts[6];
    ngx_uint_t         n;
    ngx_table_elt_t   *im, *inm, *ius;

    im = r->headers_in.if_match;
    inm = r->headers_in.if_none_match;

    parts[0] = r->method_name;
    parts[1] = r->uri;

    if (im != NULL) {
        parts[2] = im->value;

    } else {
        ngx_str_null(&parts[2]);
    }

    if (inm != NULL) {
        parts[3] = inm->value;

    } else {
        ngx_str_null(&parts[3]);
    }

    parts[4] = *body;
    n = 5;

    /* If-Unmodified-Since only when sent: older records stay valid */

    ius = r->headers_in.if_unmodified_since;

    if (ius != NULL) {
        parts[n++] = ius->value;
    }

    if (ngx_http_api_sha256_hex(parts, n, idem->fingerprint) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: fingerprint %*s",
                   (size_t) NGX_HTTP_API_SHA256_HEX_LEN, idem->fingerprint);

    /* keys first: the record and the lock go after the script's own */

    for (i = *argc - 1; i >= *nkeys; i--) {
        argv[i + 2] = argv[i];
        argvlen[i + 2] = argvlen[i];
    }

    argv[*nkeys] = (const char *) idem->record.data;
    argvlen[*nkeys] = idem->record.len;
    argv[*nkeys + 1] = (const char *) idem->lock.data;
    argvlen[*nkeys + 1] = idem->lock.len;

    i = *argc + 2;

    argv[i] = (const char *) idem->fingerprint;
    argvlen[i++] = NGX_HTTP_API_SHA256_HEX_LEN;
    argv[i] = (const char *) idem->token;
    argvlen[i++] = NGX_HTTP_API_ID_LEN;
    argv[i] = (const char *) idem->ttl.data;
    argvlen[i++] = idem->ttl.len;

    *nkeys += 2;
    *argc = i;

    return NGX_OK;
}


/*
 * Pool cleanup: r is being freed while it may still hold the lock (its
 * body failed, the client left, Redis failed or timed out before the
 * script answered).  The compare-and-delete goes out without a request;
 * if no connection takes it, the lock expires on its own.
 */

static void
ngx_http_api_idem_cleanup(void *data)
{
    ngx_http_api_idem_t *idem = data;

    ngx_int_t               rc;
    const char             *argv[5];
    size_t                  argvlen[5];
    ngx_http_api_script_t  *script;

    if (!idem->locked) {
        return;
    }

    script = idem->amcf->store[NGX_HTTP_API_SCRIPT_UNLOCK];

    argv[0] = "EVAL";
    argvlen[0] = 4;
    argv[1] = (const char *) script->source.data;
    argvlen[1] = script->source.len;
    argv[2] = "1";
    argvlen[2] = 1;
    argv[3] = (const char *) idem->lock.data;
    argvlen[3] = idem->lock.len;
    argv[4] = (const char *) idem->token;
    argvlen[4] = NGX_HTTP_API_ID_LEN;

    rc = ngx_http_api_redis_send_detached(idem->amcf, 5, argv, argvlen);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, idem->log, 0,
                   "api idempotency: release \"%V\": %s", &idem->lock,
                   rc == NGX_OK ? "sent" : "not sent, it expires");
}
