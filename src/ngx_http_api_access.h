
/*
 * ngx_http_api_module: the access-phase policies (API keys, rate limits)
 * that run in front of any location.
 */


#ifndef _NGX_HTTP_API_ACCESS_H_INCLUDED_
#define _NGX_HTTP_API_ACCESS_H_INCLUDED_


#include "ngx_http_api.h"


void ngx_http_api_access_merge(ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf);

/* Postconfiguration: the access-phase handler and the header filter. */
ngx_int_t ngx_http_api_access_init(ngx_conf_t *cf);

#endif /* _NGX_HTTP_API_ACCESS_H_INCLUDED_ */
