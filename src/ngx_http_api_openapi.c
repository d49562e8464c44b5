
/*
 * ngx_http_api_module: api_openapi.  The document is generated from the
 * configuration when it is loaded (postconfiguration), once per
 * api_openapi location, and served from memory with a strong ETag.
 */


#include <ngx_md5.h>

#include "ngx_http_api_openapi.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_response.h"


static ngx_int_t ngx_http_api_openapi_build(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf, ngx_http_api_openapi_loc_t *self);
static ngx_int_t ngx_http_api_openapi_handler(ngx_http_request_t *r);


static ngx_str_t  ngx_http_api_openapi_type =
    ngx_string("application/json");


/* api_openapi;  The location serves the server's OpenAPI document. */

char *
ngx_http_api_openapi(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (alcf->openapi != NULL) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->regex || clcf->named) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"api_openapi\" needs a location with a path "
                           "(e.g. \"location = /openapi.json\"), not "
                           "\"%V\"", &clcf->name);
        return NGX_CONF_ERROR;
    }

    alcf->openapi = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_openapi_t));
    if (alcf->openapi == NULL) {
        return NGX_CONF_ERROR;
    }

    clcf->handler = ngx_http_api_openapi_handler;

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_api_openapi_collect(ngx_conf_t *cf, ngx_http_api_loc_conf_t *conf)
{
    ngx_uint_t                   kind;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_api_main_conf_t    *amcf;
    ngx_http_api_openapi_loc_t  *loc;

    if (conf->api_loc == conf) {
        kind = NGX_HTTP_API_OPENAPI_API;

    } else if (conf->keys == 1) {
        kind = NGX_HTTP_API_OPENAPI_KEYS;

    } else if (conf->health != NGX_CONF_UNSET) {
        kind = NGX_HTTP_API_OPENAPI_HEALTH;

    } else if (conf->openapi != NULL) {
        kind = NGX_HTTP_API_OPENAPI_SELF;

    } else {
        return NGX_OK;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->regex || clcf->named) {
        /* a regex is no path: such a location is left out */
        return NGX_OK;
    }

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (amcf->openapi_locs == NULL) {
        amcf->openapi_locs = ngx_array_create(cf->pool, 8,
                                         sizeof(ngx_http_api_openapi_loc_t));
        if (amcf->openapi_locs == NULL) {
            return NGX_ERROR;
        }
    }

    loc = ngx_array_push(amcf->openapi_locs);
    if (loc == NULL) {
        return NGX_ERROR;
    }

    loc->kind = kind;
    loc->server = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    loc->clcf = clcf;
    loc->alcf = conf;

    return NGX_OK;
}


ngx_int_t
ngx_http_api_openapi_init(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                   i;
    ngx_http_api_openapi_loc_t  *loc;

    if (amcf->openapi_locs == NULL) {
        return NGX_OK;
    }

    loc = amcf->openapi_locs->elts;

    for (i = 0; i < amcf->openapi_locs->nelts; i++) {
        if (loc[i].kind == NGX_HTTP_API_OPENAPI_SELF
            && ngx_http_api_openapi_build(cf, amcf, &loc[i]) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * The document of the locations of self's server{}.  jansson's values
 * and string live only here; the result is copied to the cycle's pool.
 */

static ngx_int_t
ngx_http_api_openapi_build(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf,
    ngx_http_api_openapi_loc_t *self)
{
    char                        *text;
    u_char                       md5[16];
    json_t                      *doc;
    ngx_md5_t                    ctx;
    ngx_uint_t                   i, n;
    ngx_http_api_openapi_t      *oa;
    ngx_http_api_openapi_loc_t  *loc, *locs;

    loc = amcf->openapi_locs->elts;

    locs = ngx_palloc(cf->pool, amcf->openapi_locs->nelts
                                * sizeof(ngx_http_api_openapi_loc_t));
    if (locs == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (i = 0; i < amcf->openapi_locs->nelts; i++) {
        if (loc[i].server == self->server) {
            locs[n++] = loc[i];
        }
    }

    doc = ngx_http_api_openapi_document(cf, locs, n);
    if (doc == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "api_openapi: the document of \"%V\" could not be "
                      "built", &self->clcf->name);
        return NGX_ERROR;
    }

    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);

    if (text == NULL) {
        return NGX_ERROR;
    }

    oa = self->alcf->openapi;
    oa->body.len = ngx_strlen(text);
    oa->body.data = ngx_pnalloc(cf->pool, oa->body.len);

    if (oa->body.data != NULL) {
        ngx_memcpy(oa->body.data, text, oa->body.len);
    }

    free(text);

    oa->etag.data = ngx_pnalloc(cf->pool, 2 + 32);
    if (oa->body.data == NULL || oa->etag.data == NULL) {
        return NGX_ERROR;
    }

    ngx_md5_init(&ctx);
    ngx_md5_update(&ctx, oa->body.data, oa->body.len);
    ngx_md5_final(md5, &ctx);

    oa->etag.data[0] = '"';
    ngx_hex_dump(oa->etag.data + 1, md5, 16);
    oa->etag.data[33] = '"';
    oa->etag.len = 34;

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_openapi_handler(ngx_http_request_t *r)
{
    ngx_int_t                 rc;
    ngx_str_t                 list, tag;
    ngx_buf_t                *b;
    ngx_chain_t               out;
    ngx_http_api_openapi_t   *oa;
    ngx_http_api_loc_conf_t  *alcf;

    if (ngx_http_api_read_only(r, &rc) != NGX_OK) {
        return rc;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);
    oa = alcf->openapi;

    if (ngx_http_api_add_header(r, "ETag", oa->etag.data, oa->etag.len)
        != NGX_OK
        || ngx_http_api_set_header(r, "Cache-Control", "no-cache") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->headers_in.if_none_match != NULL) {

        if (ngx_http_api_parse_etags(r->pool,
                                     &r->headers_in.if_none_match->value, 1,
                                     &list)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        tag.data = oa->etag.data + 1;
        tag.len = oa->etag.len - 2;

        if (ngx_http_api_etag_listed(&list, &tag)) {
            return ngx_http_api_send_json(r, NGX_HTTP_NOT_MODIFIED, NULL, 0);
        }
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the document is the configuration's: sent, never changed */
    b->pos = oa->body.data;
    b->last = oa->body.data + oa->body.len;
    b->memory = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_api_send_chain(r, NGX_HTTP_OK, &ngx_http_api_openapi_type,
                                   &out, oa->body.len);
}
