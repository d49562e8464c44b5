
/*
 * ngx_http_api_module: request bodies, read whole into memory.
 *
 * nginx reads the body unbuffered (no temporary file); each part is
 * copied into one growing pool buffer, and the module's own limit applies
 * to bodies with Content-Length and to chunked ones alike, so that an
 * oversized body gets a problem+json 413.
 */


#include "ngx_http_api_body.h"
#include "ngx_http_api_response.h"


static void ngx_http_api_body_post(ngx_http_request_t *r);
static void ngx_http_api_body_read_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_body_pump(ngx_http_request_t *r,
    ngx_http_api_body_t *body, ngx_int_t *rc);
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
    u_char     *p;
    off_t       len;
    ngx_int_t   rc;

    if (r->request_body != NULL || r->discard_body) {
        /*
         * Read or discarded before this location (an error_page or a
         * rewrite from a location that had its own limit): it is gone.
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

    if (len > 0) {
        len = ngx_min(len, (off_t) preallocate);

        body->data = ngx_pnalloc(r->pool, (size_t) len);
        if (body->data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body->size = (size_t) len;
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
 * Moves what nginx has read into body->data, and asks for more while it
 * comes without waiting.  NGX_OK: the body is complete; NGX_AGAIN: wait
 * for the socket; NGX_DECLINED: it failed, finalize with *rc (a problem
 * may have been sent already).
 */

static ngx_int_t
ngx_http_api_body_pump(ngx_http_request_t *r, ngx_http_api_body_t *body,
    ngx_int_t *rc)
{
    u_char       *p;
    size_t        n, size;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (r->request_body == NULL) {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NGX_DECLINED;
    }

    for ( ;; ) {

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

            if (body->len + n > body->size) {
                size = ngx_max(2 * body->size, body->len + n);
                size = ngx_max(size, 4096);

                if (body->max && (off_t) size > body->max)
                {
                    size = (size_t) body->max;
                }

                p = ngx_pnalloc(r->pool, size);
                if (p == NULL) {
                    *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                    return NGX_DECLINED;
                }

                if (body->len) {
                    ngx_memcpy(p, body->data, body->len);
                }

                body->data = p;
                body->size = size;
            }

            ngx_memcpy(body->data + body->len, b->pos, n);
            body->len += n;
            b->pos = b->last;
        }

        r->request_body->bufs = NULL;

        if (!r->reading_body) {
            return NGX_OK;
        }

        *rc = ngx_http_read_unbuffered_request_body(r);

        if (*rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            *rc = ngx_http_api_body_problem(r, *rc);
            return NGX_DECLINED;
        }

        if (r->request_body->bufs == NULL) {
            return r->reading_body ? NGX_AGAIN : NGX_OK;
        }
    }
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
