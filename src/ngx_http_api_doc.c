
/*
 * ngx_http_api_module: the resource API's document responses: the body
 * with its id, ETag, Cache-Control, Content-Location and Location.
 */


#include "ngx_http_api_doc.h"
#include "ngx_http_api_response.h"


/*
 * A document response: {"id":"<id>",<members>} with ETag, Cache-Control
 * (reads), Content-Location (writes) and, for a creation, Location.
 */

ngx_int_t
ngx_http_api_doc_send(ngx_http_request_t *r, ngx_http_api_op_t *op,
    ngx_uint_t status, u_char *doc, size_t len, ngx_str_t *rev,
    ngx_uint_t location)
{
    u_char  *body, *p;
    size_t   size;

    size = sizeof("{\"id\":\"\",") + op->id.len + len;

    body = ngx_pnalloc(r->pool, size);
    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(body, "{\"id\":\"%V\"", &op->id);

    if (len > 2) {
        *p++ = ',';
        p = ngx_cpymem(p, doc + 1, len - 1);

    } else {
        *p++ = '}';
    }

    if (ngx_http_api_doc_set_etag(r, rev->data, rev->len) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (op->kind != NGX_HTTP_API_OP_GET) {
        size = op->alcf->base.len + op->collection.len + 1 + op->id.len;

        doc = ngx_pnalloc(r->pool, size);
        if (doc == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_sprintf(doc, "%V%V/%V", &op->alcf->base, &op->collection,
                           &op->id);

        /*
         * A write answers with the document as stored, which need not be
         * the bytes sent: Content-Location says the body is the
         * document's representation (RFC 9110, 8.7), and the ETag is its
         * entity tag.
         */

        if (ngx_http_api_add_header(r, "Content-Location", doc, size)
            != NGX_OK
            || (location
                && ngx_http_api_add_header(r, "Location", doc, size)
                   != NGX_OK))
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (op->kind == NGX_HTTP_API_OP_GET
        && ngx_http_api_set_header(r, "Cache-Control", "no-cache") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_json(r, status, body, p - body);
}


ngx_int_t
ngx_http_api_doc_set_etag(ngx_http_request_t *r, u_char *rev, size_t len)
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
