
/*
 * ngx_http_api_module: the request context and the monotonic clock its
 * timings use.  A leaf: it calls nothing of the module's.
 */


#ifndef _NGX_HTTP_API_CTX_H_INCLUDED_
#define _NGX_HTTP_API_CTX_H_INCLUDED_


#include "ngx_http_api.h"


/* The request's context: found, or created in r->pool; NULL: no memory. */
ngx_http_api_ctx_t *ngx_http_api_ctx(ngx_http_request_t *r);

/* Adds one Redis round trip to the request's $api_redis_time. */
void ngx_http_api_ctx_redis_time(ngx_http_request_t *r, ngx_uint_t usec);

/* Microseconds on the monotonic clock (not cached, unlike ngx_time()). */
ngx_uint_t ngx_http_api_usec(void);


#endif /* _NGX_HTTP_API_CTX_H_INCLUDED_ */
