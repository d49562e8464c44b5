
/*
 * ngx_http_api_module: the API key management endpoint (api_keys).
 *
 *   POST   /          {"name":..., "scopes":[...], "expires_in":seconds}
 *                     201: the key, shown this once
 *   GET    /          the keys: names, scopes, times; never secrets
 *   GET    /{name}    one key
 *   DELETE /{name}    revoke: refused everywhere within
 *                     api_key_cache_valid
 */


#include <openssl/rand.h>
#include <jansson.h>

#include "ngx_http_api_keys.h"
#include "ngx_http_api_conf.h"
#include "ngx_http_api_ctx.h"
#include "ngx_http_api_body.h"
#include "ngx_http_api_digest.h"
#include "ngx_http_api_key.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"

#include "ngx_http_api_lua.h"


#define NGX_HTTP_API_KEY_RANDOM        32           /* bytes */
#define NGX_HTTP_API_KEY_PREFIX        "ak_"
#define NGX_HTTP_API_KEY_LEN           (3 + 43)     /* "ak_" + base64url */
#define NGX_HTTP_API_KEY_BODY_MAX      16384
#define NGX_HTTP_API_KEY_EXPIRES_MAX   (10 * 366 * 86400)

#define NGX_HTTP_API_KEYS_ALLOW_ALL    "GET, HEAD, POST, OPTIONS"
#define NGX_HTTP_API_KEYS_ALLOW_ONE    "GET, HEAD, DELETE, OPTIONS"


typedef struct {
    ngx_str_t                    name;
    ngx_str_t                    scopes;      /* space-separated */
    u_char                       key[NGX_HTTP_API_KEY_LEN];
    time_t                       created;
    time_t                       expires;
} ngx_http_api_newkey_t;


static ngx_int_t ngx_http_api_keys_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_keys_parse(ngx_http_request_t *r,
    ngx_http_api_newkey_t *nk, const char **detail);
static ngx_int_t ngx_http_api_keys_send(ngx_http_request_t *r,
    ngx_uint_t script, ngx_http_api_redis_handler_pt handler,
    ngx_str_t *name);
static void ngx_http_api_keys_created(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static void ngx_http_api_keys_listed(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static void ngx_http_api_keys_deleted(ngx_http_request_t *r,
    void *data, redisReply *reply, ngx_int_t status);
static ngx_int_t ngx_http_api_keys_redis_error(ngx_http_request_t *r,
    redisReply *reply, ngx_int_t status);
static ngx_uint_t ngx_http_api_keys_scope(const char *s, size_t len);
static u_char *ngx_http_api_keys_json(u_char *p, ngx_str_t *name,
    u_char *key, ngx_str_t *scopes, time_t created, time_t expires);
static ngx_int_t ngx_http_api_keys_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_keys_scripts(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);


static ngx_int_t
ngx_http_api_keys_handler(ngx_http_request_t *r)
{
    ngx_str_t                 name;
    ngx_http_api_ctx_t       *ctx;
    ngx_http_api_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (r->uri.len < alcf->keys_base.len) {
        return NGX_HTTP_NOT_FOUND;
    }

    name.data = r->uri.data + alcf->keys_base.len;
    name.len = r->uri.len - alcf->keys_base.len;

    if (name.len && !ngx_http_api_parse_name(name.data, name.len,
                                    NGX_HTTP_API_KEY_NAME_MAX, "._-")) {
        return ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                         "No such API key.");
    }

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        return ngx_http_api_keys_send(r, NGX_HTTP_API_KEYS_LIST,
                                      ngx_http_api_keys_listed,
                                      &name);

    case NGX_HTTP_DELETE:
        if (name.len == 0) {
            break;
        }

        return ngx_http_api_keys_send(r, NGX_HTTP_API_KEYS_DELETE,
                                      ngx_http_api_keys_deleted,
                                      &name);

    case NGX_HTTP_OPTIONS:
        return ngx_http_api_send_options(r, name.len
                                            ? NGX_HTTP_API_KEYS_ALLOW_ONE
                                            : NGX_HTTP_API_KEYS_ALLOW_ALL);

    case NGX_HTTP_POST:
        if (name.len) {
            break;
        }

        if (r->headers_in.content_type == NULL
            || ngx_http_api_parse_media_type(
                   &r->headers_in.content_type->value, 0)
               != NGX_OK)
        {
            return ngx_http_api_send_problem(r,
                                         NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                         "unsupported_media_type",
                                         "Send application/json.");
        }

        ctx = ngx_http_api_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ctx->body.max = NGX_HTTP_API_KEY_BODY_MAX;
        ctx->body.done = ngx_http_api_keys_body;

        return ngx_http_api_body_read(r, &ctx->body, 1024);
    }

    return ngx_http_api_send_not_allowed(r, name.len
                                            ? NGX_HTTP_API_KEYS_ALLOW_ONE
                                            : NGX_HTTP_API_KEYS_ALLOW_ALL,
                                         "This method is not allowed here.");
}


/* POST: the body is in memory. */

static ngx_int_t
ngx_http_api_keys_body(ngx_http_request_t *r)
{
    u_char                     *p, *index, *record, *hexp;
    size_t                      len, index_len;
    ngx_int_t                   rc;
    ngx_str_t                   s, src, dst;
    const char                 *detail, *argv[7];
    size_t                      argvlen[7];
    u_char                      random[NGX_HTTP_API_KEY_RANDOM];
    u_char                      digest[NGX_HTTP_API_SHA256_LEN];
    ngx_http_api_newkey_t      *nk;
    ngx_http_api_main_conf_t   *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    nk = ngx_pcalloc(r->pool, sizeof(ngx_http_api_newkey_t));
    if (nk == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_api_keys_parse(r, nk, &detail);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_key_request", detail);
    }

    /* the key: 256 random bits; only its digest is stored */

    if (RAND_bytes(random, NGX_HTTP_API_KEY_RANDOM) != 1) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api keys: RAND_bytes() failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(nk->key, NGX_HTTP_API_KEY_PREFIX, 3);

    src.data = random;
    src.len = NGX_HTTP_API_KEY_RANDOM;
    dst.data = p;

    ngx_encode_base64url(&dst, &src);

    s.data = nk->key;
    s.len = NGX_HTTP_API_KEY_LEN;

    if (ngx_http_api_sha256_plain(&s, digest) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_explicit_memzero(random, NGX_HTTP_API_KEY_RANDOM);

    record = ngx_http_api_key_record(r->pool, amcf, digest, &len);

    index_len = amcf->prefix.len + sizeof("keys") - 1;
    index = ngx_pnalloc(r->pool, index_len + 2 * NGX_TIME_T_LEN);
    hexp = ngx_pnalloc(r->pool, NGX_HTTP_API_SHA256_HEX_LEN);

    if (record == NULL || index == NULL || hexp == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_sprintf(index, "%Vkeys", &amcf->prefix);

    nk->created = ngx_time();

    argv[0] = (const char *) index;
    argvlen[0] = index_len;
    argv[1] = (const char *) record;
    argvlen[1] = len;
    argv[2] = (const char *) nk->name.data;
    argvlen[2] = nk->name.len;
    ngx_hex_dump(hexp, digest, NGX_HTTP_API_SHA256_LEN);
    argv[3] = (const char *) hexp;
    argvlen[3] = NGX_HTTP_API_SHA256_HEX_LEN;
    argv[4] = (const char *) nk->scopes.data;
    argvlen[4] = nk->scopes.len;

    p = index + index_len;
    argv[5] = (const char *) p;
    argvlen[5] = ngx_sprintf(p, "%T", nk->created) - p;
    p += argvlen[5];
    argv[6] = (const char *) p;
    argvlen[6] = ngx_sprintf(p, "%T", nk->expires) - p;

    rc = ngx_http_api_redis_eval(r, ngx_http_api_keys_created, nk,
                                 amcf->key_scripts[NGX_HTTP_API_KEYS_CREATE],
                                 2, 7, argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


/*
 * {"name": "...", "scopes": ["read", "write:orders"], "expires_in": 3600}
 * NGX_DECLINED with *detail for a bad request.  jansson's tree is freed
 * on the one way out.
 */

static ngx_int_t
ngx_http_api_keys_parse(ngx_http_request_t *r, ngx_http_api_newkey_t *nk,
    const char **detail)
{
    u_char                *p;
    size_t                 i, len;
    json_t                *root, *v, *name, *scopes, *expires;
    ngx_int_t              rc;
    const char            *k;
    json_error_t           err;
    ngx_http_api_ctx_t    *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);

    root = json_loadb((const char *) ctx->body.data, ctx->body.len,
                      JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        *detail = "The body is not valid JSON.";
        return NGX_DECLINED;
    }

    rc = NGX_DECLINED;
    name = NULL;
    scopes = NULL;
    expires = NULL;

    if (!json_is_object(root)) {
        *detail = "The body must be a JSON object.";
        goto done;
    }

    json_object_foreach(root, k, v) {
        if (ngx_strcmp(k, "name") == 0) {
            name = v;

        } else if (ngx_strcmp(k, "scopes") == 0) {
            scopes = v;

        } else if (ngx_strcmp(k, "expires_in") == 0) {
            expires = v;

        } else {
            *detail = "Unknown member: use \"name\", \"scopes\" and "
                      "\"expires_in\".";
            goto done;
        }
    }

    if (!json_is_string(name)
        || !ngx_http_api_parse_name((u_char *) json_string_value(name),
                                    json_string_length(name),
                                    NGX_HTTP_API_KEY_NAME_MAX, "._-")
        || json_string_value(name)[0] == '.')
    {
        /* "." and ".." could never be named in a path again */
        *detail = "\"name\" must be 1 to 64 of A-Z a-z 0-9 . _ -, "
                  "not starting with \".\"";
        goto done;
    }

    if (!json_is_array(scopes) || json_array_size(scopes) == 0
        || json_array_size(scopes) > NGX_HTTP_API_SCOPES_MAX)
    {
        *detail = "\"scopes\" must be an array of 1 to 32 scopes.";
        goto done;
    }

    len = 0;

    for (i = 0; i < json_array_size(scopes); i++) {
        v = json_array_get(scopes, i);

        if (!json_is_string(v)
            || !ngx_http_api_keys_scope(json_string_value(v),
                                        json_string_length(v)))
        {
            *detail = "A scope is \"read\" or \"write\", optionally with "
                      "\":<resource>\" (" NGX_HTTP_API_NAME_RULE ").";
            goto done;
        }

        len += json_string_length(v) + 1;
    }

    if (expires != NULL) {
        if (!json_is_integer(expires)
            || json_integer_value(expires) <= 0
            || json_integer_value(expires) > NGX_HTTP_API_KEY_EXPIRES_MAX)
        {
            *detail = "\"expires_in\" must be a number of seconds from 1 to "
                      "316224000 (ten years).";
            goto done;
        }

        nk->expires = ngx_time() + (time_t) json_integer_value(expires);
    }

    rc = NGX_ERROR;

    nk->name.len = json_string_length(name);
    nk->name.data = ngx_pnalloc(r->pool, nk->name.len);
    nk->scopes.data = ngx_pnalloc(r->pool, len);

    if (nk->name.data == NULL || nk->scopes.data == NULL) {
        goto done;
    }

    ngx_memcpy(nk->name.data, json_string_value(name), nk->name.len);

    p = nk->scopes.data;

    for (i = 0; i < json_array_size(scopes); i++) {
        v = json_array_get(scopes, i);

        if (i) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, json_string_value(v), json_string_length(v));
    }

    nk->scopes.len = p - nk->scopes.data;

    rc = NGX_OK;

done:

    json_decref(root);

    return rc;
}


static void
ngx_http_api_keys_created(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_newkey_t *nk = data;

    u_char                   *body, *p, *loc;
    size_t                    len;
    ngx_http_api_loc_conf_t  *alcf;

    if (status != NGX_OK || reply->type != REDIS_REPLY_INTEGER) {
        ngx_http_finalize_request(r,
            ngx_http_api_keys_redis_error(r, reply, status));
        return;
    }

    if (reply->integer == 0) {
        ngx_http_finalize_request(r,
            ngx_http_api_send_problem(r, NGX_HTTP_CONFLICT, "key_exists",
                                      "An API key with this name exists; "
                                      "revoke it first."));
        return;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    len = NGX_HTTP_API_KEY_LEN + nk->name.len + 4 * nk->scopes.len
          + 2 * NGX_TIME_T_LEN + 128;

    body = ngx_pnalloc(r->pool, len);
    loc = ngx_pnalloc(r->pool, alcf->keys_base.len + nk->name.len);

    if (body == NULL || loc == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = ngx_http_api_keys_json(body, &nk->name, nk->key, &nk->scopes,
                               nk->created, nk->expires);

    ngx_explicit_memzero(nk->key, NGX_HTTP_API_KEY_LEN);

    ngx_sprintf(loc, "%V%V", &alcf->keys_base, &nk->name);

    if (ngx_http_api_add_header(r, "Location", loc,
                                alcf->keys_base.len + nk->name.len)
        != NGX_OK
        || ngx_http_api_set_header(r, "Cache-Control", "no-store") != NGX_OK)
    {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "api keys: key \"%V\" created", &nk->name);

    ngx_http_finalize_request(r,
        ngx_http_api_send_json(r, NGX_HTTP_CREATED, body, p - body));
}


/*
 * GET (one key, or all; HEAD as GET) and DELETE, which take no body: a
 * script with the name index, the records' prefix and the name ("" for
 * all).
 */

static ngx_int_t
ngx_http_api_keys_send(ngx_http_request_t *r, ngx_uint_t script,
    ngx_http_api_redis_handler_pt handler, ngx_str_t *name)
{
    u_char                    *p;
    ngx_int_t                  rc;
    ngx_str_t                 *copy;
    const char                *argv[3];
    size_t                     argvlen[3];
    ngx_http_api_main_conf_t  *amcf;

    rc = ngx_http_api_discard_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    /* the reply handler's copy of the name (in r->uri) */
    copy = ngx_palloc(r->pool, sizeof(ngx_str_t));
    p = ngx_pnalloc(r->pool, 2 * amcf->prefix.len + sizeof("keyskey:"));
    if (copy == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *copy = *name;

    argv[0] = (const char *) p;
    argvlen[0] = ngx_sprintf(p, "%Vkeys", &amcf->prefix) - p;
    p += argvlen[0];
    argv[1] = (const char *) p;
    argvlen[1] = ngx_sprintf(p, "%Vkey:", &amcf->prefix) - p;
    argv[2] = (const char *) name->data;
    argvlen[2] = name->len;

    rc = ngx_http_api_redis_eval(r, handler, name->len ? copy : NULL,
                                 amcf->key_scripts[script], 1, 3, argv,
                                 argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_keys_listed(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_str_t *one = data;

    u_char       *body, *p;
    size_t        len, i;
    time_t        created, expires;
    ngx_str_t     name, scopes;
    redisReply  **e;

    if (status != NGX_OK || reply->type != REDIS_REPLY_ARRAY
        || reply->elements % 4)
    {
        ngx_http_finalize_request(r,
            ngx_http_api_keys_redis_error(r, reply, status));
        return;
    }

    e = reply->element;
    len = sizeof("{\"items\":[]}");

    for (i = 0; i < reply->elements; i++) {
        if (e[i]->type != REDIS_REPLY_STRING) {
            ngx_http_finalize_request(r,
                ngx_http_api_keys_redis_error(r, e[i], NGX_OK));
            return;
        }

        /* every byte may become \u00XX; 64 more per key for the rest */
        len += 6 * e[i]->len + 16;
    }

    if (one != NULL && reply->elements == 0) {
        ngx_http_finalize_request(r,
            ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "No such API key."));
        return;
    }

    body = ngx_pnalloc(r->pool, len + 64 * (reply->elements / 4));
    if (body == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    p = body;

    if (one == NULL) {
        p = ngx_cpymem(p, "{\"items\":[", sizeof("{\"items\":[") - 1);
    }

    for (i = 0; i < reply->elements; i += 4) {
        name.data = (u_char *) e[i]->str;
        name.len = e[i]->len;
        scopes.data = (u_char *) e[i + 1]->str;
        scopes.len = e[i + 1]->len;

        created = ngx_atotm((u_char *) e[i + 2]->str, e[i + 2]->len);
        expires = ngx_atotm((u_char *) e[i + 3]->str, e[i + 3]->len);

        if (i) {
            *p++ = ',';
        }

        p = ngx_http_api_keys_json(p, &name, NULL, &scopes,
                                   created == NGX_ERROR ? 0 : created,
                                   expires == NGX_ERROR ? 0 : expires);
    }

    if (one == NULL) {
        *p++ = ']';
        *p++ = '}';
    }

    if (ngx_http_api_set_header(r, "Cache-Control", "no-store") != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_finalize_request(r,
        ngx_http_api_send_json(r, NGX_HTTP_OK, body, p - body));
}


static void
ngx_http_api_keys_deleted(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_str_t *name = data;

    if (status != NGX_OK || reply->type != REDIS_REPLY_INTEGER) {
        ngx_http_finalize_request(r,
            ngx_http_api_keys_redis_error(r, reply, status));
        return;
    }

    if (reply->integer == 0) {
        ngx_http_finalize_request(r,
            ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                      "No such API key."));
        return;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "api keys: key \"%V\" revoked", name);

    ngx_http_finalize_request(r,
        ngx_http_api_send_json(r, NGX_HTTP_NO_CONTENT, NULL, 0));
}


static ngx_int_t
ngx_http_api_keys_redis_error(ngx_http_request_t *r, redisReply *reply,
    ngx_int_t status)
{
    if (status != NGX_OK) {
        return ngx_http_api_send_redis_problem(r, status);
    }

    return ngx_http_api_send_reply_problem(r, reply);
}


/* read | write, optionally ":" and [A-Za-z0-9_-]{1,64} */

static ngx_uint_t
ngx_http_api_keys_scope(const char *s, size_t len)
{
    size_t   n;
    u_char  *p;

    p = (u_char *) s;

    if (len >= 4 && ngx_strncmp(p, "read", 4) == 0) {
        n = 4;

    } else if (len >= 5 && ngx_strncmp(p, "write", 5) == 0) {
        n = 5;

    } else {
        return 0;
    }

    if (len == n) {
        return 1;
    }

    return p[n] == ':'
           && ngx_http_api_is_name(p + n + 1, len - n - 1);
}


/*
 * {"name":...,["key":...,]"scopes":[...],"created":...,"expires":...}
 * Names and scopes were checked on creation; what Redis holds is escaped
 * anyway, byte by byte, should it have been written by other means.
 */

static u_char *
ngx_http_api_keys_json(u_char *p, ngx_str_t *name, u_char *key,
    ngx_str_t *scopes, time_t created, time_t expires)
{
    u_char  *s, *end, *last;

    p = ngx_cpymem(p, "{\"name\":\"", sizeof("{\"name\":\"") - 1);
    p = (u_char *) ngx_escape_json(p, name->data, name->len);

    if (key != NULL) {
        p = ngx_sprintf(p, "\",\"key\":\"%*s", (size_t) NGX_HTTP_API_KEY_LEN,
                        key);
    }

    p = ngx_cpymem(p, "\",\"scopes\":[", sizeof("\",\"scopes\":[") - 1);

    s = scopes->data;
    last = s + scopes->len;

    while (s < last) {
        end = ngx_strlchr(s, last, ' ');
        if (end == NULL) {
            end = last;
        }

        if (p[-1] != '[') {
            *p++ = ',';
        }

        *p++ = '"';
        p = (u_char *) ngx_escape_json(p, s, end - s);
        *p++ = '"';

        s = end + 1;
    }

    p = ngx_sprintf(p, "],\"created\":%T,\"expires\":", created);

    if (expires) {
        p = ngx_sprintf(p, "%T}", expires);

    } else {
        p = ngx_cpymem(p, "null}", 5);
    }

    return p;
}


/* Registers the key-admin scripts: only api_keys locations use them. */

static ngx_int_t
ngx_http_api_keys_scripts(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    ngx_str_t   name, source;
    ngx_uint_t  i;

    static struct {
        const char  *name;
        const char  *source;
        size_t       len;
    } scripts[] = {
        { "key_create", ngx_http_api_lua_key_create,
          sizeof(ngx_http_api_lua_key_create) - 1 },
        { "key_delete", ngx_http_api_lua_key_delete,
          sizeof(ngx_http_api_lua_key_delete) - 1 },
        { "key_list", ngx_http_api_lua_key_list,
          sizeof(ngx_http_api_lua_key_list) - 1 },
    };

    if (amcf->key_scripts[0] != NULL) {
        return NGX_OK;
    }

    for (i = 0; i < 3; i++) {
        name.data = (u_char *) scripts[i].name;
        name.len = ngx_strlen(scripts[i].name);
        source.data = (u_char *) scripts[i].source;
        source.len = scripts[i].len;

        if (ngx_http_api_redis_add_script(cf, amcf, &name, &source,
                                          &amcf->key_scripts[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* api_keys;  The location manages API keys (relative to its prefix). */

char *
ngx_http_api_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_api_main_conf_t  *amcf;

    if (alcf->keys != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    clcf = ngx_http_api_prefix_location(cf, cmd);
    if (clcf == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->keys = 1;
    alcf->keys_base = clcf->name;
    ngx_http_api_metrics_mark(alcf);
    clcf->handler = ngx_http_api_keys_handler;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (ngx_http_api_keys_scripts(cf, amcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_http_api_needs_redis(cf, amcf);

    return NGX_CONF_OK;
}
