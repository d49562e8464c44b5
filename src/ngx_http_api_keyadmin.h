
/*
 * ngx_http_api_module: the API key management endpoint (api_keys).
 */


#ifndef _NGX_HTTP_API_KEYADMIN_H_INCLUDED_
#define _NGX_HTTP_API_KEYADMIN_H_INCLUDED_


#include "ngx_http_api.h"


char *ngx_http_api_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_api_keyadmin_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_API_KEYADMIN_H_INCLUDED_ */
