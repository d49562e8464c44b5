
/*
 * ngx_http_api_module: variables for log_format ($api_collection, ...).
 */


#ifndef _NGX_HTTP_API_VARIABLES_H_INCLUDED_
#define _NGX_HTTP_API_VARIABLES_H_INCLUDED_


#include "ngx_http_api.h"


/* Preconfiguration: adds the variables. */
ngx_int_t ngx_http_api_variables_add(ngx_conf_t *cf);


#endif /* _NGX_HTTP_API_VARIABLES_H_INCLUDED_ */
