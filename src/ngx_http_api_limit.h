
/*
 * ngx_http_api_module: fleet-wide rate limits (GCRA in Redis), with a
 * per-node fallback in shared memory.
 */


#ifndef _NGX_HTTP_API_LIMIT_H_INCLUDED_
#define _NGX_HTTP_API_LIMIT_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_policy.h"


char *ngx_http_api_limit_req_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_api_limit_req(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* Every api_limit_req names an api_limit_req_zone: checked at "nginx -t". */
ngx_int_t ngx_http_api_limit_init(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);

/*
 * Decides the location's limits.  Returns NGX_OK when decided (a refusal
 * is recorded in st), NGX_AGAIN when the Redis script is in flight (its
 * reply resumes the access phase), or an HTTP status on internal failure.
 */
ngx_int_t ngx_http_api_limit_check(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st);

ngx_int_t ngx_http_api_limit_headers(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st);


#endif /* _NGX_HTTP_API_LIMIT_H_INCLUDED_ */
