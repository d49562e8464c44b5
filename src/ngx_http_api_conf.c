
/*
 * ngx_http_api_module: helpers of the directive handlers.
 */


#include "ngx_http_api_conf.h"
#include "ngx_http_api_parse.h"


ngx_http_core_loc_conf_t *
ngx_http_api_prefix_location(ngx_conf_t *cf, ngx_command_t *cmd)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

#if (NGX_PCRE)
    if (clcf->regex) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs a prefix location, not the "
                           "regular expression \"%V\"", &cmd->name,
                           &clcf->name);
        return NULL;
    }
#endif

    if (clcf->named || clcf->name.len == 0
        || clcf->name.data[clcf->name.len - 1] != '/')
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs a prefix location that ends with "
                           "\"/\", not \"%V\"", &cmd->name, &clcf->name);
        return NULL;
    }

    if (clcf->exact_match) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" needs a prefix location, not the exact "
                           "match \"= %V\"", &cmd->name, &clcf->name);
        return NULL;
    }

    return clcf;
}


void
ngx_http_api_needs_redis(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    if (amcf->needs_file.len == 0) {
        amcf->needs_file = cf->conf_file->file.name;
        amcf->needs_line = cf->conf_file->line;
    }
}


/* ngx_conf_set_num_slot with bounds, quoting the bad value. */

char *
ngx_http_api_conf_set_num(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_int_t                  *np, n;
    ngx_str_t                  *value;
    ngx_http_api_num_bounds_t  *b;

    np = (ngx_int_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    b = cmd->post;

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n < b->min || n > b->max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"%V\": "
                           "must be a number from %i to %i",
                           &value[1], &cmd->name, b->min, b->max);
        return NGX_CONF_ERROR;
    }

    *np = n;

    return NGX_CONF_OK;
}


/* ngx_conf_set_msec_slot for a positive time, quoting the bad value. */

char *
ngx_http_api_conf_set_msec(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_int_t    ms;
    ngx_str_t   *value;
    ngx_msec_t  *mp;

    mp = (ngx_msec_t *) (p + cmd->offset);

    if (*mp != NGX_CONF_UNSET_MSEC) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ms = ngx_parse_time(&value[1], 0);

    if (ms == NGX_ERROR || ms == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid time \"%V\" in \"%V\": must be a "
                           "positive time such as \"500ms\" or \"2s\"",
                           &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    *mp = (ngx_msec_t) ms;

    return NGX_CONF_OK;
}


ngx_uint_t
ngx_http_api_is_name(u_char *p, size_t len)
{
    return ngx_http_api_parse_name(p, len, NGX_HTTP_API_NAME_MAX, "_-");
}


ngx_int_t
ngx_http_api_conf_name(ngx_conf_t *cf, ngx_str_t *name, const char *what)
{
    if (ngx_http_api_is_name(name->data, name->len)) {
        return NGX_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid %s name \"%V\": use " NGX_HTTP_API_NAME_RULE,
                       what, name);
    return NGX_ERROR;
}
