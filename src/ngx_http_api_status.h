
/*
 * ngx_http_api_module: api_status, the node's figures as JSON.
 */


#ifndef _NGX_HTTP_API_STATUS_H_INCLUDED_
#define _NGX_HTTP_API_STATUS_H_INCLUDED_


#include "ngx_http_api.h"


char *ngx_http_api_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_API_STATUS_H_INCLUDED_ */
