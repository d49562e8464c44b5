
/*
 * ngx_http_api_module: api_problem, nginx's own error responses as
 * problem+json.
 */


#ifndef _NGX_HTTP_API_ERRORS_H_INCLUDED_
#define _NGX_HTTP_API_ERRORS_H_INCLUDED_


#include "ngx_http_api.h"


/* api_problem: the directive's handler */
char *ngx_http_api_problem(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_HTTP_API_ERRORS_H_INCLUDED_ */
