
/*
 * ngx_http_api_module: the api_health endpoint.
 */


#ifndef _NGX_HTTP_API_HEALTH_H_INCLUDED_
#define _NGX_HTTP_API_HEALTH_H_INCLUDED_


#include "ngx_http_api.h"


/* api_health [ready | live] */
#define NGX_HTTP_API_HEALTH_READY  1
#define NGX_HTTP_API_HEALTH_LIVE   2


char *ngx_http_api_health(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_API_HEALTH_H_INCLUDED_ */
