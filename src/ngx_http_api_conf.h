
/*
 * ngx_http_api_module: helpers of the directive handlers.  A leaf: it
 * calls nothing of the module's.
 */


#ifndef _NGX_HTTP_API_CONF_H_INCLUDED_
#define _NGX_HTTP_API_CONF_H_INCLUDED_


#include "ngx_http_api.h"


/* The rule for every configured name: collections, zones, scopes. */
#define NGX_HTTP_API_NAME_MAX    64
#define NGX_HTTP_API_NAME_RULE   "1 to 64 of A-Z a-z 0-9 _ -"


/* cmd->post of ngx_http_api_conf_set_num() */
typedef struct {
    ngx_int_t                    min;
    ngx_int_t                    max;
} ngx_http_api_num_bounds_t;


/* ngx_conf_set_num_slot with bounds (cmd->post), quoting the bad value. */
char *ngx_http_api_conf_set_num(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_conf_set_msec_slot for a positive time, quoting the bad value. */
char *ngx_http_api_conf_set_msec(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/*
 * The location of a directive that routes paths relative to its prefix
 * ("api", "api_keys"): a prefix location that ends with "/".  NULL: not
 * one, the error is logged.
 */
ngx_http_core_loc_conf_t *ngx_http_api_prefix_location(ngx_conf_t *cf,
    ngx_command_t *cmd);

/* Records that this configuration needs "api_redis_server" (the first). */
void ngx_http_api_needs_redis(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf);

/* Whether a name follows NGX_HTTP_API_NAME_RULE. */
ngx_uint_t ngx_http_api_is_name(u_char *p, size_t len);

/*
 * Checks a configured name against the rule; NGX_ERROR: logged as
 * "invalid <what> name", quoting it.
 */
ngx_int_t ngx_http_api_conf_name(ngx_conf_t *cf, ngx_str_t *name,
    const char *what);


#endif /* _NGX_HTTP_API_CONF_H_INCLUDED_ */
