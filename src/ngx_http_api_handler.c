
/*
 * ngx_http_api_module: the resource API (the "api" directive).
 *
 * METHOD /{collection}[/{id}] relative to the location: routing, request
 * bodies, preconditions, and the one Redis command each request costs.
 */


#include "ngx_http_api_handler.h"
#include "ngx_http_api_body.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_idempotency.h"
#include "ngx_http_api_json.h"
#include "ngx_http_api_list.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_store.h"


#define NGX_HTTP_API_ALLOW_COLLECTION  "GET, HEAD, POST, OPTIONS"
#define NGX_HTTP_API_ALLOW_ITEM  "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"


static ngx_int_t ngx_http_api_route(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx, ngx_uint_t *item, ngx_int_t *rc);
static void ngx_http_api_operation(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx, ngx_uint_t item);
static ngx_int_t ngx_http_api_not_allowed(ngx_http_request_t *r,
    ngx_uint_t item);
static ngx_int_t ngx_http_api_get(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx);
static ngx_int_t ngx_http_api_delete(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx);
static ngx_int_t ngx_http_api_read_body(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx);
static ngx_int_t ngx_http_api_body_start(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_body_done(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_write(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx);

static void ngx_http_api_get_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static void ngx_http_api_write_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);

static ngx_int_t ngx_http_api_media_type(ngx_http_request_t *r,
    ngx_uint_t patch);
static ngx_int_t ngx_http_api_etags(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_uint_t weak, ngx_str_t *list);
static ngx_int_t ngx_http_api_replay(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx, redisReply *reply);
static ngx_int_t ngx_http_api_send_doc(ngx_http_request_t *r,
    ngx_http_api_op_t *ctx, ngx_uint_t status, u_char *doc, size_t len,
    ngx_str_t *rev, ngx_uint_t location);
static ngx_int_t ngx_http_api_set_etag(ngx_http_request_t *r, u_char *rev,
    size_t len);


ngx_int_t
ngx_http_api_handler(ngx_http_request_t *r)
{
    ngx_int_t            rc;
    ngx_uint_t           item;
    ngx_http_api_op_t   *ctx;
    ngx_http_api_ctx_t  *req;

    req = ngx_http_api_ctx(r);
    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_api_op_t));
    if (req == NULL || ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    req->op = ctx;
    ctx->req = req;

    ctx->alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);
    ctx->alcf = ctx->alcf->api_loc;
    ctx->amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    if (ngx_http_api_route(r, ctx, &item, &rc) != NGX_OK) {
        return rc;
    }

    ngx_http_api_operation(r, ctx, item);

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        rc = ngx_http_api_discard_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return item ? ngx_http_api_get(r, ctx) : ngx_http_api_list(r, ctx);

    case NGX_HTTP_OPTIONS:
        rc = ngx_http_api_discard_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_api_set_header(r, "Allow",
                                    item ? NGX_HTTP_API_ALLOW_ITEM
                                         : NGX_HTTP_API_ALLOW_COLLECTION)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_api_send_json(r, NGX_HTTP_NO_CONTENT, NULL, 0);

    case NGX_HTTP_POST:
        if (item) {
            break;
        }

        ctx->op = NGX_HTTP_API_OP_CREATE;
        return ngx_http_api_read_body(r, ctx);

    case NGX_HTTP_PUT:
        if (!item) {
            break;
        }

        ctx->op = NGX_HTTP_API_OP_PUT;
        return ngx_http_api_read_body(r, ctx);

    case NGX_HTTP_PATCH:
        if (!item) {
            break;
        }

        ctx->op = NGX_HTTP_API_OP_PATCH;
        return ngx_http_api_read_body(r, ctx);

    case NGX_HTTP_DELETE:
        if (!item) {
            break;
        }

        rc = ngx_http_api_discard_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_api_delete(r, ctx);
    }

    return ngx_http_api_not_allowed(r, item);
}



/*
 * Routes the path after the location prefix (ngx_http_api_parse_route())
 * and makes the Redis keys.  NGX_OK: routed.  NGX_DECLINED: *rc is what
 * the request finalizes with (a problem was sent, or an internal error).
 */

static ngx_int_t
ngx_http_api_route(ngx_http_request_t *r, ngx_http_api_op_t *ctx,
    ngx_uint_t *item, ngx_int_t *rc)
{
    u_char                *p, *end;
    ngx_str_t              none;
    ngx_http_api_error_t   err;
    ngx_http_api_route_t   route;

    *item = 0;
    ngx_str_null(&none);

    p = r->uri.data + ctx->alcf->base.len;
    end = r->uri.data + r->uri.len;

    if (p > end) {
        p = end;
    }

    if (ngx_http_api_parse_route(p, end, ctx->alcf->collections, &route, &err)
        != NGX_OK)
    {
        *rc = ngx_http_api_send_problem(r, err.status, err.code, err.detail);
        return NGX_DECLINED;
    }

    ctx->collection = route.collection;

    if (route.item) {
        ctx->id = route.id;
        *item = 1;

        if (ngx_http_api_store_key(r->pool, ctx->amcf, &ctx->collection,
                                   &ctx->id, &ctx->key) != NGX_OK)
        {
            *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            return NGX_DECLINED;
        }
    }

    if (ngx_http_api_store_key(r->pool, ctx->amcf, &ctx->collection, &none,
                               &ctx->index) != NGX_OK)
    {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* $api_collection and $api_operation: what the request asks for. */

static void
ngx_http_api_operation(ngx_http_request_t *r, ngx_http_api_op_t *ctx,
    ngx_uint_t item)
{
    ngx_str_t  *op;

    ctx->req->collection = ctx->collection;
    op = &ctx->req->operation;

    switch (r->method) {

    case NGX_HTTP_GET:
    case NGX_HTTP_HEAD:
        if (item) {
            ngx_str_set(op, "read");

        } else {
            ngx_str_set(op, "list");
        }

        break;

    case NGX_HTTP_OPTIONS:
        ngx_str_set(op, "options");
        break;

    case NGX_HTTP_POST:
        if (!item) {
            ngx_str_set(op, "create");
        }

        break;

    case NGX_HTTP_PUT:
        if (item) {
            ngx_str_set(op, "replace");
        }

        break;

    case NGX_HTTP_PATCH:
        if (item) {
            ngx_str_set(op, "update");
        }

        break;

    case NGX_HTTP_DELETE:
        if (item) {
            ngx_str_set(op, "delete");
        }

        break;
    }
}


static ngx_int_t
ngx_http_api_not_allowed(ngx_http_request_t *r, ngx_uint_t item)
{
    const char  *allow;

    allow = item ? NGX_HTTP_API_ALLOW_ITEM : NGX_HTTP_API_ALLOW_COLLECTION;

    if (ngx_http_api_set_header(r, "Allow", allow) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_problem(r, NGX_HTTP_NOT_ALLOWED,
                                     "method_not_allowed",
                                     item ? "Allowed here: GET, HEAD, PUT, "
                                            "PATCH, DELETE, OPTIONS."
                                          : "Allowed here: GET, HEAD, POST, "
                                            "OPTIONS.");
}


/* GET/HEAD /{c}/{id}: one HMGET, no script. */

static ngx_int_t
ngx_http_api_get(ngx_http_request_t *r, ngx_http_api_op_t *ctx)
{
    ngx_int_t      rc;
    const char   **argv;
    size_t        *argvlen;

    ctx->op = NGX_HTTP_API_OP_GET;

    argv = ngx_palloc(r->pool, 4 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 4 * sizeof(size_t));
    if (argv == NULL || argvlen == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    argv[0] = "HMGET";
    argvlen[0] = 5;
    argv[1] = (const char *) ctx->key.data;
    argvlen[1] = ctx->key.len;
    argv[2] = "d";
    argvlen[2] = 1;
    argv[3] = "r";
    argvlen[3] = 1;

    rc = ngx_http_api_redis_send(r, ngx_http_api_get_reply, ctx, 4, argv,
                                 argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_get_reply(ngx_http_request_t *r, void *data, redisReply *reply,
    ngx_int_t status)
{
    ngx_http_api_op_t *ctx = data;

    ngx_int_t    rc;
    ngx_str_t    inm, rev;
    redisReply  *d, *v;

    if (status != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_api_send_redis_problem(r,
                                                                     status));
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
        ngx_http_finalize_request(r,
                                  ngx_http_api_send_reply_problem(r, reply));
        return;
    }

    d = reply->element[0];
    v = reply->element[1];

    if (d->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
        rc = ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                       "No document with this id.");
        ngx_http_finalize_request(r, rc);
        return;
    }

    rev.data = (u_char *) v->str;
    rev.len = v->len;

    if (r->headers_in.if_none_match) {
        rc = ngx_http_api_etags(r, r->headers_in.if_none_match, 1, &inm);
        if (rc != NGX_OK) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        if (ngx_http_api_etag_listed(&inm, &rev)) {
            /* "*" or a listed tag: the client's copy is current */

            if (ngx_http_api_set_etag(r, rev.data, rev.len) != NGX_OK
                || ngx_http_api_set_header(r, "Cache-Control", "no-cache")
                   != NGX_OK)
            {
                ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
                return;
            }

            ngx_http_finalize_request(r,
                ngx_http_api_send_json(r, NGX_HTTP_NOT_MODIFIED, NULL, 0));
            return;
        }
    }

    rc = ngx_http_api_send_doc(r, ctx, NGX_HTTP_OK, (u_char *) d->str, d->len,
                               &rev, 0);
    ngx_http_finalize_request(r, rc);
}


/* DELETE /{c}/{id}: no body, one EVALSHA. */

static ngx_int_t
ngx_http_api_delete(ngx_http_request_t *r, ngx_http_api_op_t *ctx)
{
    ctx->op = NGX_HTTP_API_OP_DELETE;

    return ngx_http_api_write(r, ctx);
}


/*
 * POST, PUT, PATCH: check the media type, take the Idempotency-Key's
 * lock (POST, PATCH), then read the body into memory
 * (ngx_http_api_body.c); ngx_http_api_body_done() goes on from there.
 */

static ngx_int_t
ngx_http_api_read_body(ngx_http_request_t *r, ngx_http_api_op_t *ctx)
{
    ngx_int_t  rc;

    if (r != r->main) {
        /* a subrequest shares its parent's body: it only reads here */
        return ngx_http_api_send_problem(r, NGX_HTTP_NOT_ALLOWED,
                                         "method_not_allowed",
                                         "A subrequest can only read.");
    }

    if (ngx_http_api_media_type(r, ctx->op == NGX_HTTP_API_OP_PATCH)
        != NGX_OK)
    {
        return ngx_http_api_send_problem(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                   "unsupported_media_type",
                   ctx->op == NGX_HTTP_API_OP_PATCH
                   ? "Send application/merge-patch+json or application/json."
                   : "Send application/json.");
    }

    if (ctx->op != NGX_HTTP_API_OP_PUT) {
        rc = ngx_http_api_idem_lock(r, &ctx->index, ngx_http_api_body_start,
                                    &ctx->idem);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    return ngx_http_api_body_start(r);
}


/* Also the Idempotency-Key lock's continuation, from its reply. */

static ngx_int_t
ngx_http_api_body_start(ngx_http_request_t *r)
{
    ngx_http_api_op_t   *ctx;
    ngx_http_api_ctx_t  *req;

    req = ngx_http_get_module_ctx(r, ngx_http_api_module);
    ctx = req->op;

    req->body.max = ctx->alcf->max_body;
    req->body.done = ngx_http_api_body_done;

    return ngx_http_api_body_read(r, &req->body,
                                  ctx->alcf->clcf->client_body_buffer_size);
}


/*
 * The body is in memory: validate it and send the write.  Returns what
 * the request is finalized with; NGX_DONE when the command is in flight.
 */

static ngx_int_t
ngx_http_api_body_done(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    ngx_http_api_op_t    *ctx;
    ngx_http_api_ctx_t   *req;
    ngx_http_api_json_t   json;

    req = ngx_http_get_module_ctx(r, ngx_http_api_module);
    ctx = req->op;

    rc = ngx_http_api_json_parse(r->pool, req->body.data, req->body.len,
                                 ctx->alcf->max_depth, &json);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST, json.code,
                                         (char *) json.detail);
    }

    if (json.has_id) {
        if (ctx->op == NGX_HTTP_API_OP_CREATE) {

            /* POST with a client-chosen id */

            if (!ngx_http_api_id_valid(json.id.data, json.id.len)) {
                return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                           "invalid_id",
                           "An id is 1 to 128 of A-Z a-z 0-9 . _ ~ - "
                           "(and not \".\" or \"..\").");
            }

            ctx->id = json.id;

        } else if (json.id.len != ctx->id.len
                   || ngx_strncmp(json.id.data, ctx->id.data, ctx->id.len)
                      != 0)
        {
            return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                       "id_mismatch",
                       "The body's \"id\" differs from the id in the URL.");
        }
    }

    if (ctx->op == NGX_HTTP_API_OP_CREATE) {
        if (ctx->id.len == 0) {
            ngx_http_api_id_generate(ctx->amcf, ctx->idbuf);
            ctx->id.data = ctx->idbuf;
            ctx->id.len = NGX_HTTP_API_ID_LEN;
        }

        if (ngx_http_api_store_key(r->pool, ctx->amcf, &ctx->collection,
                                   &ctx->id, &ctx->key) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ctx->doc = json.doc;

    /*
     * NGX_DONE: the command holds the request now, and finalizing with
     * NGX_DONE releases the body's reference.
     */

    return ngx_http_api_write(r, ctx);
}


/*
 * The one EVALSHA of a write.  Returns NGX_DONE when it is in flight,
 * otherwise what to finalize with.
 */

static ngx_int_t
ngx_http_api_write(ngx_http_request_t *r, ngx_http_api_op_t *ctx)
{
    int                     argc, nkeys;
    ngx_int_t               rc;
    ngx_str_t               body;
    ngx_time_t             *tp;
    const char            **argv;
    size_t                 *argvlen;
    ngx_http_api_script_t  *script;

    if (ngx_http_api_etags(r, r->headers_in.if_match, 0, &ctx->if_match)
        != NGX_OK
        || ngx_http_api_etags(r, r->headers_in.if_none_match, 1,
                              &ctx->if_none_match)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_api_id_generate(ctx->amcf, ctx->rev);

    tp = ngx_timeofday();
    ctx->now_str.data = ctx->now;
    ctx->now_str.len = ngx_sprintf(ctx->now, "%T%03M", tp->sec, tp->msec)
                       - ctx->now;

    /* 8 for PUT; an Idempotency-Key adds 5 to POST (6) and PATCH (7) */
    argv = ngx_palloc(r->pool, 12 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 12 * sizeof(size_t));
    if (argv == NULL || argvlen == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define ngx_http_api_arg(i, s, l)                                             \
    argv[i] = (const char *) (s); argvlen[i] = (l)

    ngx_http_api_arg(0, ctx->key.data, ctx->key.len);
    ngx_http_api_arg(1, ctx->index.data, ctx->index.len);

    switch (ctx->op) {

    case NGX_HTTP_API_OP_CREATE:
        script = ctx->amcf->store[NGX_HTTP_API_SCRIPT_CREATE];
        nkeys = 2;
        ngx_http_api_arg(2, ctx->id.data, ctx->id.len);
        ngx_http_api_arg(3, ctx->doc.data, ctx->doc.len);
        ngx_http_api_arg(4, ctx->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(5, ctx->now_str.data, ctx->now_str.len);
        argc = 6;
        break;

    case NGX_HTTP_API_OP_PUT:
        script = ctx->amcf->store[NGX_HTTP_API_SCRIPT_PUT];
        nkeys = 2;
        ngx_http_api_arg(2, ctx->id.data, ctx->id.len);
        ngx_http_api_arg(3, ctx->doc.data, ctx->doc.len);
        ngx_http_api_arg(4, ctx->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(5, ctx->now_str.data, ctx->now_str.len);
        ngx_http_api_arg(6, ctx->if_match.data, ctx->if_match.len);
        ngx_http_api_arg(7, ctx->if_none_match.data, ctx->if_none_match.len);
        argc = 8;
        break;

    case NGX_HTTP_API_OP_PATCH:
        script = ctx->amcf->store[NGX_HTTP_API_SCRIPT_PATCH];
        nkeys = 1;
        ngx_http_api_arg(1, ctx->doc.data, ctx->doc.len);
        ngx_http_api_arg(2, ctx->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(3, ctx->now_str.data, ctx->now_str.len);
        ngx_http_api_arg(4, ctx->if_match.data, ctx->if_match.len);
        ngx_http_api_arg(5, ctx->if_none_match.data, ctx->if_none_match.len);
        ngx_http_api_arg(6, ctx->alcf->max_doc.data, ctx->alcf->max_doc.len);
        argc = 7;
        break;

    default: /* NGX_HTTP_API_OP_DELETE */
        script = ctx->amcf->store[NGX_HTTP_API_SCRIPT_DELETE];
        nkeys = 2;
        ngx_http_api_arg(2, ctx->id.data, ctx->id.len);
        ngx_http_api_arg(3, ctx->if_match.data, ctx->if_match.len);
        ngx_http_api_arg(4, ctx->if_none_match.data, ctx->if_none_match.len);
        argc = 5;
    }

#undef ngx_http_api_arg

    if (ctx->idem != NULL) {
        body.data = ctx->req->body.data;
        body.len = ctx->req->body.len;

        if (ngx_http_api_idem_args(r, ctx->idem, &body, &nkeys, &argc, argv,
                                   argvlen)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_api_redis_eval(r, ngx_http_api_write_reply, ctx, script,
                                 nkeys, argc, argv, argvlen);
    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    return ngx_http_api_send_redis_problem(r, rc);
}


static void
ngx_http_api_write_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status)
{
    ngx_http_api_op_t *ctx = data;

    ngx_int_t    rc;
    ngx_str_t    rev;
    redisReply  *code, *doc;

    rev.data = ctx->rev;
    rev.len = NGX_HTTP_API_ID_LEN;

    if (status != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_api_send_redis_problem(r,
                                                                     status));
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1
        || reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
        ngx_http_finalize_request(r,
                                  ngx_http_api_send_reply_problem(r, reply));
        return;
    }

    code = reply->element[0];

    if (ctx->idem != NULL) {
        /* the script ran: it released the lock, whatever it answered */
        ctx->idem->locked = 0;
    }

    switch (code->integer) {

    case NGX_HTTP_OK:
    case NGX_HTTP_CREATED:
        if (ctx->op == NGX_HTTP_API_OP_PATCH) {
            doc = (reply->elements == 2) ? reply->element[1] : NULL;

            if (doc == NULL || doc->type != REDIS_REPLY_STRING) {
                rc = ngx_http_api_send_reply_problem(r, reply);
                break;
            }

            rc = ngx_http_api_send_doc(r, ctx, NGX_HTTP_OK, (u_char *) doc->str,
                                       doc->len, &rev, 0);
            break;
        }

        rc = ngx_http_api_send_doc(r, ctx, (ngx_uint_t) code->integer,
                                   ctx->doc.data, ctx->doc.len, &rev,
                                   code->integer == NGX_HTTP_CREATED);
        break;

    case NGX_HTTP_NO_CONTENT:
        rc = ngx_http_api_send_json(r, NGX_HTTP_NO_CONTENT, NULL, 0);
        break;

    case NGX_HTTP_NOT_FOUND:
        rc = ngx_http_api_send_problem(r, NGX_HTTP_NOT_FOUND, "not_found",
                                       "No document with this id.");
        break;

    case NGX_HTTP_CONFLICT:
        rc = ngx_http_api_send_problem(r, NGX_HTTP_CONFLICT, "already_exists",
                                       "A document with this id exists.");
        break;

    case NGX_HTTP_PRECONDITION_FAILED:
        rc = ngx_http_api_send_problem(r, NGX_HTTP_PRECONDITION_FAILED,
                   "precondition_failed",
                   "If-Match or If-None-Match does not hold for the current "
                   "revision.");
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        rc = ngx_http_api_send_problem(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                   "document_too_large",
                   "The patched document would exceed the size limit.");
        break;

    case NGX_HTTP_API_IDEM_REPLAY:
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_IDEM_REPLAYED);
        rc = ngx_http_api_replay(r, ctx, reply);
        break;

    case NGX_HTTP_API_IDEM_REUSED:
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_IDEM_MISMATCH);
        rc = ngx_http_api_send_problem(r, NGX_HTTP_API_IDEM_REUSED,
                   "idempotency_key_reused",
                   "This Idempotency-Key was used for a different request "
                   "(method, path, preconditions or body).");
        break;

    default:
        rc = ngx_http_api_send_reply_problem(r, reply);
    }

    ngx_http_finalize_request(r, rc);
}


/*
 * The response recorded under the request's Idempotency-Key, rebuilt:
 * {0, status, revision, id, document}.  A POST's record has no document
 * (the body, the same as the first request's, gives it), a PATCH's no id
 * (the URL gives it).
 */

static ngx_int_t
ngx_http_api_replay(ngx_http_request_t *r, ngx_http_api_op_t *ctx,
    redisReply *reply)
{
    ngx_str_t     rev, doc;
    ngx_uint_t    status;
    redisReply  **e;

    e = reply->element;

    if (reply->elements != 5
        || e[1]->type != REDIS_REPLY_INTEGER
        || (e[1]->integer != NGX_HTTP_OK
            && e[1]->integer != NGX_HTTP_CREATED)
        || e[2]->type != REDIS_REPLY_STRING)
    {
        return ngx_http_api_send_reply_problem(r, reply);
    }

    status = (ngx_uint_t) e[1]->integer;

    rev.data = (u_char *) e[2]->str;
    rev.len = e[2]->len;

    if (e[3]->type == REDIS_REPLY_STRING) {
        ctx->id.data = ngx_pnalloc(r->pool, e[3]->len);
        if (ctx->id.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(ctx->id.data, e[3]->str, e[3]->len);
        ctx->id.len = e[3]->len;
    }

    doc = ctx->doc;

    if (e[4]->type == REDIS_REPLY_STRING) {
        doc.data = (u_char *) e[4]->str;
        doc.len = e[4]->len;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: replay %ui, revision %V", status, &rev);

    if (ngx_http_api_set_header(r, "Idempotent-Replayed", "true") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_doc(r, ctx, status, doc.data, doc.len, &rev,
                                 status == NGX_HTTP_CREATED);
}


/* ngx_http_api_parse_media_type() of the Content-Type, if any. */

static ngx_int_t
ngx_http_api_media_type(ngx_http_request_t *r, ngx_uint_t patch)
{
    if (r->headers_in.content_type == NULL) {
        return NGX_DECLINED;
    }

    return ngx_http_api_parse_media_type(&r->headers_in.content_type->value,
                                         patch);
}


/* ngx_http_api_parse_etags() of a header, if the request has it. */

static ngx_int_t
ngx_http_api_etags(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_uint_t weak, ngx_str_t *list)
{
    return ngx_http_api_parse_etags(r->pool, h ? &h->value : NULL, weak,
                                    list);
}


/*
 * A document response: {"id":"<id>",<members>} with ETag, Cache-Control
 * and, for a creation, Location.
 */

static ngx_int_t
ngx_http_api_send_doc(ngx_http_request_t *r, ngx_http_api_op_t *ctx,
    ngx_uint_t status, u_char *doc, size_t len, ngx_str_t *rev,
    ngx_uint_t location)
{
    u_char  *body, *p;
    size_t   size;

    size = sizeof("{\"id\":\"\",") + ctx->id.len + len;

    body = ngx_pnalloc(r->pool, size);
    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(body, "{\"id\":\"%V\"", &ctx->id);

    if (len > 2) {
        *p++ = ',';
        p = ngx_cpymem(p, doc + 1, len - 1);

    } else {
        *p++ = '}';
    }

    if (ngx_http_api_set_etag(r, rev->data, rev->len) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (location) {
        size = ctx->alcf->base.len + ctx->collection.len + 1 + ctx->id.len;

        doc = ngx_pnalloc(r->pool, size);
        if (doc == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_sprintf(doc, "%V%V/%V", &ctx->alcf->base, &ctx->collection,
                           &ctx->id);

        if (ngx_http_api_add_header(r, "Location", doc, size) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ctx->op == NGX_HTTP_API_OP_GET
        && ngx_http_api_set_header(r, "Cache-Control", "no-cache") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_json(r, status, body, p - body);
}


static ngx_int_t
ngx_http_api_set_etag(ngx_http_request_t *r, u_char *rev, size_t len)
{
    u_char  *etag;

    etag = ngx_pnalloc(r->pool, len + 2);
    if (etag == NULL) {
        return NGX_ERROR;
    }

    etag[0] = '"';
    ngx_memcpy(etag + 1, rev, len);
    etag[len + 1] = '"';

    return ngx_http_api_add_header(r, "ETag", etag, len + 2);
}
