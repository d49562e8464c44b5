
/*
 * ngx_http_api_module: request bodies, read whole into memory.
 *
 * nginx reads the body unbuffered (no temporary file) and each part is
 * copied out of its buffer.  A body with Content-Length goes into one
 * buffer of that size (after a first one of at most "preallocate"
 * bytes); a chunked body into a list of parts, each at least 1/16 of what
 * came before, joined once at the end, so that a body never holds more
 * than about 1.07 times its size while it comes.  The module's own limit
 * applies to both, at the header or the chunk line that announces too
 * much, so that an oversized body gets a problem+json 413 at once.
 */


#include "ngx_http_api_body.h"
#include "ngx_http_api_response.h"


static void ngx_http_api_body_post(ngx_http_request_t *r);
static void ngx_http_api_body_read_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_body_pump(ngx_http_request_t *r,
    ngx_http_api_body_t *body, ngx_int_t *rc);
static ngx_int_t ngx_http_api_body_announced(ngx_http_request_t *r,
    ngx_http_api_body_t *body, ngx_int_t *rc);
static ngx_int_t ngx_http_api_body_copy(ngx_http_request_t *r,
    ngx_http_api_body_t *body, u_char *p, size_t n);
static ngx_int_t ngx_http_api_body_part(ngx_http_request_t *r,
    ngx_http_api_body_t *body, size_t n);
static ngx_int_t ngx_http_api_body_join(ngx_http_request_t *r,
    ngx_http_api_body_t *body);
static ngx_int_t ngx_http_api_body_problem(ngx_http_request_t *r,
    ngx_int_t status);


/*
 * Starts reading; returns what the content handler returns (NGX_DONE
 * while the body comes).  body->done(r) runs once it is complete, and
 * its result finalizes the request.  At most "preallocate" bytes are
 * allocated before any byte arrives, whatever Content-Length says.
 */

ngx_int_t
ngx_http_api_body_read(ngx_http_request_t *r, ngx_http_api_body_t *body,
    size_t preallocate)
{
    u_char           *p;
    off_t             len;
    ngx_int_t         rc;
    ngx_table_elt_t  *h;

    h = r->headers_in.content_length;

    if (r->request_body != NULL || r->discard_body
        || (h != NULL && r->headers_in.content_length_n == 0
            && ngx_atoof(h->value.data, h->value.len) > 0))
    {
        /*
         * Read or discarded before this location (an error_page or a
         * rewrite from a location that had its own limit): it is gone.
         * A body nginx already held is drained at once, leaving only
         * Content-Length at 0 and the header as it came.
         */
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                   "invalid_body",
                   "The request body was consumed before it reached the API.");
    }

    len = r->headers_in.content_length_n;

    if (body->max && len > body->max) {
        p = ngx_pnalloc(r->pool, 80);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *ngx_snprintf(p, 79, "The body may be at most %O bytes.",
                      body->max) = '\0';

        return ngx_http_api_send_problem(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body_too_large", (char *) p);
    }

    body->preallocate = preallocate;

    if (len > 0
        && ngx_http_api_body_part(r, body,
                                  (size_t) ngx_min(len, (off_t) preallocate))
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->request_body_no_buffering = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_api_body_post);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return ngx_http_api_body_problem(r, rc);
    }

    return NGX_DONE;
}


/* Called once by nginx: with the whole body, or the first part of it. */

static void
ngx_http_api_body_post(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    ngx_http_api_body_t  *body;

    body = ngx_http_get_module_ctx(r, ngx_http_api_module);

    switch (ngx_http_api_body_pump(r, body, &rc)) {

    case NGX_AGAIN:
        r->read_event_handler = ngx_http_api_body_read_handler;
        return;

    case NGX_OK:
        rc = body->done(r);
        break;
    }

    ngx_http_finalize_request(r, rc);
}


static void
ngx_http_api_body_read_handler(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    ngx_http_api_body_t  *body;

    body = ngx_http_get_module_ctx(r, ngx_http_api_module);

    rc = ngx_http_read_unbuffered_request_body(r);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        r->read_event_handler = ngx_http_block_reading;
        ngx_http_finalize_request(r, ngx_http_api_body_problem(r, rc));
        return;
    }

    switch (ngx_http_api_body_pump(r, body, &rc)) {

    case NGX_AGAIN:
        return;

    case NGX_OK:
        /* before done(): sending a command watches the client */
        r->read_event_handler = ngx_http_block_reading;
        rc = body->done(r);
        break;

    default:
        r->read_event_handler = ngx_http_block_reading;
    }

    ngx_http_finalize_request(r, rc);
}


/*
 * Moves what nginx has read into the body's parts, and asks for more
 * while it comes without waiting.  NGX_OK: the body is complete, in
 * body->data; NGX_AGAIN: wait for the socket; NGX_DECLINED: it failed,
 * finalize with *rc (a problem may have been sent already).
 */

static ngx_int_t
ngx_http_api_body_pump(ngx_http_request_t *r, ngx_http_api_body_t *body,
    ngx_int_t *rc)
{
    size_t        n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (r->request_body == NULL) {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_DECLINED;
    }

    for ( ;; ) {

        if (ngx_http_api_body_announced(r, body, rc) != NGX_OK) {
            return NGX_DECLINED;
        }

        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            b = cl->buf;
            n = b->last - b->pos;

            if (n == 0) {
                continue;
            }

            if (body->max
                && (off_t) (body->len + n) > body->max)
            {
                *rc = ngx_http_api_body_problem(r,
                                            NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
                return NGX_DECLINED;
            }

            if (ngx_http_api_body_copy(r, body, b->pos, n) != NGX_OK) {
                *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                return NGX_DECLINED;
            }

            b->pos = b->last;
        }

        r->request_body->bufs = NULL;

        if (!r->reading_body) {
            break;
        }

        *rc = ngx_http_read_unbuffered_request_body(r);

        if (*rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            *rc = ngx_http_api_body_problem(r, *rc);
            return NGX_DECLINED;
        }

        if (r->request_body->bufs == NULL && r->reading_body) {
            /* perhaps only a chunk line came */
            if (ngx_http_api_body_announced(r, body, rc) != NGX_OK) {
                return NGX_DECLINED;
            }

            return NGX_AGAIN;
        }
    }

    if (ngx_http_api_body_join(r, body) != NGX_OK) {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * A chunked body whose chunk line announces more than body->max in all
 * (what came before, and the whole chunk): NGX_DECLINED with the 413 in
 * *rc, before the chunk arrives.  nginx's own check in its chunked
 * filter does not run: api locations have client_max_body_size 0.
 */

static ngx_int_t
ngx_http_api_body_announced(ngx_http_request_t *r, ngx_http_api_body_t *body,
    ngx_int_t *rc)
{
    ngx_http_request_body_t  *rb;

    rb = r->request_body;

    if (body->max == 0 || !r->headers_in.chunked || rb->chunked == NULL) {
        return NGX_OK;
    }

    /* content_length_n: the chunks' bytes so far, this one's included */

    if (r->headers_in.content_length_n > body->max
        || rb->chunked->size > body->max - r->headers_in.content_length_n)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api: a chunk takes the body to %O+%O bytes, over %O",
                      r->headers_in.content_length_n, rb->chunked->size,
                      body->max);

        *rc = ngx_http_api_body_problem(r,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* Appends [p, p + n) to the body, making room as it goes. */

static ngx_int_t
ngx_http_api_body_copy(ngx_http_request_t *r, ngx_http_api_body_t *body,
    u_char *p, size_t n)
{
    size_t      k;
    ngx_buf_t  *b;

    while (n) {
        b = body->last ? body->last->buf : NULL;

        if (b == NULL || b->last == b->end) {
            if (ngx_http_api_body_part(r, body, n) != NGX_OK) {
                return NGX_ERROR;
            }

            b = body->last->buf;
        }

        k = ngx_min(n, (size_t) (b->end - b->last));

        b->last = ngx_cpymem(b->last, p, k);
        body->len += k;
        p += k;
        n -= k;
    }

    return NGX_OK;
}


/*
 * Room for n more bytes at least.  With Content-Length, the one part
 * becomes a buffer of the whole length and the first one, if large, is
 * freed; else a new part of at least n, of 1/16 of the body so far and of
 * "preallocate" bytes, never past body->max.  A part comes from the pool:
 * large ones are freed by ngx_http_api_body_join() or with the pool.
 */

static ngx_int_t
ngx_http_api_body_part(ngx_http_request_t *r, ngx_http_api_body_t *body,
    size_t n)
{
    off_t         len;
    size_t        size;
    ngx_buf_t    *b, *old;
    ngx_chain_t  *cl;

    len = r->headers_in.content_length_n;
    old = body->last ? body->last->buf : NULL;

    if (old != NULL && !r->headers_in.chunked
        && len >= (off_t) (body->len + n) && body->parts == body->last)
    {
        b = ngx_create_temp_buf(r->pool, (size_t) len);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last = ngx_cpymem(b->pos, old->pos, old->last - old->pos);
        ngx_pfree(r->pool, old->start);

        body->last->buf = b;

        return NGX_OK;
    }

    size = ngx_max(n, body->len / 16);
    size = ngx_max(size, body->preallocate);

    if (body->max && (off_t) (body->len + size) > body->max) {
        size = ngx_max(n, (size_t) (body->max - body->len));
    }

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = ngx_create_temp_buf(r->pool, size);
    if (cl->buf == NULL) {
        return NGX_ERROR;
    }

    cl->next = NULL;

    if (body->last) {
        body->last->next = cl;

    } else {
        body->parts = cl;
    }

    body->last = cl;

    return NGX_OK;
}


/*
 * The parts as one buffer, body->data; each large part is freed as soon
 * as it is copied.  One part is used as it is.
 */

static ngx_int_t
ngx_http_api_body_join(ngx_http_request_t *r, ngx_http_api_body_t *body)
{
    u_char       *p;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (body->parts == NULL) {
        return NGX_OK;
    }

    if (body->parts->next == NULL) {
        body->data = body->parts->buf->pos;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, body->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;

    for (cl = body->parts; cl; cl = cl->next) {
        b = cl->buf;
        p = ngx_cpymem(p, b->pos, b->last - b->pos);
        ngx_pfree(r->pool, b->start);
    }

    body->parts = NULL;
    body->last = NULL;

    return NGX_OK;
}


/* nginx's own body errors (413 of a chunked body, 400, 408) as problems. */

static ngx_int_t
ngx_http_api_body_problem(ngx_http_request_t *r, ngx_int_t status)
{
    switch (status) {

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return ngx_http_api_send_problem(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body_too_large",
                                         "The body exceeds "
                                         "client_max_body_size.");

    case NGX_HTTP_BAD_REQUEST:
        return ngx_http_api_send_problem(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_body",
                                         "The request body is malformed.");

    case NGX_HTTP_REQUEST_TIME_OUT:
    case NGX_HTTP_CLIENT_CLOSED_REQUEST:
        return status;

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}
