
/*
 * ngx_http_api_module: API keys (api_key): the access-phase check.
 */


#ifndef _NGX_HTTP_API_KEY_H_INCLUDED_
#define _NGX_HTTP_API_KEY_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_policy.h"


#define NGX_HTTP_API_KEY_NAME_MAX  64
#define NGX_HTTP_API_KEY_MAX       256     /* a presented key's length */
#define NGX_HTTP_API_SCOPES_MAX    32
#define NGX_HTTP_API_SCOPE_MAX     80


char *ngx_http_api_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_api_key_scope(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/*
 * Checks the request's key.  Returns NGX_OK when decided (a refusal is
 * recorded in st), NGX_AGAIN when the lookup is in flight (its reply
 * resumes the access phase), or an HTTP status on internal failure.
 */
ngx_int_t ngx_http_api_key_check(ngx_http_request_t *r,
    ngx_http_api_loc_conf_t *alcf, ngx_http_api_policy_t *st);

/* The Redis key of a key's record: <prefix>key:<hex digest>. */
u_char *ngx_http_api_key_record(ngx_pool_t *pool,
    ngx_http_api_main_conf_t *amcf, u_char *digest, size_t *len);


#endif /* _NGX_HTTP_API_KEY_H_INCLUDED_ */
