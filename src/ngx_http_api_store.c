
/*
 * ngx_http_api_module: how documents are laid out in Redis.
 *
 * A document is a hash: d (compact JSON, no "id"), r (revision, the ETag),
 * c and m (created and modified, ms since the epoch).  The collection's
 * index is a sorted set of ids, all with score 0, read in id order.
 * Every change is one script, so a document and its index entry change
 * together or not at all.
 */


#include "ngx_http_api_store.h"
#include "ngx_http_api_redis.h"

#include <ngx_http_api_lua.h>


#define NGX_HTTP_API_STORE_PARTS  4


typedef struct {
    const char      *name;
    const char      *parts[NGX_HTTP_API_STORE_PARTS];
} ngx_http_api_store_script_t;


static ngx_http_api_store_script_t  ngx_http_api_store_scripts[] = {
    { "create", { ngx_http_api_lua_idempotency, ngx_http_api_lua_create,
                  NULL } },
    { "put", { ngx_http_api_lua_common, ngx_http_api_lua_put, NULL } },
    { "patch", { ngx_http_api_lua_common, ngx_http_api_lua_merge,
                 ngx_http_api_lua_idempotency, ngx_http_api_lua_patch } },
    { "delete", { ngx_http_api_lua_common, ngx_http_api_lua_delete, NULL } },
    { "list", { ngx_http_api_lua_list, NULL } },
    { "unlock", { ngx_http_api_lua_unlock, NULL } }
};


ngx_int_t
ngx_http_api_store_init(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf)
{
    u_char       *p;
    size_t        len;
    ngx_str_t     name, source;
    ngx_uint_t    i, j;
    const char  **parts;

    if (amcf->store[0] != NULL) {
        return NGX_OK;
    }

    for (i = 0; i < NGX_HTTP_API_SCRIPT_N; i++) {
        parts = ngx_http_api_store_scripts[i].parts;

        len = 0;
        for (j = 0; j < NGX_HTTP_API_STORE_PARTS && parts[j]; j++) {
            len += ngx_strlen(parts[j]);
        }

        source.data = ngx_pnalloc(cf->pool, len);
        if (source.data == NULL) {
            return NGX_ERROR;
        }

        p = source.data;
        for (j = 0; j < NGX_HTTP_API_STORE_PARTS && parts[j]; j++) {
            p = ngx_cpymem(p, parts[j], ngx_strlen(parts[j]));
        }

        source.len = len;

        name.data = (u_char *) ngx_http_api_store_scripts[i].name;
        name.len = ngx_strlen(name.data);

        if (ngx_http_api_redis_add_script(cf, amcf, &name, &source,
                                          &amcf->store[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_api_store_key(ngx_pool_t *pool, ngx_http_api_main_conf_t *amcf,
    ngx_str_t *collection, ngx_str_t *id, ngx_str_t *key)
{
    u_char  *p;

    key->len = amcf->prefix.len + 2 + collection->len
               + (id->len ? 1 + id->len : 0);

    key->data = ngx_pnalloc(pool, key->len);
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(key->data, amcf->prefix.data, amcf->prefix.len);
    *p++ = '{';
    p = ngx_cpymem(p, collection->data, collection->len);
    *p++ = '}';

    if (id->len) {
        *p++ = ':';
        ngx_memcpy(p, id->data, id->len);
    }

    return NGX_OK;
}
