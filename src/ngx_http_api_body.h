
/*
 * ngx_http_api_module: request bodies, read whole into memory.
 */


#ifndef _NGX_HTTP_API_BODY_H_INCLUDED_
#define _NGX_HTTP_API_BODY_H_INCLUDED_


#include "ngx_http_api.h"


ngx_int_t ngx_http_api_body_read(ngx_http_request_t *r,
    ngx_http_api_body_t *body, size_t preallocate);


#endif /* _NGX_HTTP_API_BODY_H_INCLUDED_ */
