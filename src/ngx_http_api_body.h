
/*
 * ngx_http_api_module: request bodies, read whole into memory.
 */


#ifndef _NGX_HTTP_API_BODY_H_INCLUDED_
#define _NGX_HTTP_API_BODY_H_INCLUDED_


#include "ngx_http_api.h"


typedef ngx_int_t (*ngx_http_api_body_done_pt)(ngx_http_request_t *r);


/*
 * The module's request context must begin with this struct: the read
 * handlers find it with ngx_http_get_module_ctx().
 */
typedef struct {
    u_char                      *data;
    size_t                       len;
    size_t                       size;
    off_t                        max;      /* 0: no limit */
    ngx_http_api_body_done_pt    done;
} ngx_http_api_body_t;


ngx_int_t ngx_http_api_body_read(ngx_http_request_t *r,
    ngx_http_api_body_t *body, size_t preallocate);


#endif /* _NGX_HTTP_API_BODY_H_INCLUDED_ */
