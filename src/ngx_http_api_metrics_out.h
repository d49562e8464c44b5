
/*
 * ngx_http_api_module: the writer of the api_metrics and api_status
 * bodies.
 */


#ifndef _NGX_HTTP_API_METRICS_OUT_H_INCLUDED_
#define _NGX_HTTP_API_METRICS_OUT_H_INCLUDED_


#include "ngx_http_api.h"


/* A response body written piece by piece into pool buffers. */
typedef struct {
    ngx_http_request_t          *r;
    ngx_chain_t                 *out;
    ngx_chain_t                **last;
    ngx_buf_t                   *b;
    size_t                       len;
} ngx_http_api_metrics_out_t;


void ngx_http_api_metrics_out_init(ngx_http_api_metrics_out_t *out,
    ngx_http_request_t *r);

/* Appends at most "max" bytes; NGX_ERROR: no memory. */
ngx_int_t ngx_http_api_metrics_out_printf(ngx_http_api_metrics_out_t *out,
    size_t max, const char *fmt, ...);

/* 200 with Cache-Control: no-store; returns what to finalize with. */
ngx_int_t ngx_http_api_metrics_out_send(ngx_http_api_metrics_out_t *out,
    ngx_str_t *type);


#endif /* _NGX_HTTP_API_METRICS_OUT_H_INCLUDED_ */
