
/*
 * ngx_http_api_module: the writer of the api_metrics and api_status
 * bodies: pieces formatted into pool buffers, sent as one chain.
 */


#include "ngx_http_api_metrics_out.h"
#include "ngx_http_api_response.h"


#define NGX_HTTP_API_M_OUT_SIZE  8192    /* bytes per buffer */


void
ngx_http_api_metrics_out_init(ngx_http_api_metrics_out_t *out,
    ngx_http_request_t *r)
{
    out->r = r;
    out->out = NULL;
    out->last = &out->out;
    out->b = NULL;
    out->len = 0;
}


/*
 * Appends one formatted piece of at most "max" bytes, starting a new
 * pool buffer when the current one has less room.
 */

ngx_int_t
ngx_http_api_metrics_out_printf(ngx_http_api_metrics_out_t *out, size_t max,
    const char *fmt, ...)
{
    u_char       *p;
    va_list       args;
    ngx_chain_t  *cl;

    if (out->b == NULL || (size_t) (out->b->end - out->b->last) < max) {
        out->b = ngx_create_temp_buf(out->r->pool,
                                     ngx_max(max, NGX_HTTP_API_M_OUT_SIZE));
        cl = ngx_alloc_chain_link(out->r->pool);
        if (out->b == NULL || cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = out->b;
        cl->next = NULL;
        *out->last = cl;
        out->last = &cl->next;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(out->b->last, out->b->last + max, fmt, args);
    va_end(args);

    out->len += p - out->b->last;
    out->b->last = p;

    return NGX_OK;
}


ngx_int_t
ngx_http_api_metrics_out_send(ngx_http_api_metrics_out_t *out, ngx_str_t *type)
{
    if (ngx_http_api_set_header(out->r, "Cache-Control", "no-store")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_api_send_chain(out->r, NGX_HTTP_OK, type, out->out,
                                   out->len);
}
