
/*
 * fuzz_route: ngx_http_api_parse_route() and the Redis keys of a route.
 *
 * Input: "<collection> <collection> ...\n<path after the location>".
 * Names that api_collection would refuse are dropped ("items" if none is
 * left).  Checks the answer against a model written from the contract
 * (README: API), and that a routed document's key keeps its id inside
 * "<prefix>{<collection>}:", with the collection as the Cluster hash tag.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_parse.h"
#include "ngx_http_api_store.h"


static ngx_uint_t ngx_fuzz_collection_name(u_char *p, size_t len);
static ngx_uint_t ngx_fuzz_id_model(u_char *p, size_t len);
static void ngx_fuzz_keys(ngx_pool_t *pool, ngx_http_api_route_t *route);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                *p, *end, *nl, *name, *slash, *rest, *in;
    size_t                 len;
    ngx_str_t             *c;
    ngx_int_t              rc;
    ngx_uint_t             i, found;
    ngx_pool_t            *pool;
    ngx_array_t           *collections;
    ngx_http_api_error_t   err;
    ngx_http_api_route_t   route;

    pool = ngx_fuzz_pool();

    /* every buffer the module reads gets an exact-size copy */

    in = ngx_pnalloc(pool, size);
    ngx_fuzz_check(in != NULL || size == 0);
    if (size) {
        ngx_memcpy(in, data, size);
    }

    p = in;
    end = in + size;

    nl = ngx_strlchr(p, end, '\n');

    collections = ngx_array_create(pool, 4, sizeof(ngx_str_t));
    ngx_fuzz_check(collections != NULL);

    if (nl != NULL) {
        while (p < nl) {
            name = p;
            while (p < nl && *p != ' ') {
                p++;
            }

            len = p - name;
            p++;

            if (!ngx_fuzz_collection_name(name, len)) {
                continue;
            }

            c = collections->elts;
            for (i = 0; i < collections->nelts; i++) {
                if (c[i].len == len && ngx_strncmp(c[i].data, name, len) == 0)
                {
                    break;
                }
            }

            if (i < collections->nelts) {
                continue;
            }

            c = ngx_array_push(collections);
            ngx_fuzz_check(c != NULL);
            c->data = name;
            c->len = len;
        }

        p = nl + 1;
    }

    if (collections->nelts == 0) {
        c = ngx_array_push(collections);
        ngx_fuzz_check(c != NULL);
        ngx_str_set(c, "items");
    }

    len = end - p;
    in = ngx_pnalloc(pool, len);
    ngx_fuzz_check(in != NULL || len == 0);
    if (len) {
        ngx_memcpy(in, p, len);
    }

    p = in;
    end = in + len;

    rc = ngx_http_api_parse_route(p, end, collections, &route, &err);

    ngx_fuzz_check(rc == NGX_OK || rc == NGX_DECLINED);

    /* the model */

    slash = NULL;
    for (in = p; in < end; in++) {
        if (*in == '/') {
            slash = in;
            break;
        }
    }

    len = (slash ? slash : end) - p;

    found = 0;
    c = collections->elts;
    for (i = 0; i < collections->nelts; i++) {
        if (c[i].len == len && memcmp(c[i].data, p, len) == 0) {
            found = 1;
        }
    }

    if (!found) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(err.status == NGX_HTTP_NOT_FOUND);
        ngx_fuzz_check(ngx_strcmp(err.code, "unknown_collection") == 0);
        goto done;
    }

    rest = slash ? slash + 1 : end;

    if (rest == end) {
        ngx_fuzz_check(rc == NGX_OK);
        ngx_fuzz_check(route.item == 0 && route.id.len == 0);
        ngx_fuzz_check(route.collection.data == p);
        ngx_fuzz_check(route.collection.len == len);
        ngx_fuzz_keys(pool, &route);
        goto done;
    }

    if (memchr(rest, '/', end - rest) != NULL) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(err.status == NGX_HTTP_NOT_FOUND);
        ngx_fuzz_check(ngx_strcmp(err.code, "not_found") == 0);
        goto done;
    }

    if (!ngx_fuzz_id_model(rest, end - rest)) {
        ngx_fuzz_check(rc == NGX_DECLINED);
        ngx_fuzz_check(err.status == NGX_HTTP_BAD_REQUEST);
        ngx_fuzz_check(ngx_strcmp(err.code, "invalid_id") == 0);
        goto done;
    }

    ngx_fuzz_check(rc == NGX_OK);
    ngx_fuzz_check(route.item == 1);
    ngx_fuzz_check(route.collection.data == p && route.collection.len == len);
    ngx_fuzz_check(route.id.data == rest
                   && route.id.len == (size_t) (end - rest));

    ngx_fuzz_keys(pool, &route);

done:

    ngx_destroy_pool(pool);

    return 0;
}


/* api_collection's rule: [A-Za-z0-9_-]{1,64} */

static ngx_uint_t
ngx_fuzz_collection_name(u_char *p, size_t len)
{
    size_t  i;

    if (len == 0 || len > 64) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!isalnum(p[i]) && p[i] != '_' && p[i] != '-') {
            return 0;
        }
    }

    return 1;
}


/* README: an id is 1 to 128 of A-Z a-z 0-9 . _ ~ - (not "." or "..") */

static ngx_uint_t
ngx_fuzz_id_model(u_char *p, size_t len)
{
    size_t  i;

    if (len < 1 || len > 128) {
        return 0;
    }

    if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
    {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789._~-", p[i]) == NULL
            || p[i] == '\0')
        {
            return 0;
        }
    }

    return 1;
}


/*
 * The keys the handler makes of a route: the id can neither leave the
 * collection's key space nor change the hash tag (Redis Cluster hashes
 * what lies between the first '{' and the first '}' after it).
 */

static void
ngx_fuzz_keys(ngx_pool_t *pool, ngx_http_api_route_t *route)
{
    u_char                    *open, *close;
    ngx_str_t                  key, index, none;
    ngx_http_api_main_conf_t   amcf;

    ngx_memzero(&amcf, sizeof(ngx_http_api_main_conf_t));
    ngx_str_set(&amcf.prefix, "api:");
    ngx_str_null(&none);

    ngx_fuzz_check(ngx_http_api_store_key(pool, &amcf, &route->collection,
                                          &none, &index)
                   == NGX_OK);

    ngx_fuzz_check(index.len == 4 + 2 + route->collection.len);
    ngx_fuzz_check(ngx_strncmp(index.data, "api:{", 5) == 0);
    ngx_fuzz_check(index.data[index.len - 1] == '}');

    if (!route->item) {
        return;
    }

    ngx_fuzz_check(ngx_http_api_store_key(pool, &amcf, &route->collection,
                                          &route->id, &key)
                   == NGX_OK);

    /* "<index>:<id>" */

    ngx_fuzz_check(key.len == index.len + 1 + route->id.len);
    ngx_fuzz_check(ngx_strncmp(key.data, index.data, index.len) == 0);
    ngx_fuzz_check(key.data[index.len] == ':');
    ngx_fuzz_check(ngx_strncmp(key.data + index.len + 1, route->id.data,
                               route->id.len)
                   == 0);

    open = memchr(key.data, '{', key.len);
    ngx_fuzz_check(open != NULL);
    close = memchr(open, '}', key.data + key.len - open);
    ngx_fuzz_check(close != NULL);

    ngx_fuzz_check((size_t) (close - open - 1) == route->collection.len);
    ngx_fuzz_check(ngx_strncmp(open + 1, route->collection.data,
                               route->collection.len)
                   == 0);
    ngx_fuzz_check(memchr(close + 1, '{', key.data + key.len - close - 1)
                   == NULL);
    ngx_fuzz_check(memchr(close + 1, '}', key.data + key.len - close - 1)
                   == NULL);
    ngx_fuzz_check(ngx_http_api_id_valid(route->id.data, route->id.len));
}
