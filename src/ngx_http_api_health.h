
/*
 * ngx_http_api_module: the api_health endpoint.
 */


#ifndef _NGX_HTTP_API_HEALTH_H_INCLUDED_
#define _NGX_HTTP_API_HEALTH_H_INCLUDED_


#include "ngx_http_api.h"


/* api_health [ready | live] */
#define NGX_HTTP_API_HEALTH_READY  1
#define NGX_HTTP_API_HEALTH_LIVE   2


ngx_int_t ngx_http_api_health_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_API_HEALTH_H_INCLUDED_ */
