
/*
 * ngx_http_api_module: the API key management endpoint (api_keys).
 */


#ifndef _NGX_HTTP_API_KEYS_H_INCLUDED_
#define _NGX_HTTP_API_KEYS_H_INCLUDED_


#include "ngx_http_api.h"


/* amcf->key_scripts[] */
#define NGX_HTTP_API_KEYS_CREATE   0
#define NGX_HTTP_API_KEYS_DELETE   1
#define NGX_HTTP_API_KEYS_LIST     2


/* api_keys; */
char *ngx_http_api_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_API_KEYS_H_INCLUDED_ */
