
/*
 * ngx_http_api_module fuzz targets: what src/core/ngx_regex.c reaches
 * besides pools and lists, for the schema targets.  Its pcre_jit
 * directive and module hooks never run here.
 */


#include "ngx_fuzz.h"


char *
ngx_conf_set_flag_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return NGX_CONF_ERROR;
}


void ngx_cdecl
ngx_conf_log_error(ngx_uint_t level, ngx_conf_t *cf, ngx_err_t err,
    const char *fmt, ...)
{
}
