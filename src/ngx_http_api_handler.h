
/*
 * ngx_http_api_module: the resource API (the "api" directive): routing
 * and reads.
 */


#ifndef _NGX_HTTP_API_HANDLER_H_INCLUDED_
#define _NGX_HTTP_API_HANDLER_H_INCLUDED_


#include "ngx_http_api_op.h"


/* api; */
char *ngx_http_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* api_collection name ...; */
char *ngx_http_api_collection(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* merge_loc_conf: the api directives, "if" and limit_except blocks. */
char *ngx_http_api_handler_merge(ngx_conf_t *cf,
    ngx_http_api_loc_conf_t *prev, ngx_http_api_loc_conf_t *conf);

/* The content handler of every "api" location (and its limit_except). */
ngx_int_t ngx_http_api_handler(ngx_http_request_t *r);

/* Postconfiguration: the api locations take over client_max_body_size. */
ngx_int_t ngx_http_api_handler_init(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);


#endif /* _NGX_HTTP_API_HANDLER_H_INCLUDED_ */
