
/*
 * ngx_http_api_module: variables for log_format ($api_collection, ...).
 */


#ifndef _NGX_HTTP_API_VARIABLES_H_INCLUDED_
#define _NGX_HTTP_API_VARIABLES_H_INCLUDED_


#include "ngx_http_api.h"


ngx_int_t ngx_http_api_variables_add(ngx_conf_t *cf);

/* Adds one Redis round trip to the request's $api_redis_time. */
void ngx_http_api_variables_redis_time(ngx_http_request_t *r,
    ngx_uint_t usec);


#endif /* _NGX_HTTP_API_VARIABLES_H_INCLUDED_ */
