
/*
 * ngx_http_api_module: what a request's path, headers and arguments say.
 *
 * Everything here works on plain bytes and, where it allocates, a pool:
 * the handler passes what the request holds, and fuzz/ passes anything.
 */


#include "ngx_http_api_parse.h"
#include "ngx_http_api_id.h"


ngx_int_t
ngx_http_api_parse_route(u_char *p, u_char *end, ngx_array_t *collections,
    ngx_http_api_route_t *route, ngx_http_api_error_t *err)
{
    u_char      *slash;
    ngx_str_t   *c;
    ngx_uint_t   i;

    ngx_memzero(route, sizeof(ngx_http_api_route_t));

    slash = ngx_strlchr(p, end, '/');

    route->collection.data = p;
    route->collection.len = (slash ? slash : end) - p;

    c = collections->elts;

    for (i = 0; i < collections->nelts; i++) {
        if (c[i].len == route->collection.len
            && ngx_strncmp(c[i].data, p, c[i].len) == 0)
        {
            break;
        }
    }

    if (i == collections->nelts) {
        err->status = NGX_HTTP_NOT_FOUND;
        err->code = "unknown_collection";
        err->detail = "No such collection.";
        return NGX_DECLINED;
    }

    if (slash == NULL || slash + 1 == end) {
        return NGX_OK;
    }

    route->id.data = slash + 1;
    route->id.len = end - route->id.data;

    if (ngx_strlchr(route->id.data, end, '/') != NULL) {
        err->status = NGX_HTTP_NOT_FOUND;
        err->code = "not_found";
        err->detail = "No such resource.";
        return NGX_DECLINED;
    }

    if (!ngx_http_api_id_valid(route->id.data, route->id.len)) {
        err->status = NGX_HTTP_BAD_REQUEST;
        err->code = "invalid_id";
        err->detail = "An id is 1 to 128 of A-Z a-z 0-9 . _ ~ - "
                      "(and not \".\" or \"..\").";
        return NGX_DECLINED;
    }

    route->item = 1;

    return NGX_OK;
}


ngx_int_t
ngx_http_api_parse_etags(ngx_pool_t *pool, ngx_str_t *value,
    ngx_uint_t weak, ngx_str_t *list)
{
    u_char  *p, *end, *q, *o;

    if (value == NULL) {
        ngx_str_null(list);
        list->data = (u_char *) "";
        return NGX_OK;
    }

    p = value->data;
    end = p + value->len;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    if (end - p == 1 && *p == '*') {
        ngx_str_set(list, "*");
        return NGX_OK;
    }

    list->data = ngx_pnalloc(pool, value->len + 2);
    if (list->data == NULL) {
        return NGX_ERROR;
    }

    o = list->data;
    *o++ = ',';

    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
            continue;
        }

        if (end - p > 2 && p[0] == 'W' && p[1] == '/') {
            p += 2;

            if (!weak) {
                /* skip this tag: a weak tag never matches strongly */
                q = (p < end && *p == '"') ? ngx_strlchr(p + 1, end, '"')
                                           : NULL;
                p = q ? q + 1 : ngx_strlchr(p, end, ',');
                if (p == NULL) {
                    break;
                }

                continue;
            }
        }

        if (*p != '"') {
            /* not an entity-tag: skip to the next comma */
            p = ngx_strlchr(p, end, ',');
            if (p == NULL) {
                break;
            }

            continue;
        }

        q = ngx_strlchr(p + 1, end, '"');
        if (q == NULL) {
            break;
        }

        /*
         * A tag with a comma in it cannot be a revision, and would read
         * as two tags in the ",rev,rev," list: leave it out.
         */

        if (ngx_strlchr(p + 1, q, ',') == NULL) {
            o = ngx_cpymem(o, p + 1, q - p - 1);
            *o++ = ',';
        }

        p = q + 1;
    }

    list->len = o - list->data;

    return NGX_OK;
}


ngx_uint_t
ngx_http_api_etag_listed(ngx_str_t *list, ngx_str_t *rev)
{
    u_char  *p, *end, *comma;

    if (list->len == 1 && list->data[0] == '*') {
        return 1;
    }

    p = list->data;
    end = p + list->len;

    while (p < end) {
        comma = ngx_strlchr(p, end, ',');
        if (comma == NULL) {
            comma = end;
        }

        if ((size_t) (comma - p) == rev->len
            && ngx_strncmp(p, rev->data, rev->len) == 0)
        {
            return 1;
        }

        p = comma + 1;
    }

    return 0;
}


ngx_int_t
ngx_http_api_parse_limit(ngx_str_t *value, ngx_uint_t max, ngx_uint_t *limit)
{
    ngx_int_t  n;

    n = ngx_atoi(value->data, value->len);

    if (n == NGX_ERROR || n < 1 || (ngx_uint_t) n > max) {
        return NGX_DECLINED;
    }

    *limit = n;

    return NGX_OK;
}


ngx_int_t
ngx_http_api_parse_arg(ngx_pool_t *pool, ngx_str_t *value, ngx_str_t *text)
{
    u_char     *p, *s, *end;
    ngx_int_t   c;

    text->data = ngx_pnalloc(pool, value->len + 1);
    if (text->data == NULL) {
        return NGX_ERROR;
    }

    p = text->data;
    s = value->data;
    end = s + value->len;

    while (s < end) {

        if (*s != '%') {
            *p++ = *s++;
            continue;
        }

        if (end - s < 3) {
            return NGX_DECLINED;
        }

        c = ngx_hextoi(s + 1, 2);
        if (c == NGX_ERROR) {
            return NGX_DECLINED;
        }

        *p++ = (u_char) c;
        s += 3;
    }

    text->len = p - text->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_api_parse_cursor(ngx_pool_t *pool, ngx_str_t *text, ngx_str_t *id)
{
    ngx_str_t  again;

    /* an opaque cursor: base64url of the last id seen, unpadded */

    id->data = ngx_pnalloc(pool, ngx_base64_decoded_length(text->len) + 1);
    again.data = ngx_pnalloc(pool, ngx_base64_encoded_length(
                                 ngx_base64_decoded_length(text->len)));
    if (id->data == NULL || again.data == NULL) {
        return NGX_ERROR;
    }

    if (ngx_decode_base64url(id, text) != NGX_OK
        || !ngx_http_api_id_valid(id->data, id->len))
    {
        return NGX_DECLINED;
    }

    /*
     * nginx's decoder stops at "=" and ignores spare bits: only the one
     * text the API itself makes of this id is a cursor.
     */

    ngx_encode_base64url(&again, id);

    if (again.len != text->len
        || ngx_memcmp(again.data, text->data, text->len) != 0)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_api_parse_media_type(ngx_str_t *value, ngx_uint_t patch)
{
    u_char  *p, *end;
    size_t   len;

    p = value->data;

    end = ngx_strlchr(p, p + value->len, ';');
    if (end == NULL) {
        end = p + value->len;
    }

    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    len = end - p;

#define ngx_http_api_type_is(t)                                               \
    (len == sizeof(t) - 1 && ngx_strncasecmp(p, (u_char *) t, len) == 0)

    if (ngx_http_api_type_is("application/json")) {
        return NGX_OK;
    }

    if (ngx_http_api_type_is("application/merge-patch+json")) {
        return patch ? NGX_OK : NGX_DECLINED;
    }

    if (patch || ngx_http_api_type_is("application/json-patch+json")) {
        /* a patch in another format; a patch format is not a document */
        return NGX_DECLINED;
    }

#undef ngx_http_api_type_is

    if (len > sizeof("application/+json") - 1
        && ngx_strncasecmp(p, (u_char *) "application/", 12) == 0
        && ngx_strncasecmp(end - 5, (u_char *) "+json", 5) == 0)
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}


ngx_uint_t
ngx_http_api_parse_name(u_char *p, size_t len, size_t max, const char *extra)
{
    size_t  i;

    if (len == 0 || len > max) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
              || (p[i] >= '0' && p[i] <= '9')
              || (p[i] != '\0' && ngx_strchr(extra, p[i]) != NULL)))
        {
            return 0;
        }
    }

    return 1;
}


u_char *
ngx_http_api_write_uint(u_char *p, uint64_t n)
{
    u_char   tmp[NGX_INT64_LEN], *t;

    t = tmp + NGX_INT64_LEN;

    do {
        *--t = (u_char) (n % 10 + '0');
        n /= 10;
    } while (n);

    return ngx_cpymem(p, t, tmp + NGX_INT64_LEN - t);
}


ngx_table_elt_t *
ngx_http_api_parse_header(ngx_http_request_t *r, u_char *name, size_t len,
    ngx_uint_t *n)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *found;

    found = NULL;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != len
            || ngx_strncasecmp(h[i].key.data, name, len) != 0)
        {
            continue;
        }

        if (found == NULL) {
            found = &h[i];
        }

        if (n == NULL) {
            break;
        }

        (*n)++;
    }

    return found;
}
