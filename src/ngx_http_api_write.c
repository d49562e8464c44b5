
/*
 * ngx_http_api_module: the resource API's writes.
 *
 * POST, PUT, PATCH and DELETE: body -> validate -> EVALSHA -> reply ->
 * replay (a stored Idempotency-Key result).
 */


#include "ngx_http_api_write.h"
#include "ngx_http_api_body.h"
#include "ngx_http_api_doc.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_json.h"
#include "ngx_http_api_metrics.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_redis.h"
#include "ngx_http_api_response.h"
#include "ngx_http_api_store.h"


static ngx_int_t ngx_http_api_body_start(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_body_done(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_write_send(ngx_http_request_t *r,
    ngx_http_api_op_t *op);
static void ngx_http_api_write_reply(ngx_http_request_t *r, void *data,
    redisReply *reply, ngx_int_t status);
static ngx_int_t ngx_http_api_replay(ngx_http_request_t *r,
    ngx_http_api_op_t *op, redisReply *reply);
static ngx_uint_t ngx_http_api_identity(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_media_type(ngx_http_request_t *r,
    ngx_uint_t patch);


/* DELETE /{c}/{id}: no body, one EVALSHA. */

ngx_int_t
ngx_http_api_write_delete(ngx_http_request_t *r, ngx_http_api_op_t *op)
{
    op->kind = NGX_HTTP_API_OP_DELETE;

    return ngx_http_api_write_send(r, op);
}


/*
 * POST, PUT, PATCH: check the content coding and the media type, take
 * the Idempotency-Key's
 * lock (POST, PATCH), then read the body into memory
 * (ngx_http_api_body.c); ngx_http_api_body_done() goes on from there.
 */

ngx_int_t
ngx_http_api_write_start(ngx_http_request_t *r, ngx_http_api_op_t *op)
{
    ngx_int_t  rc;

    if (r != r->main) {
        /* a subrequest shares its parent's body: it only reads here */
        return ngx_http_api_send_problem(r, NGX_HTTP_NOT_ALLOWED,
                                         "method_not_allowed",
                                         "A subrequest can only read.");
    }

    if (!ngx_http_api_identity(r)) {
        /* RFC 9110, 15.5.16: which codings would have done, i.e. none */

        if (ngx_http_api_set_header(r, "Accept-Encoding", "identity")
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_api_send_problem(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                   "unsupported_content_encoding",
                   "Send the body without a content coding "
                   "(no Content-Encoding, or identity).");
    }

    if (ngx_http_api_media_type(r, op->kind == NGX_HTTP_API_OP_PATCH)
        != NGX_OK)
    {
        if (op->kind != NGX_HTTP_API_OP_PATCH) {
            return ngx_http_api_send_problem(r,
                       NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                       "unsupported_media_type", "Send application/json.");
        }

        /* RFC 5789, 2.2: the patch formats this resource applies */

        if (ngx_http_api_set_header(r, "Accept-Patch",
                                    NGX_HTTP_API_ACCEPT_PATCH)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_api_send_problem(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                   "unsupported_media_type",
                   "Send application/merge-patch+json or application/json.");
    }

    if (op->kind != NGX_HTTP_API_OP_PUT) {
        rc = ngx_http_api_idem_lock(r, &op->index, ngx_http_api_body_start,
                                    &op->idem);
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
    ngx_http_api_op_t   *op;
    ngx_http_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    op = ctx->op;

    ctx->body.max = op->alcf->max_body;
    ctx->body.done = ngx_http_api_body_done;

    return ngx_http_api_body_read(r, &ctx->body,
                                  op->alcf->clcf->client_body_buffer_size);
}


/*
 * The body is in memory: validate it and send the write.  Returns what
 * the request is finalized with; NGX_DONE when the command is in flight.
 */

static ngx_int_t
ngx_http_api_body_done(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    ngx_http_api_op_t    *op;
    ngx_http_api_ctx_t   *ctx;
    ngx_http_api_json_t   json;

    ctx = ngx_http_get_module_ctx(r, ngx_http_api_module);
    op = ctx->op;

    rc = ngx_http_api_json_parse(r->pool, ctx->body.data, ctx->body.len,
                                 op->alcf->max_depth, &json);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_DECLINED) {
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST, json.code,
                                         (char *) json.detail);
    }

    if (json.has_id) {
        if (op->kind == NGX_HTTP_API_OP_CREATE) {

            /* POST with a client-chosen id */

            if (!ngx_http_api_id_valid(json.id.data, json.id.len)) {
                return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                           "invalid_id",
                           "An id is 1 to 128 of A-Z a-z 0-9 . _ ~ - "
                           "(and not \".\" or \"..\").");
            }

            op->id = json.id;

        } else if (json.id.len != op->id.len
                   || ngx_strncmp(json.id.data, op->id.data, op->id.len)
                      != 0)
        {
            return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                       "id_mismatch",
                       "The body's \"id\" differs from the id in the URL.");
        }
    }

    if (op->kind == NGX_HTTP_API_OP_CREATE) {
        if (op->id.len == 0) {
            ngx_http_api_id_generate(op->amcf, op->idbuf);
            op->id.data = op->idbuf;
            op->id.len = NGX_HTTP_API_ID_LEN;
        }

        if (ngx_http_api_store_key(r->pool, op->amcf, &op->collection,
                                   &op->id, &op->key) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    op->doc = json.doc;

    /*
     * NGX_DONE: the command holds the request now, and finalizing with
     * NGX_DONE releases the body's reference.
     */

    return ngx_http_api_write_send(r, op);
}


/*
 * The one EVALSHA of a write.  Returns NGX_DONE when it is in flight,
 * otherwise what to finalize with.
 */

static ngx_int_t
ngx_http_api_write_send(ngx_http_request_t *r, ngx_http_api_op_t *op)
{
    int                     argc, nkeys;
    ngx_int_t               rc;
    ngx_str_t               body, ius;
    ngx_time_t             *tp;
    const char            **argv;
    size_t                 *argvlen;
    ngx_http_api_script_t  *script;

    if (ngx_http_api_cond_read(r, &op->cond) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* If-Unmodified-Since as the scripts take it: seconds, or "" */

    ngx_str_set(&ius, "");

    if (op->cond.if_unmodified_since != -1) {
        ius.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
        if (ius.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ius.len = ngx_sprintf(ius.data, "%T", op->cond.if_unmodified_since)
                  - ius.data;
    }

    ngx_http_api_id_generate(op->amcf, op->rev);

    tp = ngx_timeofday();
    op->now_str.data = op->now;
    op->now_str.len = ngx_sprintf(op->now, "%T%03M", tp->sec, tp->msec)
                       - op->now;

    /* 9 for PUT; an Idempotency-Key adds 5 to POST (6) and PATCH (8) */
    argv = ngx_palloc(r->pool, 13 * sizeof(char *));
    argvlen = ngx_palloc(r->pool, 13 * sizeof(size_t));
    if (argv == NULL || argvlen == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define ngx_http_api_arg(i, s, l)                                             \
    argv[i] = (const char *) (s); argvlen[i] = (l)

    ngx_http_api_arg(0, op->key.data, op->key.len);
    ngx_http_api_arg(1, op->index.data, op->index.len);

    switch (op->kind) {

    case NGX_HTTP_API_OP_CREATE:
        script = op->amcf->store[NGX_HTTP_API_SCRIPT_CREATE];
        nkeys = 2;
        ngx_http_api_arg(2, op->id.data, op->id.len);
        ngx_http_api_arg(3, op->doc.data, op->doc.len);
        ngx_http_api_arg(4, op->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(5, op->now_str.data, op->now_str.len);
        argc = 6;
        break;

    case NGX_HTTP_API_OP_PUT:
        script = op->amcf->store[NGX_HTTP_API_SCRIPT_PUT];
        nkeys = 2;
        ngx_http_api_arg(2, op->id.data, op->id.len);
        ngx_http_api_arg(3, op->doc.data, op->doc.len);
        ngx_http_api_arg(4, op->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(5, op->now_str.data, op->now_str.len);
        ngx_http_api_arg(6, op->cond.if_match.data, op->cond.if_match.len);
        ngx_http_api_arg(7, op->cond.if_none_match.data,
                         op->cond.if_none_match.len);
        ngx_http_api_arg(8, ius.data, ius.len);
        argc = 9;
        break;

    case NGX_HTTP_API_OP_PATCH:
        script = op->amcf->store[NGX_HTTP_API_SCRIPT_PATCH];
        nkeys = 1;
        ngx_http_api_arg(1, op->doc.data, op->doc.len);
        ngx_http_api_arg(2, op->rev, NGX_HTTP_API_ID_LEN);
        ngx_http_api_arg(3, op->now_str.data, op->now_str.len);
        ngx_http_api_arg(4, op->cond.if_match.data, op->cond.if_match.len);
        ngx_http_api_arg(5, op->cond.if_none_match.data,
                         op->cond.if_none_match.len);
        ngx_http_api_arg(6, op->alcf->max_doc.data, op->alcf->max_doc.len);
        ngx_http_api_arg(7, ius.data, ius.len);
        argc = 8;
        break;

    default: /* NGX_HTTP_API_OP_DELETE */
        script = op->amcf->store[NGX_HTTP_API_SCRIPT_DELETE];
        nkeys = 2;
        ngx_http_api_arg(2, op->id.data, op->id.len);
        ngx_http_api_arg(3, op->cond.if_match.data, op->cond.if_match.len);
        ngx_http_api_arg(4, op->cond.if_none_match.data,
                         op->cond.if_none_match.len);
        ngx_http_api_arg(5, ius.data, ius.len);
        argc = 6;
    }

#undef ngx_http_api_arg

    if (op->idem != NULL) {
        body.data = op->ctx->body.data;
        body.len = op->ctx->body.len;

        if (ngx_http_api_idem_args(r, op->idem, &body, &nkeys, &argc, argv,
                                   argvlen)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_api_redis_eval(r, ngx_http_api_write_reply, op, script,
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
    ngx_http_api_op_t *op = data;

    ngx_int_t    rc;
    ngx_str_t    rev;
    redisReply  *code, *doc;

    rev.data = op->rev;
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

    if (op->idem != NULL) {
        /* the script ran: it released the lock, whatever it answered */
        op->idem->locked = 0;
    }

    switch (code->integer) {

    case NGX_HTTP_OK:
    case NGX_HTTP_CREATED:
        if (op->kind == NGX_HTTP_API_OP_PATCH) {
            doc = (reply->elements == 2) ? reply->element[1] : NULL;

            if (doc == NULL || doc->type != REDIS_REPLY_STRING) {
                rc = ngx_http_api_send_reply_problem(r, reply);
                break;
            }

            rc = ngx_http_api_doc_send(r, op, NGX_HTTP_OK, (u_char *) doc->str,
                                       doc->len, &rev, 0);
            break;
        }

        rc = ngx_http_api_doc_send(r, op, (ngx_uint_t) code->integer,
                                   op->doc.data, op->doc.len, &rev,
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
                   "A precondition (If-Match, If-None-Match, "
                   "If-Unmodified-Since) does not hold for the current "
                   "revision.");
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        rc = ngx_http_api_send_problem(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                   "document_too_large",
                   "The patched document would exceed the size limit.");
        break;

    case NGX_HTTP_API_IDEM_REPLAY:
        ngx_http_api_metrics_count(r, NGX_HTTP_API_M_IDEM_REPLAYED);
        rc = ngx_http_api_replay(r, op, reply);
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
ngx_http_api_replay(ngx_http_request_t *r, ngx_http_api_op_t *op,
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
        op->id.data = ngx_pnalloc(r->pool, e[3]->len);
        if (op->id.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(op->id.data, e[3]->str, e[3]->len);
        op->id.len = e[3]->len;
    }

    doc = op->doc;

    if (e[4]->type == REDIS_REPLY_STRING) {
        doc.data = (u_char *) e[4]->str;
        doc.len = e[4]->len;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api idempotency: replay %ui, revision %V", status, &rev);

    if (ngx_http_api_set_header(r, "Idempotent-Replayed", "true") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_doc_send(r, op, status, doc.data, doc.len, &rev,
                                 status == NGX_HTTP_CREATED);
}


/*
 * Whether the body has no content coding (RFC 9110, 8.4): no
 * Content-Encoding, or only "identity".  The API decodes none: a body
 * is bounded by client_max_body_size as it arrives, and a decoder would
 * need a bound of its own on what it inflates to.
 */

static ngx_uint_t
ngx_http_api_identity(ngx_http_request_t *r)
{
    u_char           *p, *end, *t;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return 1;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("Content-Encoding") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Content-Encoding",
                               h[i].key.len)
               != 0)
        {
            continue;
        }

        p = h[i].value.data;
        end = p + h[i].value.len;

        while (p < end) {
            if (*p == ' ' || *p == '\t' || *p == ',') {
                p++;
                continue;
            }

            t = p;

            while (p < end && *p != ' ' && *p != '\t' && *p != ',') {
                p++;
            }

            if (p - t != sizeof("identity") - 1
                || ngx_strncasecmp(t, (u_char *) "identity", p - t) != 0)
            {
                return 0;
            }
        }
    }
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
