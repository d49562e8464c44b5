
/*
 * ngx_http_api_module: api_cors, CORS for browser clients: preflights
 * answered before the policies, the CORS headers on every response to an
 * allowed origin.
 */


#ifndef _NGX_HTTP_API_CORS_H_INCLUDED_
#define _NGX_HTTP_API_CORS_H_INCLUDED_


#include "ngx_http_api.h"


char *ngx_http_api_cors(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* The location merge's part for api_cors: inherited as a whole. */
char *ngx_http_api_cors_merge(ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf);

/* postconfiguration: the preaccess handler and the header filter. */
ngx_int_t ngx_http_api_cors_init(ngx_conf_t *cf);


#endif /* _NGX_HTTP_API_CORS_H_INCLUDED_ */
